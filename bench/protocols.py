"""The application-protocol workloads of bench/run.py: wscope with `--proto` against the official
Node client of the same protocol, on the same server (tests/peers/, installed by the test suite
in target/peers: run it once first).

  jsonrpc  N `sum [i, 1]` calls (default 20,000) piped into `wscope --proto jsonrpc --idle 0`,
           against the rpc-websockets server; the Node client is rpc-websockets' own `Client`
           sending the N calls at once (tests/peers/bench_clients.mjs). wscope's output must be
           the N sums (in any order: answers are matched by id).

Both clients run whole, as processes, and their wall time is measured alike (start, connect,
every answer, close, exit); the Node client also reports its own time from the open connection
to the last answer, which leaves its start-up out (logged beside, not in the table).
"""
import json
import os
import shutil
import subprocess
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.path.join(ROOT, "tests", "peers")
NODE_DIR = os.path.join(ROOT, "target", "peers", "node")

WORKLOADS = {"jsonrpc"}
# The client each workload's ratios are against.
BASELINES = {"jsonrpc": "rpc-websockets Client"}


def available(log):
    if not shutil.which("node") or not os.path.isdir(NODE_DIR):
        log("no node or target/peers/node (run the test suite once): skipping the protocol workloads")
        return False
    return True


def start_jsonrpc_server():
    """tests/peers/jsonrpc_server.mjs on a free port; its event log is read and dropped."""
    proc = subprocess.Popen(
        ["node", os.path.join(PEERS, "jsonrpc_server.mjs"), "--node-dir", NODE_DIR, "--exit-with-stdin"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = proc.stdout.readline().strip()
    threading.Thread(target=lambda: proc.stdout.read(), daemon=True).start()
    return proc, f"ws://127.0.0.1:{port}/"


def jsonrpc_input(work, count):
    path = os.path.join(work, f"jsonrpc-{count}.txt")
    if not os.path.exists(path):
        with open(path, "w") as f:
            for i in range(count):
                f.write(f"sum [{i}, 1]\n")
    return path, os.path.getsize(path), sorted(str(i + 1) for i in range(count))


def jsonrpc_clients(wscope, count):
    return [
        ("wscope --proto jsonrpc", [wscope, "--proto", "jsonrpc", "--idle", "0"], "wscope"),
        ("rpc-websockets Client",
         ["node", os.path.join(PEERS, "bench_clients.mjs"), "jsonrpc", "--count", str(count),
          "--node-dir", NODE_DIR], "node"),
    ]


def jsonrpc_rows(wscope, work, runs, count, run_once, rounds, log):
    """The rows of the jsonrpc workload, through bench/run.py's `run_once` and `rounds`."""
    server, url = start_jsonrpc_server()
    try:
        path, nbytes, expected = jsonrpc_input(work, count)
        out, err = os.path.join(work, "out.txt"), os.path.join(work, "err.txt")
        reported = []

        def one(argv, kind, path=path):
            if kind == "node":
                wall, cpu, rss, clean = run_once(argv, url, os.devnull, out, err)
                with open(out) as f:
                    result = json.loads(f.read().strip().splitlines()[-1])
                reported.append(result["per_second"])
                return wall, cpu, rss, clean and result["calls"] == count
            wall, cpu, rss, clean = run_once(argv, url, path, out, err)
            with open(out) as f:
                sums = sorted(f.read().split())
            return wall, cpu, rss, clean and sums == expected

        rows = rounds(jsonrpc_clients(wscope, count), runs, "jsonrpc", nbytes, count, one)
        reported = sorted(reported[1:])  # the first run is the warm-up
        if reported:
            log(f"  rpc-websockets Client, its own time (open to last answer): median "
                f"{reported[len(reported) // 2]:,} calls/s")
        return rows
    finally:
        server.stdin.close()
        server.wait()
