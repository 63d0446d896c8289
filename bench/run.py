#!/usr/bin/env python3
"""wscope's loopback benchmark: pipe-mode throughput, latency and memory, side by side.

    python3 bench/run.py                 # everything, 5 runs per workload
    python3 bench/run.py --runs 3 --workloads small,latency --no-peers

It builds the release binary, starts an echo server on 127.0.0.1 (the reference server from
../shared/bench when it is there, else `wscope serve`), and runs each client on the same inputs:

  small    200,000 lines of 32 bytes        medium   20,000 lines of 1 KiB
  large    64 lines of 1 MiB                latency  `hi`: start, connect, one echo, close, exit
  flood    1 GiB echoed into a stdout reader throttled to ~100 MB/s (peak RSS is the point)
  json1k   20,000 JSON messages of ~1 KiB   json64k  300 JSON messages of ~64 KiB
           (compressed: permessage-deflate, against `wscope serve`, which negotiates it)
  filter   200,000 JSON messages (~90 B) through `--filter .field`, against the same wscope
           piped into `jq -c .field` (jq on PATH), both with --no-deflate: what filtering costs;
           the output is checked against the expected field values
  filter-deflate   the same with permessage-deflate negotiated, as against a server that
           compresses: inflating costs both sides alike (and the pipeline inflates on one core
           while jq parses on the other)
  graphql  one GraphQL subscription of 20,000 results through `--proto graphql`, against the
           official graphql-ws Node client on the same graphql-ws server (bench/graphql.py;
           needs the test suite's target/peers/node)
  socketio 20,000 Socket.IO events emitted and echoed through `--proto socketio`, against the
           official Node client on the same socket.io server (bench/socketio.py; needs the test
           suite's target/peers/node)
  stomp    (not in the default list) 20,000 messages through a RabbitMQ queue with
           `--proto stomp --subscribe`, against @stomp/stompjs on the same broker
           (bench/stomp_bench.py says how each is timed)
  jsonrpc  20,000 calls through `--proto jsonrpc` against the rpc-websockets Node client, on the
           rpc-websockets server (bench/protocols.py says how; needs the test suite's target/peers)

Clients: wscope, wscope with --frames (stderr to a file), and, when available, the reference
limit client (../shared/bench/limit-client, built on demand) and websocat (on PATH or in
/tmp/bench/cargo/bin). The compressed workloads compare wscope with wscope --no-deflate (the
cost of compression), the Python `websockets` client (bench/ws_client.py, from the test suite's
venv in target/peers when present) and wscat 6.1.0 (installed with npm under the work
directory; wscat sends nothing it reads from a pipe, so it is driven through a terminal, as a
user types into it). For those, time runs until the last echo has arrived. The clients take turns, one run each per round, so a change in the
machine's load falls on all of them. Every run's stdout must equal its input byte for byte.
Per run it records wall time, CPU time (user + system) and the client's peak RSS (wait4); it
prints medians, min-max, and ratios against the limit client. Timings on a shared machine are
noisy: compare ratios from one run.
"""
import argparse
import importlib
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time

import protocols
import stomp_bench

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared", "bench"))
WORK = os.environ.get("WSCOPE_BENCH_DIR", "/tmp/wscope-bench")
WORKLOADS = {
    "small": (200_000, 32),
    "medium": (20_000, 1024),
    "large": (64, 1 << 20),
}
JSON_WORKLOADS = {
    "json1k": (20_000, 1024),
    "json64k": (300, 64 * 1024),
}


# The workloads of an application protocol, each a module beside this one with run() and table().
PROTOCOL_WORKLOADS = ("socketio", "graphql")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def json_line(rng, size):
    """A realistic JSON document of about `size` bytes: a feed of trades with varied numbers."""
    sides, symbols = ["buy", "sell"], ["BTC-USD", "ETH-USD", "SOL-USD", "XRP-USD", "ADA-EUR"]
    items = []
    while sum(len(i) for i in items) < size - 60:
        items.append('{"id":%d,"symbol":"%s","side":"%s","price":%.2f,"size":%.6f,"ts":%d}' % (
            rng.randrange(10**9), rng.choice(symbols), rng.choice(sides),
            rng.uniform(0.1, 70000), rng.uniform(0.0001, 5), 1_764_000_000_000 + rng.randrange(10**7)))
    return ('{"type":"trades","seq":%d,"data":[%s]}' % (rng.randrange(10**6), ",".join(items))).encode()


def make_input(name):
    path = os.path.join(WORK, f"{name}.txt")
    if name in JSON_WORKLOADS:
        count, size = JSON_WORKLOADS[name]
        if not os.path.exists(path):
            import random
            rng = random.Random(7)
            with open(path, "wb") as f:
                for _ in range(count):
                    f.write(json_line(rng, size) + b"\n")
        return path, os.path.getsize(path), count
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


FILTER_WORKLOADS = {"filter": ["--no-deflate"], "filter-deflate": []}


def filter_clients(wscope, flags):
    found = [("wscope --filter", [wscope, "--idle", "0", *flags, "--filter", ".field"], None)]
    if shutil.which("jq"):
        # sh -c SCRIPT URL: run_once appends the URL, which the script reads as $0.
        script = f'"{wscope}" --idle 0 {" ".join(flags)} "$0" | jq -c .field'
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


def compressed_clients(wscope):
    """The clients of the compressed workloads; a `None` in place of the argv's first word
    means the client is driven through a terminal."""
    found = [("wscope", [wscope, "--idle", "0"], None),
             ("wscope --no-deflate", [wscope, "--idle", "0", "--no-deflate"], None)]
    venv_python = os.path.join(ROOT, "target", "peers", "venv", "bin", "python")
    if os.path.exists(venv_python):
        found.append(("python websockets", [venv_python, os.path.join(HERE, "ws_client.py")], None))
    else:
        log("no target/peers/venv (run the test suite once): skipping the Python client")
    wscat = install_wscat()
    if wscat:
        found.append(("wscat 6.1.0", [wscat, "--no-color", "-c"], "pty"))
    return found


def install_wscat():
    node_dir = os.path.join(WORK, "node")
    wscat = os.path.join(node_dir, "node_modules", ".bin", "wscat")
    if not os.path.exists(wscat) and shutil.which("npm"):
        os.makedirs(node_dir, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--prefix", node_dir, "wscat@6.1.0"],
                       check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return wscat if os.path.exists(wscat) else None


def run_counting(argv, url, input_path, lines, through_pty):
    """Runs a client until `lines` echoes have come out; returns wall time to the last one,
    CPU time, peak RSS and whether all arrived."""
    import pty
    cmd, rss_file = measured(argv + [url])
    with open(input_path, "rb") as f:
        data = f.read()
    if through_pty:
        master, slave = pty.openpty()
        proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=subprocess.DEVNULL)
        os.close(slave)
        reader, writer = master, master
    else:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        reader, writer = proc.stdout.fileno(), proc.stdin
    t0 = time.perf_counter()
    seen, buf, started = 0, b"", not through_pty
    feeder = None
    if started:
        feeder = threading.Thread(target=feed, args=(writer, data, False), daemon=True)
        feeder.start()
    deadline = t0 + 300
    while seen < lines and time.perf_counter() < deadline:
        try:
            chunk = os.read(reader, 1 << 16)
        except OSError:
            break
        if not chunk:
            break
        buf += chunk
        if not started and b"Connected" in buf:
            # wscat takes input only once it is connected.
            started, buf = True, b""
            t0 = time.perf_counter()
        if started and feeder is None:
            feeder = threading.Thread(target=feed, args=(writer, data, through_pty), daemon=True)
            feeder.start()
        # wscat redraws its prompt and writes each message as "< message" after a cursor move.
        marker = b"\x1b[3D< " if through_pty else b"\n"
        seen += buf.count(marker)
        buf = buf[-(len(marker) - 1):] if len(marker) > 1 else b""
    wall = time.perf_counter() - t0
    if through_pty:
        # The terminal goes away: wscat ends (and GNU time reports its peak RSS).
        os.close(master)
    if feeder:
        feeder.join(timeout=10)
    _, status, usage = os.wait4(proc.pid, 0)
    return wall, usage.ru_utime + usage.ru_stime, peak_rss(rss_file, usage), seen >= lines


def feed(sink, data, through_pty):
    """Writes the input: as lines typed into a terminal (`sink` is its fd), or into a pipe
    (`sink` is the client's stdin), which is then closed."""
    try:
        if through_pty:
            for line in data.split(b"\n")[:-1]:
                os.write(sink, line + b"\r")
        else:
            sink.write(data)
            sink.close()
    except OSError:
        pass


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
    ap.add_argument("--workloads", default="small,medium,large,latency,flood,filter,filter-deflate,socketio,graphql,jsonrpc")
    ap.add_argument("--calls", type=int, default=20_000, help="calls of the jsonrpc workload")
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
        compressed = None
        proto_rows = {}
        for w in args.workloads.split(","):
            if w in PROTOCOL_WORKLOADS:
                proto_rows[w] = importlib.import_module(w).run(wscope, WORK, args.runs, log)
                continue
            if w == "flood":
                for name, argv, extra in cl:
                    if extra or name.startswith("websocat"):
                        continue
                    wall, rss, ok = flood(argv, url)
                    rows.append((name, "flood 1 GiB", [wall], [rss], ok, 1 << 30, 1 << 14, []))
                    log(f"  {name:16} flood   {wall:6.2f}s peak RSS {rss:6.1f} MiB {'ok' if ok else 'MISMATCH'}")
                continue
            if w in protocols.WORKLOADS:
                if protocols.available(log):
                    rows.extend(protocols.jsonrpc_rows(wscope, WORK, args.runs, args.calls,
                                                       run_once, rounds, log))
                continue
            if w == "stomp":
                rows.extend(stomp_bench.rounds(ROOT, WORK, wscope, args.runs, log, measured,
                                               peak_rss))
                continue
            if w in FILTER_WORKLOADS:
                path, nbytes, nmsgs, expected = make_json_input()
                wl = filter_clients(wscope, FILTER_WORKLOADS[w])
            else:
                path, nbytes, nmsgs = make_input(w)
                expected, wl = path, cl
            n = args.latency_runs if w == "latency" else args.runs
            if w in JSON_WORKLOADS:
                if compressed is None:
                    # A server that negotiates permessage-deflate.
                    compressed = start_server(wscope, False)
                    ccl = compressed_clients(wscope)
                    log(f"compressed: wscope serve at {compressed[1]}; clients: {', '.join(c[0] for c in ccl)}")
                def one(argv, extra, curl=compressed[1], path=path, nmsgs=nmsgs):
                    return run_counting(argv, curl, path, nmsgs, extra == "pty")
                rows.extend(rounds(ccl, n, w, nbytes, nmsgs, one))
                continue
            def one(argv, extra, path=path, expected=expected):
                out = os.path.join(WORK, "out.txt")
                err = os.path.join(WORK, "err.txt")
                wall, cpu, rss, clean = run_once(argv, url, path, out, err)
                return wall, cpu, rss, clean and same_file(expected, out)
            rows.extend(rounds(wl, n, w, nbytes, nmsgs, one))
        if rows:
            print(table(rows, load, server_name))
        for w, prows in proto_rows.items():
            print(importlib.import_module(w).table(prows))
        return 0 if all(r[4] for r in rows) and all(r[-1] for p in proto_rows.values() for r in p) else 1
    finally:
        for proc in [server] + ([compressed[0]] if compressed else []):
            proc.terminate()
            proc.wait()


def rounds(cl, n, w, nbytes, nmsgs, one):
    """Every client once per round, the order rotating, so that a change in the machine's load
    during the workload falls on all clients alike; the first round is a warm-up."""
    results = {name: ([], [], [], True) for name, _, _ in cl}
    for i in range(n + 1):
        for name, argv, extra in cl[i % len(cl):] + cl[:i % len(cl)]:
            wall, cpu, rss, clean = one(argv, extra)
            walls, cpus, rsss, ok = results[name]
            if i > 0:
                walls.append(wall)
                cpus.append(cpu)
                rsss.append(rss)
            results[name] = (walls, cpus, rsss, ok and clean)
    rows = []
    for name, _, _ in cl:
        walls, cpus, rsss, ok = results[name]
        rows.append((name, w, walls, rsss, ok, nbytes, nmsgs, cpus))
        log(f"  {name:16} {w:7} median {statistics.median(walls)*1000:8.1f} ms  {'ok' if ok else 'MISMATCH'}")
    return rows


def json_ratio(name, w, med, cpus, nmsgs, wscope_rows, plain_rows):
    """For the compressed workloads: CPU per message, and how wscope compares."""
    cpu_us = statistics.median(cpus) / nmsgs * 1e6 if cpus else 0
    text = f"CPU {cpu_us:.1f} µs/msg"
    ours = wscope_rows.get(w)
    if name == "wscope" and w in plain_rows and plain_rows[w][7]:
        base = statistics.median(plain_rows[w][7])
        text += f", CPU {statistics.median(cpus) / base:.2f}× the uncompressed path"
    elif ours and name not in ("wscope", "wscope --no-deflate"):
        text += f", wscope {med / statistics.median(ours[2]):.1f}× faster"
    return text


def table(rows, load, server_name):
    base = {(r[1]): r for r in rows if r[0] == "limit-client"}
    # The filter workloads compare the built-in filter with the same wscope piped into jq.
    base.update({r[1]: r for r in rows if r[0] == "wscope | jq -c"})
    # The protocol workloads compare wscope with the protocol's official client.
    base.update({r[1]: r for r in rows if r[0] == protocols.BASELINES.get(r[1])})
    base.update({r[1]: r for r in rows if r[0] == "@stomp/stompjs"})
    out = [f"\nserver: {server_name}; load1 at start {load:.2f}; clients interleaved, "
           "medians after one warm-up round\n",
           "| client | workload | median wall (min–max) | msgs/s | MB/s | CPU ms | peak RSS MiB | output | vs limit client (filter: vs wscope \\| jq; jsonrpc: vs the Node client; stomp: vs @stomp/stompjs) |",
           "|---|---|---|---|---|---|---|---|---|"]
    wscope_rows = {r[1]: r for r in rows if r[0] == "wscope" and r[1] in JSON_WORKLOADS}
    plain_rows = {r[1]: r for r in rows if r[0] == "wscope --no-deflate"}
    for name, w, walls, rsss, ok, nbytes, nmsgs, cpus in rows:
        med = statistics.median(walls)
        rss = max(rsss)
        cpu = f"{statistics.median(cpus) * 1000:.1f}" if cpus else "–"
        if w == "latency":
            speed = "–", "–"
        else:
            speed = f"{nmsgs / med / 1e3:,.0f}k", f"{nbytes / med / 1e6:,.0f}"
        ratio = ""
        if w in JSON_WORKLOADS:
            ratio = json_ratio(name, w, med, cpus, nmsgs, wscope_rows, plain_rows)
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
