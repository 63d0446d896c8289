"""uvicorn serving a plain ASGI app, on either of its WebSocket protocols (websockets, wsproto)."""

import asyncio
import warnings

import uvicorn
from uvicorn.config import UvicornDeprecationWarning

import behaviours as b

# `--ws websockets` still runs uvicorn's protocol on the legacy websockets API, with a warning.
warnings.filterwarnings("ignore", category=UvicornDeprecationWarning)


def closed(msg):
    """The Closed for a `websocket.disconnect`: uvicorn says 1006 when no Close arrived."""
    code = msg.get("code", 1005)
    return b.Closed(None if code == 1006 else (code, msg.get("reason") or ""))


def data(msg):
    if msg["type"] == "websocket.receive":
        return msg["text"] if msg.get("text") is not None else msg["bytes"]
    raise closed(msg)


class Conn:
    def __init__(self, receive, send):
        self.asgi_receive = receive
        self.asgi_send = send
        self.receiving = False

    async def recv(self):
        self.receiving = True
        try:
            return data(await self.asgi_receive())
        finally:
            self.receiving = False

    async def send(self, payload):
        key = "text" if isinstance(payload, str) else "bytes"
        try:
            await self.asgi_send({"type": "websocket.send", key: payload})
        except OSError as exc:  # uvicorn's ClientDisconnected
            raise await self.after_failed_send() from exc

    async def after_failed_send(self):
        """The `websocket.disconnect` waiting for whoever reads says how the client closed."""
        if self.receiving:
            return b.Closed()
        try:
            async with asyncio.timeout(1):
                while (msg := await self.asgi_receive())["type"] == "websocket.receive":
                    pass
        except TimeoutError:
            return b.Closed()
        return closed(msg)

    async def close(self, code, reason):
        await self.asgi_send({"type": "websocket.close", "code": code, "reason": reason})
        return None  # ASGI does not tell the app the client's reply


async def negotiated_extensions(send):
    """ASGI does not tell an app which extensions the server negotiated: ask uvicorn's protocol
    object, whose bound method the app's `send` is (uvicorn and wsproto are pinned)."""
    proto = send.__self__
    if hasattr(proto, "handshake_completed_event"):  # websockets: the 101 goes out after accept
        await proto.handshake_completed_event.wait()
        return [extension.name for extension in proto.extensions]
    extensions = proto.conn.connection._proto.extensions  # wsproto: written during accept
    return [extension.name for extension in extensions if extension.enabled()]


async def app(scope, receive, send):
    if scope["type"] != "websocket":
        await send({"type": "http.response.start", "status": 426, "headers": []})
        await send({"type": "http.response.body", "body": b"WebSocket only\n"})
        return
    target = scope["raw_path"].decode("latin-1")
    if scope["query_string"]:
        target += "?" + scope["query_string"].decode("latin-1")
    route = b.Route(target)
    headers = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in scope["headers"]]
    await receive()  # websocket.connect
    status = route.status()
    if status is not None:
        b.log_rejected(route, headers, status)
        body = b.FORBIDDEN_BODY if status == 403 else b"no such behaviour\n"
        kind = b"application/json" if status == 403 else b"text/plain"
        start = {"type": "websocket.http.response.start", "status": status}
        start["headers"] = [(b"content-type", kind), (b"content-length", b"%d" % len(body))]
        await send(start)
        await send({"type": "websocket.http.response.body", "body": body})
        return
    subprotocol = route.subprotocol(scope["subprotocols"])
    await send({"type": "websocket.accept", "subprotocol": subprotocol})
    names = await negotiated_extensions(send)
    b.log_open(route, headers, scope["subprotocols"], subprotocol, names)
    await b.run(Conn(receive, send), route)


async def main(sock, deflate, ready, ws):
    config = uvicorn.Config(
        app,
        ws=ws,
        ws_per_message_deflate=deflate,
        lifespan="off",
        log_level="warning",
        access_log=False,
        proxy_headers=False,
    )
    server = uvicorn.Server(config)
    serving = asyncio.ensure_future(server.serve(sockets=[sock]))
    while not server.started:
        if serving.done():
            serving.result()
            raise SystemExit("uvicorn stopped before it started")
        await asyncio.sleep(0.005)
    ready()
    await serving
