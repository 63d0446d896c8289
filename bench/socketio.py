"""The `socketio` workload of bench/run.py: events per second emitted and received through
`wscope --proto socketio` against the official Node client (socket.io-client 4.8.4, through
tests/peers/bench_clients.mjs) on the same server (the `socket.io` 4 test server,
tests/peers/socketio_server.mjs, which echoes each `chat` event).

Each client emits N `chat` events and waits for the N echoes. socket.io-client reports its own
time from its `connect` to the last echo (its start-up and connection are left out); wscope is
timed from its start to its exit (start-up, connection, handshake, the DISCONNECT and the close
handshake counted in), so its figure is the lower bound of its speed and the Node client's the
upper bound of its own. CPU is the whole process's (user + system) for both. The clients take
turns, one run each per round, after a warm-up round.
"""
import json
import os
import statistics
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.path.join(ROOT, "tests", "peers")
NODE_DIR = os.path.join(ROOT, "target", "peers", "node")
COUNT = 20_000


def start_server():
    proc = subprocess.Popen(["node", os.path.join(PEERS, "socketio_server.mjs"), "--node-dir", NODE_DIR],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    port = int(proc.stdout.readline().strip())
    # The server logs an event per message on stdout: read it away so that it never blocks.
    import threading
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
    return proc, port


def timed(argv, stdin_path, stdout_path):
    with open(stdin_path, "rb") as fin, open(stdout_path, "wb") as fout:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=fin, stdout=fout, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def run_wscope(wscope, port, work, count):
    """wscope: N emits piped in, -n N+1 (the server's welcome, then the N echoes)."""
    src = os.path.join(work, f"socketio-{count}.txt")
    if not os.path.exists(src):
        with open(src, "w") as f:
            for i in range(count):
                f.write(f'["chat",{i}]\n')
    out = os.path.join(work, "socketio-out.txt")
    argv = [wscope, "--proto", "socketio", "-n", str(count + 1), f"http://127.0.0.1:{port}/"]
    wall, cpu, code = timed(argv, src, out)
    with open(out) as f:
        lines = f.read().splitlines()
    ok = code == 0 and len(lines) == count + 1 and lines[-1] == f'["chat",{count - 1}]'
    return wall, cpu, ok


def run_official(port, work, count):
    argv = ["node", os.path.join(PEERS, "bench_clients.mjs"), "socketio", f"http://127.0.0.1:{port}/",
            "--count", str(count), "--node-dir", NODE_DIR]
    out = os.path.join(work, "socketio-node.json")
    wall, cpu, code = timed(argv, os.devnull, out)
    with open(out) as f:
        report = json.loads(f.read().strip().splitlines()[-1])
    return report["seconds"], cpu, code == 0 and report["received"] == count


def run(wscope, work, runs, log):
    """The rows of the workload: (client, events/s medians, timing, CPU s median, ok)."""
    if not os.path.isdir(NODE_DIR):
        log("no target/peers/node (run the test suite once): skipping the socketio workload")
        return []
    server, port = start_server()
    try:
        clients = [("wscope --proto socketio", lambda: run_wscope(wscope, port, work, COUNT),
                    "process start to exit"),
                   ("socket.io-client 4.8.4", lambda: run_official(port, work, COUNT),
                    "its connect to the last echo")]
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
            log(f"  {name:24} socketio {rate:8.0f} events/s  CPU {statistics.median(cpus):.2f} s  "
                f"{'ok' if ok else 'MISMATCH'}")
        return rows
    finally:
        server.stdin.close()
        server.terminate()
        server.wait()


def table(rows):
    out = [f"\nsocketio: {COUNT} `chat` emits and their {COUNT} echoes through the socket.io 4 test server",
           "| client | events/s median (min–max) | timed | CPU s (whole process) |",
           "|---|---|---|---|"]
    for name, rate, low, high, timing, cpu, ok in rows:
        flag = "" if ok else " MISMATCH"
        out.append(f"| {name} | {rate:,.0f} ({low:,.0f}–{high:,.0f}){flag} | {timing} | {cpu:.2f} |")
    return "\n".join(out)
