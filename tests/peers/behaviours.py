"""What every Python test server does, written once over a small connection interface.

The request path picks a behaviour (see README.md); each implementation module only adapts its
library to `Conn` (recv, send, close) and reports the handshake. Events go to stdout as one JSON
object per line, for the test that started the server to read.
"""

import asyncio
import base64
import json
import sys
from urllib.parse import parse_qs, urlsplit

FORBIDDEN_BODY = json.dumps(
    {"error": "forbidden", "detail": "origin not allowed"}, separators=(",", ":")
).encode()

# Behaviour name -> defaults of its query parameters.
ROUTES = {
    "/echo": {},
    "/stream": {"interval_ms": "20"},
    "/subscribe": {"interval_ms": "20"},
    "/close": {"code": "4000", "reason": "bye"},
    "/echo-close": {"code": "1000", "reason": "done"},
    "/forbidden": {},
    "/subprotocol": {},
    "/chat": {},
}


def emit(event, **fields):
    """One event as one JSON line on stdout, flushed at once so the test sees it now."""
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


class Closed(Exception):
    """The connection is over. `rcvd` is the client's Close as (code, reason), None without one."""

    def __init__(self, rcvd=None):
        super().__init__(rcvd)
        self.rcvd = rcvd


class Route:
    """The behaviour a request target asks for, with its parameters (defaults filled in)."""

    def __init__(self, target):
        parts = urlsplit(target)
        self.target = target
        self.path = parts.path
        self.known = parts.path in ROUTES
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        self.params = {**ROUTES.get(parts.path, {}), **query}

    def status(self):
        """The HTTP status that refuses this upgrade, or None to accept it."""
        if self.path == "/forbidden":
            return 403
        return None if self.known else 404

    def subprotocol(self, offered):
        """`/chat` selects `chat` when offered; every other behaviour selects none."""
        return "chat" if self.path == "/chat" and "chat" in offered else None

    def number(self, name, low, high):
        try:
            value = int(self.params[name])
        except ValueError:
            value = int(ROUTES[self.path][name])
        return min(max(value, low), high)


def offered_subprotocols(headers):
    """The subprotocols a request offers, from its (lower-case name, value) header pairs."""
    return [
        token.strip()
        for name, value in headers
        if name == "sec-websocket-protocol"
        for token in value.split(",")
        if token.strip()
    ]


def log_open(route, headers, offered, subprotocol, extensions):
    emit(
        "open",
        path=route.target,
        headers=[[name, value] for name, value in headers],
        offered=list(offered),
        subprotocol=subprotocol,
        extensions=list(extensions),
    )


def log_rejected(route, headers, status):
    emit("rejected", path=route.target, headers=[[n, v] for n, v in headers], status=status)


def log_message(data):
    if isinstance(data, str):
        emit("message", type="text", length=len(data.encode("utf-8")), text=data)
    else:
        data = bytes(data)
        emit("message", type="binary", length=len(data), base64=base64.b64encode(data).decode())


async def receive(conn):
    data = await conn.recv()
    log_message(data)
    return data


async def echo(conn, route):
    while True:
        await conn.send(await receive(conn))


async def push(conn, prefix, interval_ms):
    """Sends `prefix 1`, `prefix 2`, ... every interval until a send fails."""
    n = 0
    while True:
        n += 1
        await conn.send(f"{prefix} {n}")
        await asyncio.sleep(interval_ms / 1000)


async def stream(conn, route):
    await push(conn, "msg", route.number("interval_ms", 1, 60_000))


async def subscribe(conn, route):
    await receive(conn)
    ticker = asyncio.ensure_future(push(conn, "tick", route.number("interval_ms", 1, 60_000)))
    try:
        await read_forever(conn)
    finally:
        ticker.cancel()
        await asyncio.gather(ticker, return_exceptions=True)


async def read_forever(conn):
    """Keeps reading (and logging) so that the client's Close is noticed."""
    while True:
        await receive(conn)


async def close_after(conn, route, echo_first):
    data = await receive(conn)
    if echo_first:
        await conn.send(data)
    code = route.number("code", 1000, 4999)
    reason = route.params["reason"]
    emit("server_close", code=code, reason=reason)
    rcvd = await conn.close(code, reason)
    if rcvd is not None:
        emit("close", code=rcvd[0], reason=rcvd[1])


async def run(conn, route):
    """Runs the route's behaviour and logs how the connection ended."""
    behaviours = {
        "/echo": echo,
        "/subprotocol": echo,
        "/chat": echo,
        "/stream": stream,
        "/subscribe": subscribe,
        "/close": lambda c, r: close_after(c, r, echo_first=False),
        "/echo-close": lambda c, r: close_after(c, r, echo_first=True),
    }
    try:
        await behaviours[route.path](conn, route)
    except Closed as closed:
        if closed.rcvd is None:
            emit("disconnect")
        else:
            emit("close", code=closed.rcvd[0], reason=closed.rcvd[1])
    except Exception as exc:  # a test server reports whatever went wrong and carries on
        emit("error", message=f"{type(exc).__name__}: {exc}")
