"""The `websockets` library's own server (websockets.asyncio.server), as its users write one."""

import http

from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed

import behaviours as b


def lower(headers):
    return [(name.lower(), value) for name, value in headers.raw_items()]


def closed(exc):
    rcvd = exc.rcvd
    return b.Closed(None if rcvd is None else (rcvd.code, rcvd.reason))


class Conn:
    def __init__(self, ws):
        self.ws = ws

    async def recv(self):
        try:
            return await self.ws.recv()
        except ConnectionClosed as exc:
            raise closed(exc) from exc

    async def send(self, data):
        try:
            await self.ws.send(data)
        except ConnectionClosed as exc:
            raise closed(exc) from exc

    async def close(self, code, reason):
        await self.ws.close(code, reason)
        rcvd = self.ws.protocol.close_rcvd
        return None if rcvd is None else (rcvd.code, rcvd.reason)


def process_request(connection, request):
    """Refuses `/forbidden` (and unknown paths) before the upgrade."""
    route = b.Route(request.path)
    status = route.status()
    if status is None:
        return None
    b.log_rejected(route, lower(request.headers), status)
    if status != 403:
        return connection.respond(http.HTTPStatus(status), "no such behaviour\n")
    response = connection.respond(http.HTTPStatus.FORBIDDEN, b.FORBIDDEN_BODY.decode())
    del response.headers["Content-Type"]
    response.headers["Content-Type"] = "application/json"
    return response


def select_subprotocol(connection, offered):
    return b.Route(connection.request.path).subprotocol(offered)


async def handler(ws):
    route = b.Route(ws.request.path)
    headers = lower(ws.request.headers)
    names = [extension.name for extension in ws.protocol.extensions]
    b.log_open(route, headers, b.offered_subprotocols(headers), ws.subprotocol, names)
    await b.run(Conn(ws), route)


async def main(sock, deflate, ready):
    async with serve(
        handler,
        sock=sock,
        process_request=process_request,
        select_subprotocol=select_subprotocol,
        compression="deflate" if deflate else None,
    ) as server:
        ready()
        await server.serve_forever()
