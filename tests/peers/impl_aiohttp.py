"""aiohttp's web server with a WebSocketResponse handler, as its users write one."""

import asyncio
import functools

from aiohttp import WSMsgType, web

import behaviours as b

DATA = (WSMsgType.TEXT, WSMsgType.BINARY)


def lower(request):
    return [(n.decode("latin-1").lower(), v.decode("latin-1")) for n, v in request.raw_headers]


def closed(msg):
    """The Closed for a non-data message: CLOSE carries the client's code and reason."""
    if msg.type is WSMsgType.CLOSE:
        return b.Closed((msg.data, msg.extra or ""))
    if msg.type is WSMsgType.ERROR:
        b.emit("error", message=f"{type(msg.data).__name__}: {msg.data}")
    return b.Closed()


class Conn:
    def __init__(self, ws):
        self.ws = ws
        self.receiving = False

    async def recv(self):
        self.receiving = True
        try:
            msg = await self.ws.receive()
        finally:
            self.receiving = False
        if msg.type in DATA:
            return msg.data
        raise closed(msg)

    async def send(self, data):
        try:
            if isinstance(data, str):
                await self.ws.send_str(data)
            else:
                await self.ws.send_bytes(data)
        except ConnectionError as exc:
            raise await self.after_failed_send() from exc

    async def after_failed_send(self):
        """aiohttp hands a Close to whoever reads: when nobody did, read now to learn its code."""
        if self.receiving:
            return b.Closed()
        try:
            async with asyncio.timeout(1):
                while (msg := await self.ws.receive()).type in DATA:
                    pass
        except TimeoutError:
            return b.Closed()
        return closed(msg)

    async def close(self, code, reason):
        await self.ws.close(code=code, message=reason.encode())
        return None if self.ws.close_code is None else (self.ws.close_code, None)


async def handler(deflate, request):
    route = b.Route(request.raw_path)
    status = route.status()
    if status is not None:
        b.log_rejected(route, lower(request), status)
        if status == 403:
            return web.Response(status=403, body=b.FORBIDDEN_BODY, content_type="application/json")
        return web.Response(status=status, text="no such behaviour\n")
    protocols = ("chat",) if route.path == "/chat" else ()
    ws = web.WebSocketResponse(protocols=protocols, compress=deflate)
    await ws.prepare(request)
    headers = lower(request)
    names = ["permessage-deflate"] if ws.compress else []
    b.log_open(route, headers, b.offered_subprotocols(headers), ws.ws_protocol, names)
    await b.run(Conn(ws), route)
    return ws


async def main(sock, deflate, ready):
    app = web.Application()
    app.router.add_get("/{tail:.*}", functools.partial(handler, deflate))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    ready()
    await asyncio.Event().wait()
