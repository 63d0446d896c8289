"""A WebSocket server for wscope's tests, on one of four Python implementations.

Binds 127.0.0.1 on a free port, prints the port as the first stdout line, then one JSON event
per line (see README.md). Each implementation is imported only when chosen, to start fast.
"""

import argparse
import asyncio
import os
import socket
import sys
import threading

IMPLS = ("websockets", "uvicorn-websockets", "uvicorn-wsproto", "aiohttp")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--impl", choices=IMPLS, required=True)
    parser.add_argument(
        "--deflate",
        choices=("on", "off"),
        default="on",
        help="accept permessage-deflate when the client offers it (default: on)",
    )
    parser.add_argument(
        "--exit-with-stdin",
        action="store_true",
        help="exit when stdin reaches its end (so a test that dies leaves no server behind)",
    )
    return parser.parse_args()


def bind():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def exit_at_end_of_stdin():
    def watch():
        while sys.stdin.buffer.read(4096):
            pass
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main():
    args = parse_args()
    if args.exit_with_stdin:
        exit_at_end_of_stdin()
    sock = bind()
    port = sock.getsockname()[1]

    def ready():
        print(port, flush=True)

    deflate = args.deflate == "on"
    if args.impl == "websockets":
        import impl_websockets

        serving = impl_websockets.main(sock, deflate, ready)
    elif args.impl == "aiohttp":
        import impl_aiohttp

        serving = impl_aiohttp.main(sock, deflate, ready)
    else:
        import impl_uvicorn

        ws = args.impl.removeprefix("uvicorn-")
        serving = impl_uvicorn.main(sock, deflate, ready, ws)
    try:
        asyncio.run(serving)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
