"""The `graphql` workload of bench/run.py: results per second of one subscription through
`wscope --proto graphql` against the official `graphql-ws` Node client (6.4.2, through
tests/peers/bench_clients.mjs) on the same server (the `graphql-ws` test server,
tests/peers/graphql_server.mjs: `subscription { count(to: N) }` yields 1..N at once).

The Node client reports its own time from its `connected` event to the subscription's
`complete` (its start-up, connection and handshake left out); wscope is timed from its start to
its exit (start-up, connection, connection_init/ack, the subscription, the close handshake),
so its figure is the lower bound of its speed and the Node client's the upper bound of its own.
CPU is the whole process's (user + system) for both. The clients take turns, one run each per
round, after a warm-up round; every run must get all N results (wscope: N lines, the last one
`{"data":{"count":N}}`).
"""
import json
import os
import statistics
import subprocess
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.path.join(ROOT, "tests", "peers")
NODE_DIR = os.path.join(ROOT, "target", "peers", "node")
COUNT = 20_000


def start_server():
    argv = ["node", os.path.join(PEERS, "graphql_server.mjs"), "--node-dir", NODE_DIR]
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    port = int(proc.stdout.readline().strip())
    # The server logs an event per operation on stdout: read it away so that it never blocks.
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
    return proc, port


def timed(argv, stdout_path):
    with open(stdout_path, "wb") as fout:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=fout, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def run_wscope(wscope, port, work, count):
    out = os.path.join(work, "graphql-out.txt")
    argv = [wscope, "--proto", "graphql", "-e", f"subscription {{ count(to: {count}) }}",
            f"ws://127.0.0.1:{port}/graphql"]
    wall, cpu, code = timed(argv, out)
    with open(out) as f:
        lines = f.read().splitlines()
    ok = code == 0 and len(lines) == count and lines[-1] == f'{{"data":{{"count":{count}}}}}'
    return wall, cpu, ok


def run_official(port, work, count):
    argv = ["node", os.path.join(PEERS, "bench_clients.mjs"), "graphql", f"ws://127.0.0.1:{port}/graphql",
            "--count", str(count), "--node-dir", NODE_DIR]
    out = os.path.join(work, "graphql-node.json")
    _, cpu, code = timed(argv, out)
    with open(out) as f:
        report = json.loads(f.read().strip().splitlines()[-1])
    return report["seconds"], cpu, code == 0 and report["results"] == count


def run(wscope, work, runs, log):
    """The rows of the workload: (client, results/s median, min, max, timing, CPU s median, ok)."""
    if not os.path.isdir(NODE_DIR):
        log("no target/peers/node (run the test suite once): skipping the graphql workload")
        return []
    server, port = start_server()
    try:
        clients = [("wscope --proto graphql", lambda: run_wscope(wscope, port, work, COUNT),
                    "process start to exit"),
                   ("graphql-ws 6.4.2 client", lambda: run_official(port, work, COUNT),
                    "its connected to complete")]
        results = {name: ([], [], True) for name, _, _ in clients}
        for i in range(runs + 1):
            for name, one, _ in clients[i % 2:] + clients[:i % 2]:
                secs, cpu, ok = one()
                times, cpus, all_ok = results[name]
                if i > 0:
                    times.append(secs)
                    cpus.append(cpu)
                results[name] = (times, cpus, all_ok and ok)
        rows = []
        for name, _, timing in clients:
            times, cpus, ok = results[name]
            rate = COUNT / statistics.median(times)
            rows.append((name, rate, COUNT / max(times), COUNT / min(times), timing,
                         statistics.median(cpus), ok))
            log(f"  {name:24} graphql {rate:8.0f} results/s  CPU {statistics.median(cpus):.2f} s  "
                f"{'ok' if ok else 'MISMATCH'}")
        return rows
    finally:
        server.stdin.close()
        server.terminate()
        server.wait()


def table(rows):
    out = [f"\ngraphql: one subscription `count(to: {COUNT})` through the graphql-ws test server",
           "| client | results/s median (min–max) | timed | CPU s (whole process) |",
           "|---|---|---|---|"]
    for name, rate, low, high, timing, cpu, ok in rows:
        flag = "" if ok else " MISMATCH"
        out.append(f"| {name} | {rate:,.0f} ({low:,.0f}–{high:,.0f}){flag} | {timing} | {cpu:.2f} |")
    return "\n".join(out)
