"""The `stomp` workload of bench/run.py: messages per second through a STOMP broker, wscope
(`--proto stomp --subscribe Q --destination Q`, N stdin lines, `-n N`) against the official
JavaScript client, @stomp/stompjs 7.5.0 (tests/peers/bench_clients.mjs), on one private RabbitMQ
with Web-STOMP (tests/peers/rabbitmq.py, started here and stopped at the end).

Each client SENDs N messages (`message 0`, `message 1`, ...) to a queue of its own that it has
subscribed to and waits for the N MESSAGEs, heart-beats off on both (RabbitMQ 3.10 drops a
connection that has heart-beats under flow control). wscope's time is its whole run: process
start, connect, the N messages through the broker, DISCONNECT, exit; its output must be the N
bodies in order. stompjs reports its own time, from CONNECTED to the last MESSAGE (its process
start, the Node runtime and the connect are not counted, which favours it); its process's wall
time, CPU and peak RSS are measured as wscope's are. Needs the test suite's peers
(target/peers: venv, node) and rabbitmq-server.
"""
import json
import os
import subprocess

COUNT = 20_000


def rounds(root, work, wscope, runs, log, measured, peak_rss):
    """Rows for run.py's table, or [] when the broker or the peers are missing."""
    peers = os.path.join(root, "target", "peers")
    python = os.path.join(peers, "venv", "bin", "python")
    node_dir = os.path.join(peers, "node")
    if not (os.path.exists(python) and os.path.isdir(node_dir)):
        log("stomp: no target/peers (run the test suite once): skipping")
        return []
    broker = subprocess.Popen(
        [python, os.path.join(root, "tests", "peers", "rabbitmq.py"), "--exit-with-stdin"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = broker.stdout.readline().strip()
    if not line.isdigit():
        log(f"stomp: RabbitMQ did not start: {broker.stderr.read().strip()}")
        broker.wait()
        return []
    url = f"ws://127.0.0.1:{line}/ws"
    log(f"stomp: RabbitMQ Web-STOMP at {url}; {COUNT} messages per run")
    try:
        return _rounds(root, work, wscope, runs, url, node_dir, log, measured, peak_rss)
    finally:
        broker.stdin.close()
        broker.wait()


def _rounds(root, work, wscope, runs, url, node_dir, log, measured, peak_rss):
    bodies = "".join(f"message {i}\n" for i in range(COUNT)).encode()
    path = os.path.join(work, "stomp-input.txt")
    with open(path, "wb") as f:
        f.write(bodies)
    script = os.path.join(root, "tests", "peers", "bench_clients.mjs")
    stompjs = ["node", script, "stomp", url, "--count", str(COUNT), "--node-dir", node_dir]
    results = {"wscope": [], "@stomp/stompjs": []}
    ok = {"wscope": True, "@stomp/stompjs": True}
    for i in range(runs + 1):
        queue = f"/queue/bench-wscope-{os.getpid()}-{i}"
        argv = [wscope, "--proto", "stomp", "--heartbeat", "0", "--subscribe", queue,
                "--destination", queue, "-n", str(COUNT), url]
        wall, cpu, rss, out, code = _run(argv, path, work, measured, peak_rss)
        good = code == 0 and out == bodies
        wall_js, cpu_js, rss_js, out_js, _ = _run(stompjs, None, work, measured, peak_rss)
        try:
            said = json.loads(out_js.decode().strip().splitlines()[-1])
            seconds = said["seconds"]
        except (ValueError, IndexError, KeyError):
            seconds, good_js = wall_js, False
        else:
            good_js = said.get("received") == COUNT
        ok["wscope"] &= good
        ok["@stomp/stompjs"] &= good_js
        if i > 0:
            results["wscope"].append((wall, cpu, rss))
            results["@stomp/stompjs"].append((seconds, cpu_js, rss_js, wall_js))
        log(f"  stomp round {i}{' (warm-up)' if i == 0 else ''}: wscope {COUNT / wall:,.0f} msgs/s "
            f"({wall:.2f}s){'' if good else ' MISMATCH'}, stompjs {COUNT / seconds:,.0f} msgs/s "
            f"({seconds:.2f}s; process {wall_js:.2f}s){'' if good_js else ' FAILED'}")
    rows = []
    for name, runs_of in results.items():
        walls = [r[0] for r in runs_of]
        rows.append((name, "stomp", walls, [r[2] for r in runs_of], ok[name], len(bodies), COUNT,
                     [r[1] for r in runs_of]))
    return rows


def _run(argv, input_path, work, measured, peak_rss):
    """Wall time, CPU time, peak RSS (MiB), stdout and exit status of one run."""
    import time
    cmd, rss_file = measured(argv)
    out_path = os.path.join(work, "stomp-out.txt")
    fin = open(input_path, "rb") if input_path else subprocess.DEVNULL
    with open(out_path, "wb") as fout:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=fin, stdout=fout, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    if input_path:
        fin.close()
    with open(out_path, "rb") as f:
        out = f.read()
    code = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, peak_rss(rss_file, usage), out, code
