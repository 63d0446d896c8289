"""A Socket.IO server for wscope's tests on python-socketio (ASGI, served by uvicorn).

The same behaviours and JSON events as socketio_server.mjs as far as python-socketio has them
(README.md, "Socket.IO"): binds 127.0.0.1 on a free port, prints the port as the first stdout
line, then one JSON object per line for what it sees.
"""

import argparse
import asyncio
import base64
import json
import os
import socket
import sys
import threading
import warnings

import socketio
import uvicorn
from uvicorn.config import UvicornDeprecationWarning

# uvicorn's default WebSocket protocol still runs on the legacy websockets API, with a warning.
warnings.filterwarnings("ignore", category=UvicornDeprecationWarning)

NAMESPACES = ("/", "/admin")
BLOB = bytes([0, 1, 2, 0xFE, 0xFF])


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--ping-interval",
        type=int,
        default=25000,
        help="milliseconds, rounded to whole seconds (at least 1): python-engineio announces "
        "int(seconds) * 1000 in its open packet, 0 for a shorter interval",
    )
    parser.add_argument("--ping-timeout", type=int, default=20000, help="milliseconds")
    parser.add_argument("--token", default="secret", help="the token /admin asks for")
    parser.add_argument(
        "--exit-with-stdin",
        action="store_true",
        help="exit when stdin reaches its end (so a test that dies leaves no server behind)",
    )
    return parser.parse_args()


def emit_log(event, **fields):
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


def loggable(value):
    """Event arguments as JSON for the log: bytes (wherever they are) as {"base64": ...}."""
    if isinstance(value, (bytes, bytearray)):
        return {"base64": base64.b64encode(value).decode()}
    if isinstance(value, (list, tuple)):
        return [loggable(v) for v in value]
    if isinstance(value, dict):
        return {k: loggable(v) for k, v in value.items()}
    return value


def build(args):
    sio = socketio.AsyncServer(
        async_mode="asgi",
        ping_interval=max(1, round(args.ping_interval / 1000)),
        ping_timeout=args.ping_timeout / 1000,
        namespaces=list(NAMESPACES),
    )

    async def emit(name, items, sid, namespace, **kw):
        # One argument is sent as itself; several as a tuple (python-socketio's convention).
        data = items[0] if len(items) == 1 else tuple(items)
        await sio.emit(name, data, to=sid, namespace=namespace, **kw)

    def handlers(namespace):
        async def connect(sid, environ, auth):
            if namespace == "/admin" and (auth or {}).get("token") != args.token:
                emit_log("refused", namespace=namespace, auth=loggable(auth))
                raise socketio.exceptions.ConnectionRefusedError("not authorized")
            emit_log("connect", namespace=namespace, id=sid, auth=loggable(auth or {}))
            welcome = {"namespace": namespace, "id": sid}
            await sio.emit("welcome", welcome, to=sid, namespace=namespace)

        async def disconnect(sid, reason=None):
            emit_log("disconnect", namespace=namespace, id=sid, reason=str(reason))

        async def chat(sid, *items):
            await emit("chat", items, sid, namespace)
            return "ok"

        async def message(sid, *items):
            await emit("message", items, sid, namespace)

        async def ack(sid, *items):
            return tuple(items)

        async def blob(sid, *items):
            await emit("blob", [BLOB, {"name": "blob", "data": BLOB}], sid, namespace)

        async def ask(sid, *items):
            async def answered(*answer):
                emit_log("ack", namespace=namespace, name="question", args=loggable(answer))
                await emit("answer", answer, sid, namespace)

            await emit("question", items or ["ready?"], sid, namespace, callback=answered)

        async def stream(sid, *items):
            count, interval = (list(items) + [5, 0])[:2]
            total = min(max(int(count), 0), 1_000_000)
            for n in range(1, total + 1):
                await sio.emit("tick", n, to=sid, namespace=namespace)
                if interval:
                    await asyncio.sleep(interval / 1000)
            await sio.emit("done", total, to=sid, namespace=namespace)

        async def bye(sid, *items):
            if items and items[0] is True:
                await sio.eio.disconnect(sio.manager.eio_sid_from_sid(sid, namespace))
            else:
                await sio.disconnect(sid, namespace=namespace)

        return {"connect": connect, "disconnect": disconnect, "chat": chat, "message": message,
                "ack": ack, "blob": blob, "ask": ask, "stream": stream, "bye": bye}

    for namespace in NAMESPACES:
        for name, handler in handlers(namespace).items():
            sio.on(name, logged(namespace, name, handler), namespace=namespace)
    return socketio.ASGIApp(sio, socketio_path="socket.io")


def logged(namespace, name, handler):
    """The handler, logging each event it gets (connect and disconnect log themselves)."""
    if name in ("connect", "disconnect"):
        return handler

    async def wrapper(sid, *items):
        emit_log("message", namespace=namespace, name=name, args=loggable(list(items)))
        return await handler(sid, *items)

    return wrapper


def exit_at_end_of_stdin():
    def watch():
        while sys.stdin.buffer.read(4096):
            pass
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


async def serve(app, sock):
    config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    serving = asyncio.ensure_future(server.serve(sockets=[sock]))
    while not server.started:
        if serving.done():
            serving.result()
            raise SystemExit("uvicorn stopped before it started")
        await asyncio.sleep(0.005)
    print(sock.getsockname()[1], flush=True)
    await serving


def main():
    args = parse_args()
    if args.exit_with_stdin:
        exit_at_end_of_stdin()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.setblocking(False)
    try:
        asyncio.run(serve(build(args), sock))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
