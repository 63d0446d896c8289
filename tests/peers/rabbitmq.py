"""Runs a private RabbitMQ broker with its Web-STOMP plugin for wscope's STOMP tests.

RabbitMQ comes from the system's packages (Debian: `apt-get install rabbitmq-server`, which
bundles `rabbitmq_web_stomp`); nothing of the system's own broker is used: its own node name,
epmd, configuration, data and logs under --dir, every port a free one on 127.0.0.1, no AMQP or
plain-STOMP listener. Prints the Web-STOMP port as the first stdout line once the broker accepts
connections there (STOMP over WebSocket at ws://127.0.0.1:PORT/ws, user guest/guest, virtual
host /), then waits; stops the broker when stdin ends (--exit-with-stdin), on SIGTERM/SIGINT,
or when the broker dies. Start it in its own process group and kill the group to leave nothing.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
PACKAGE_HINT = (
    "RabbitMQ is not installed: apt-get install rabbitmq-server (Debian's bundles Web-STOMP)"
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dir",
        help="where its data, logs and configuration go "
        "(default: a new temporary directory, removed at the end)",
    )
    parser.add_argument("--start-timeout", type=float, default=90, help="seconds (default 90)")
    parser.add_argument(
        "--ws-frame",
        choices=("text", "binary"),
        default="text",
        help="the WebSocket frames it sends STOMP frames in (web_stomp.ws_frame; default text, "
        "as RabbitMQ's own default: a body that is not UTF-8 then makes an invalid text frame)",
    )
    parser.add_argument(
        "--exit-with-stdin",
        action="store_true",
        help="stop the broker when stdin reaches its end "
        "(so a test that dies leaves no broker behind)",
    )
    return parser.parse_args()


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def write_config(base, stomp_port, ws_frame):
    with open(os.path.join(base, "rabbitmq.conf"), "w") as f:
        f.write(
            "listeners.tcp = none\n"
            "stomp.listeners.tcp = none\n"
            "web_stomp.tcp.ip = 127.0.0.1\n"
            f"web_stomp.tcp.port = {stomp_port}\n"
            f"web_stomp.ws_frame = {ws_frame}\n"
            "management_agent.disable_metrics_collector = true\n"
            "log.console = false\n"
            "log.file.level = info\n"
        )
    with open(os.path.join(base, "enabled_plugins"), "w") as f:
        f.write("[rabbitmq_web_stomp].\n")
    open(os.path.join(base, "rabbitmq-env.conf"), "w").close()


def environment(base, epmd_port, dist_port):
    home = os.path.join(base, "home")
    os.makedirs(home, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RABBITMQ_", "ERL_"))}
    env.update(
        HOME=home,  # the Erlang cookie goes there
        ERL_EPMD_ADDRESS="127.0.0.1",
        ERL_EPMD_PORT=str(epmd_port),
        RABBITMQ_NODENAME=f"wscope-{dist_port}@localhost",
        RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
        RABBITMQ_DIST_PORT=str(dist_port),
        RABBITMQ_CONF_ENV_FILE=os.path.join(base, "rabbitmq-env.conf"),
        RABBITMQ_CONFIG_FILE=os.path.join(base, "rabbitmq.conf"),
        RABBITMQ_ADVANCED_CONFIG_FILE=os.path.join(base, "advanced.config"),
        RABBITMQ_ENABLED_PLUGINS_FILE=os.path.join(base, "enabled_plugins"),
        RABBITMQ_MNESIA_BASE=os.path.join(base, "mnesia"),
        RABBITMQ_LOG_BASE=os.path.join(base, "log"),
        RABBITMQ_PID_FILE=os.path.join(base, "rabbitmq.pid"),
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}",
    )
    return env


def log_tail(base):
    out = []
    logs = os.path.join(base, "log")
    for name in sorted(os.listdir(logs)) if os.path.isdir(logs) else []:
        with open(os.path.join(logs, name), errors="replace") as f:
            out.append(f"--- {name}\n" + "".join(f.readlines()[-40:]))
    return "\n".join(out)


def stop(children, base):
    """Kills the broker at once (its data is thrown away): the Erlang VM, whose process id it
    wrote to its pid file (its helper processes exit with it), then the script and epmd."""
    try:
        with open(os.path.join(base, "rabbitmq.pid")) as f:
            os.kill(int(f.read().strip()), signal.SIGKILL)
    except (OSError, ValueError):
        pass
    for child in reversed(children):
        if child.poll() is None:
            child.kill()
        child.wait()


def main():
    args = parse_args()
    if not os.access(SERVER, os.X_OK) or shutil.which("epmd") is None:
        print(PACKAGE_HINT, file=sys.stderr)
        return 3
    own_dir = args.dir is None
    base = tempfile.mkdtemp(prefix="wscope-rabbitmq-") if own_dir else os.path.abspath(args.dir)
    os.makedirs(base, exist_ok=True)
    stomp_port, epmd_port, dist_port = free_port(), free_port(), free_port()
    write_config(base, stomp_port, args.ws_frame)
    env = environment(base, epmd_port, dist_port)
    log = open(os.path.join(base, "server.out"), "wb")
    epmd = ["epmd", "-port", str(epmd_port), "-address", "127.0.0.1"]
    children = []
    for command in (epmd, [SERVER]):
        children.append(
            subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        )
    ending = []
    signal.signal(signal.SIGTERM, lambda *_: ending.append(1))
    signal.signal(signal.SIGINT, lambda *_: ending.append(1))
    try:
        return serve(args, base, stomp_port, children, ending)
    finally:
        stop(children, base)
        if own_dir:
            shutil.rmtree(base, ignore_errors=True)


def serve(args, base, stomp_port, children, ending):
    began = time.monotonic()
    while not accepts(stomp_port):
        if any(c.poll() is not None for c in children) or ending:
            say(f"the broker stopped while starting\n{log_tail(base)}")
            return 1
        if time.monotonic() - began > args.start_timeout:
            say(f"no Web-STOMP listener after {args.start_timeout} s\n{log_tail(base)}")
            return 1
        time.sleep(0.1)
    print(stomp_port, flush=True)
    took = time.monotonic() - began
    say(f"Web-STOMP on ws://127.0.0.1:{stomp_port}/ws after {took:.1f} s; data in {base}")
    if args.exit_with_stdin:
        os.set_blocking(sys.stdin.fileno(), False)
    while not ending and all(c.poll() is None for c in children):
        if args.exit_with_stdin and stdin_ended():
            return 0
        time.sleep(0.2)
    return 0 if ending else 1


def say(text):
    print(f"rabbitmq.py: {text}", file=sys.stderr, flush=True)


def stdin_ended():
    try:
        return sys.stdin.buffer.read(4096) == b""
    except BlockingIOError:
        return False


if __name__ == "__main__":
    sys.exit(main())
