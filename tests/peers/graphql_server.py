"""A GraphQL over WebSocket server for wscope's tests on Strawberry (its aiohttp view).

Strawberry speaks both dialects on one endpoint and picks by the subprotocol offered; the schema
is graphql_server.mjs's (README.md, "GraphQL"). Binds 127.0.0.1 on a free port, serves /graphql,
prints the port as the first stdout line, then one JSON object per line for what it sees.
"""

import argparse
import asyncio
import json
import os
import socket
import sys
import threading
from datetime import timedelta
from typing import AsyncGenerator, Optional

import strawberry
from aiohttp import web
from strawberry.aiohttp.views import GraphQLView
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema.config import StrawberryConfig
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--token", help='require {"token": TOKEN} in the connection_init payload')
    parser.add_argument(
        "--keepalive",
        type=int,
        default=0,
        help="milliseconds between the server's `ka` messages on graphql-ws (Strawberry sends "
        "no keepalive on graphql-transport-ws); 0 (the default) sends none",
    )
    parser.add_argument(
        "--init-timeout",
        type=int,
        default=3000,
        help="milliseconds to wait for connection_init (graphql-transport-ws; default 3000)",
    )
    parser.add_argument(
        "--exit-with-stdin",
        action="store_true",
        help="exit when stdin reaches its end (so a test that dies leaves no server behind)",
    )
    return parser.parse_args()


def emit_log(event, **fields):
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> Optional[str]:
        return "world"

    @strawberry.field
    def greet(self, name: str) -> Optional[str]:
        return f"hello {name}"

    @strawberry.field
    def boom(self) -> Optional[str]:
        raise ValueError("boom")

    @strawberry.field
    async def slow(self, ms: int) -> Optional[int]:
        await asyncio.sleep(min(max(ms, 0), 60000) / 1000)
        return ms


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def count(
        self, to: int, every_ms: Optional[int] = None
    ) -> AsyncGenerator[Optional[int], None]:
        for n in range(1, min(to, 10_000_000) + 1):
            if every_ms and n > 1:
                await asyncio.sleep(every_ms / 1000)
            yield n


def app(args):
    schema = strawberry.Schema(
        query=Query, subscription=Subscription, config=StrawberryConfig(auto_camel_case=False)
    )

    class Endpoint(GraphQLView):
        async def on_ws_connect(self, context):
            payload = context.get("connection_params")
            if args.token is not None and (payload or {}).get("token") != args.token:
                emit_log("refused", payload=payload)
                raise ConnectionRejectionError({"message": "not authorized"})
            emit_log("init", payload=payload)
            return None

    view = Endpoint(
        schema=schema,
        subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL],
        keep_alive=args.keepalive > 0,
        keep_alive_interval=args.keepalive / 1000 or 1,
        connection_init_wait_timeout=timedelta(milliseconds=args.init_timeout),
    )
    application = web.Application()
    application.router.add_route("*", "/graphql", view)
    return application


def exit_at_end_of_stdin():
    def watch():
        while sys.stdin.buffer.read(4096):
            pass
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


async def serve(application, sock):
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    print(sock.getsockname()[1], flush=True)
    await asyncio.Event().wait()


def main():
    args = parse_args()
    if args.exit_with_stdin:
        exit_at_end_of_stdin()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.setblocking(False)
    try:
        asyncio.run(serve(app(args), sock))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
