#!/usr/bin/env python3
"""wscope's loopback benchmark: pipe-mode throughput, latency and memory, side by side.

    python3 bench/run.py                 # everything, 5 runs per workload
    python3 bench/run.py --runs 3 --workloads small,latency --no-peers

It builds the release binary, starts an echo server on 127.0.0.1 (the reference server from
../shared/bench when it is there, else `wscope serve`), and runs each client on the same inputs:

  small    200,000 lines of 32 bytes        medium   20,000 lines of 1 KiB
  large    64 lines of 1 MiB                latency  `hi`: start, connect, one echo, close, exit
  flood    1 GiB echoed into a stdout reader throttled to ~100 MB/s (peak RSS is the point)
  filter   200,000 JSON messages (~90 B) through `--filter .field`, against the same wscope
           piped into `jq -c .field` (jq on PATH); the output is checked against the expected
           field values

Clients: wscope, wscope with --frames (stderr to a file), and, when available, the reference
limit client (../shared/bench/limit-client, built on demand) and websocat (on PATH or in
/tmp/bench/cargo/bin). The clients take turns, one run each per round, so a change in the
machine's load falls on all of them. Every run's stdout must equal its input byte for byte.
Per run it records wall time, CPU time (user + system) and the client's peak RSS (wait4); it
prints medians, min-max, and ratios against the limit client. Timings on a shared machine are
noisy: compare ratios from one run.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared", "bench"))
WORK = os.environ.get("WSCOPE_BENCH_DIR", "/tmp/wscope-bench")
WORKLOADS = {
    "small": (200_000, 32),
    "medium": (20_000, 1024),
    "large": (64, 1 << 20),
}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def make_input(name):
    path = os.path.join(WORK, f"{name}.txt")
    if name == "latency":
        data = b"hi\n"
    else:
        count, size = WORKLOADS[name]
        line = bytes((97 + i % 26) for i in range(size)) + b"\n"
        data = line * count
    if not (os.path.exists(path) and os.path.getsize(path) == len(data)):
        with open(path, "wb") as f:
            f.write(data)
    return path, len(data), 1 if name == "latency" else WORKLOADS[name][0]


def make_json_input():
    """200k JSON lines and the `.field` of each, as jq -c prints it."""
    path = os.path.join(WORK, "filter.txt")
    expected = os.path.join(WORK, "filter.expected")
    count = 200_000
    if not (os.path.exists(path) and os.path.exists(expected)):
        with open(path, "w") as f, open(expected, "w") as g:
            for i in range(count):
                f.write(f'{{"type":"tick","seq":{i},"field":"value-{i}","px":{1000 + i % 97}.25,'
                        f'"tags":["a","b"],"live":true}}\n')
                g.write(f'"value-{i}"\n')
    return path, os.path.getsize(path), count, expected


def filter_clients(wscope):
    found = [("wscope --filter", [wscope, "--idle", "0", "--filter", ".field"], None)]
    if shutil.which("jq"):
        # sh -c SCRIPT URL: run_once appends the URL, which the script reads as $0.
        script = f'"{wscope}" --idle 0 "$0" | jq -c .field'
        found.append(("wscope | jq -c", ["sh", "-c", script], None))
    else:
        log("jq is not on PATH: the filter workload runs without its comparison")
    return found


def build(cwd, env=None):
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=cwd, check=True, env=env)


def start_server(binary_wscope, use_reference):
    target = os.path.join(WORK, "target")
    env = dict(os.environ, CARGO_TARGET_DIR=target)
    if use_reference and os.path.isdir(os.path.join(SHARED, "echo-server")):
        build(os.path.join(SHARED, "echo-server"), env)
        proc = subprocess.Popen([os.path.join(target, "release", "echo-server"), "0"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = proc.stdout.readline().strip()
        addr = line.split()[-1]
        return proc, f"ws://{addr}/", "reference echo-server (../shared/bench)"
    proc = subprocess.Popen([binary_wscope, "serve", "--listen", "127.0.0.1:0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline().strip()
    return proc, line.split()[-1], "wscope serve"


def clients(wscope, peers, also=()):
    # --idle 0: close as soon as the input ends, as the other clients do, so that the figures
    # measure the transfer and not wscope's idle window (the echo server answers every message
    # before it handles the Close, so nothing is lost either way).
    found = [("wscope", [wscope, "--idle", "0"], None),
             ("wscope --frames", [wscope, "--idle", "0", "--frames"], "frames")]
    for spec in also:
        name, _, command = spec.partition("=")
        found.append((name, command.split(), None))
    if not peers:
        return found
    target = os.path.join(WORK, "target")
    lc = os.path.join(SHARED, "limit-client")
    if os.path.isdir(lc) and shutil.which("cargo"):
        try:
            build(lc, dict(os.environ, CARGO_TARGET_DIR=target))
            found.insert(0, ("limit-client", [os.path.join(target, "release", "limit-client")], None))
        except subprocess.CalledProcessError:
            log("limit client did not build; skipping it")
    ws = shutil.which("websocat") or "/tmp/bench/cargo/bin/websocat"
    if os.path.exists(ws):
        found.append(("websocat -B 2M", [ws, "-t", "-B", "2097152"], None))
    return found


GNU_TIME = "/usr/bin/time"


def measured(argv):
    """The command wrapped so that its own peak RSS is measured.

    A child's RSS high-water mark survives execve, so a child forked from this (large) Python
    process would report Python's size; GNU time is a small intermediate parent."""
    if os.path.exists(GNU_TIME):
        rss = os.path.join(WORK, "rss.txt")
        return [GNU_TIME, "-f", "%M", "-o", rss] + argv, rss
    return argv, None


def peak_rss(rss_file, usage):
    if rss_file:
        with open(rss_file) as f:
            return int(f.read().split()[-1]) / 1024.0
    return usage.ru_maxrss / 1024.0


def run_once(argv, url, input_path, out_path, err_path):
    cmd, rss_file = measured(argv + [url])
    with open(input_path, "rb") as fin, open(out_path, "wb") as fout, open(err_path, "wb") as ferr:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=fin, stdout=fout, stderr=ferr)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    ok = os.waitstatus_to_exitcode(status) == 0
    # User + system time of the client (GNU time's own is negligible): on a loaded machine
    # it moves less than wall time.
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, peak_rss(rss_file, usage), ok


def same_file(a, b):
    if os.path.getsize(a) != os.path.getsize(b):
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


def flood(argv, url, total=1 << 30, chunk=64 * 1024, rate=100e6):
    """Echo `total` bytes through the client while reading its stdout at about `rate` B/s."""
    line = b"f" * (chunk - 1) + b"\n"
    cmd, rss_file = measured(argv + [url])
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)

    def feed():
        try:
            for _ in range(total // chunk):
                proc.stdin.write(line)
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    threading.Thread(target=feed, daemon=True).start()
    got, t0 = 0, time.perf_counter()
    while True:
        data = proc.stdout.read1(chunk)
        if not data:
            break
        got += len(data)
        ahead = got / rate - (time.perf_counter() - t0)
        if ahead > 0:
            time.sleep(ahead)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - t0, peak_rss(rss_file, usage), got == total and status == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--latency-runs", type=int, default=20)
    ap.add_argument("--workloads", default="small,medium,large,latency,flood,filter")
    ap.add_argument("--no-peers", action="store_true", help="only wscope")
    ap.add_argument("--also", action="append", default=[], metavar="NAME=COMMAND",
                    help="another client to measure beside wscope, e.g. an older build for an A/B "
                         "comparison: --also 'before=/tmp/wscope --idle 0' (repeatable)")
    ap.add_argument("--server", choices=["auto", "wscope"], default="auto",
                    help="auto: the reference echo server when ../shared/bench has it")
    args = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    log("building wscope (release) ...")
    build(ROOT)
    wscope = os.path.join(ROOT, "target", "release", "wscope")
    server, url, server_name = start_server(wscope, args.server == "auto")
    try:
        cl = clients(wscope, not args.no_peers, args.also)
        load = os.getloadavg()[0]
        log(f"server: {server_name} at {url}; clients: {', '.join(c[0] for c in cl)}; load1 {load:.2f}")
        rows = []
        for w in args.workloads.split(","):
            if w == "flood":
                for name, argv, extra in cl:
                    if extra or name.startswith("websocat"):
                        continue
                    wall, rss, ok = flood(argv, url)
                    rows.append((name, "flood 1 GiB", [wall], [rss], ok, 1 << 30, 1 << 14, []))
                    log(f"  {name:16} flood   {wall:6.2f}s peak RSS {rss:6.1f} MiB {'ok' if ok else 'MISMATCH'}")
                continue
            if w == "filter":
                path, nbytes, nmsgs, expected = make_json_input()
                wl = filter_clients(wscope)
            else:
                path, nbytes, nmsgs = make_input(w)
                expected, wl = path, cl
            n = args.latency_runs if w == "latency" else args.runs
            # Rounds: every client once per round, the order rotating, so that a change in the
            # machine's load during the workload falls on all clients alike.
            results = {name: ([], [], [], True) for name, _, _ in wl}
            for i in range(n + 1):
                for name, argv, extra in wl[i % len(wl):] + wl[:i % len(wl)]:
                    out = os.path.join(WORK, "out.txt")
                    err = os.path.join(WORK, "err.txt")
                    wall, cpu, rss, clean = run_once(argv, url, path, out, err)
                    walls, cpus, rsss, ok = results[name]
                    ok &= clean and same_file(expected, out)
                    if i > 0:  # the first round is a warm-up
                        walls.append(wall)
                        cpus.append(cpu)
                        rsss.append(rss)
                    results[name] = (walls, cpus, rsss, ok)
            for name, _, _ in wl:
                walls, cpus, rsss, ok = results[name]
                rows.append((name, w, walls, rsss, ok, nbytes, nmsgs, cpus))
                log(f"  {name:16} {w:7} median {statistics.median(walls)*1000:8.1f} ms  {'ok' if ok else 'MISMATCH'}")
        print(table(rows, load, server_name))
        return 0 if all(r[4] for r in rows) else 1
    finally:
        server.terminate()
        server.wait()


def table(rows, load, server_name):
    base = {(r[1]): r for r in rows if r[0] == "limit-client"}
    # The filter workload compares the built-in filter with the same wscope piped into jq.
    jq = [r for r in rows if r[0] == "wscope | jq -c"]
    if jq:
        base["filter"] = jq[0]
    out = [f"\nserver: {server_name}; load1 at start {load:.2f}; clients interleaved, "
           "medians after one warm-up round\n",
           "| client | workload | median wall (min–max) | msgs/s | MB/s | CPU ms | peak RSS MiB | output | vs limit client (filter: vs wscope \\| jq) |",
           "|---|---|---|---|---|---|---|---|---|"]
    for name, w, walls, rsss, ok, nbytes, nmsgs, cpus in rows:
        med = statistics.median(walls)
        rss = max(rsss)
        cpu = f"{statistics.median(cpus) * 1000:.1f}" if cpus else "–"
        if w == "latency":
            speed = "–", "–"
        else:
            speed = f"{nmsgs / med / 1e3:,.0f}k", f"{nbytes / med / 1e6:,.0f}"
        ratio = ""
        b = base.get(w)
        if b and b[0] != name:
            bmed, brss = statistics.median(b[2]), max(b[3])
            if w == "latency" or w.startswith("flood"):
                ratio = f"time {med / bmed:.2f}×, RSS {rss / brss:.2f}×"
            else:
                ratio = f"throughput {bmed / med:.2f}×, RSS {rss / brss:.2f}×"
            if cpus and b[7]:
                ratio += f", CPU {statistics.median(cpus) / statistics.median(b[7]):.2f}×"
        out.append(f"| {name} | {w} | {med*1000:.1f} ms ({min(walls)*1000:.1f}–{max(walls)*1000:.1f}) | "
                   f"{speed[0]} | {speed[1]} | {cpu} | {rss:.1f} | {'identical' if ok else 'MISMATCH'} | {ratio} |")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
