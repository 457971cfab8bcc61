"""The app as an ASGI application, for uvicorn and any other ASGI server.

The app itself is synchronous and quick (its store answers from memory), so it
runs on the event loop. A fault's latency is awaited; a dropped connection starts
the response and then raises, which makes the server abort the connection.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from dajet_mock.http import App
from dajet_mock.messages import JSON, TEXT, Request, Response

__all__ = ["ASGIApp", "AccessWriter", "DroppedConnection", "access_logger"]

access_logger = logging.getLogger("dajet_mock.access")

# An access line's message: method, path, status (or `dropped`), milliseconds.
ACCESS_FORMAT = "%s %s %s %.1fms"

# Takes an access line's message, in place of a record of `access_logger`.
AccessWriter = Callable[[str], None]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# RFC 9110 §8.6 and §15.3.5: these answers carry no content and no length.
NO_CONTENT = frozenset({204, 304})


class DroppedConnection(Exception):  # noqa: N818
    """Raised on purpose to make the server abort a connection (a `drop` fault)."""


def _headers(scope: Scope) -> dict[str, str]:
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def _wants_body(headers: dict[str, str]) -> bool:
    length = headers.get("content-length")
    return "transfer-encoding" in headers or (length is not None and length != "0")


# Nearly every answer carries one of these; they are encoded once.
_COMMON = {header: (header[0].encode(), header[1].encode()) for header in (JSON, TEXT)}


def _encode_header(header: tuple[str, str]) -> tuple[bytes, bytes]:
    common = _COMMON.get(header)
    if common is not None:
        return common
    return header[0].encode("latin-1"), header[1].encode("latin-1")


def _encoded(response: Response) -> list[tuple[bytes, bytes]]:
    headers = [_encode_header(header) for header in response.headers]
    if response.status not in NO_CONTENT:
        headers.append((b"content-length", str(len(response.body)).encode()))
    return headers


class ASGIApp:
    """An ASGI 3 application serving one mock app.

    Each request is logged as an INFO record of `access_logger`, or, given a
    `write_access` function, as its message handed to that function instead
    (the command's cheaper access log).
    """

    def __init__(self, app: App, write_access: AccessWriter | None = None) -> None:
        self.app = app
        self.write_access = write_access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection scope: HTTP requests and the lifespan."""
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return

        if scope["type"] != "http":
            return

        started = time.perf_counter()
        headers = _headers(scope)
        request = Request(scope["method"], scope["path"], headers)
        if _wants_body(headers) and not await self._read_body(request, receive):
            # The client went away before its body arrived: nothing to answer, and
            # half a body must not reach the store.
            return

        response = self.app(request)
        if response.latency:
            await asyncio.sleep(response.latency)

        if response.drop:
            self._log(request, 0, started)
            await send({"type": "http.response.start", "status": response.status})
            raise DroppedConnection(f"{request.method} {request.path}: drop fault")

        await _send(send, response, request.method)
        self._log(request, response.status, started)

    def _log(self, request: Request, status: int, started: float) -> None:
        if access_logger.isEnabledFor(logging.INFO):
            elapsed = (time.perf_counter() - started) * 1000
            fields = (request.method, request.path, str(status or "dropped"), elapsed)
            if self.write_access is None:
                access_logger.info(ACCESS_FORMAT, *fields)
            else:
                self.write_access(ACCESS_FORMAT % fields)

    async def _read_body(self, request: Request, receive: Receive) -> bool:
        """Read the body up to the limit; False if the client disconnected."""
        limit = self.app.max_body
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            request.body_too_large = True
            return True

        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return False

            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                request.body_too_large = True
                return True

            chunks.append(chunk)
            more = message.get("more_body", False)

        request.body = b"".join(chunks)
        return True


async def _send(send: Send, response: Response, method: str) -> None:
    start = {"type": "http.response.start", "status": response.status}
    start["headers"] = _encoded(response)
    await send(start)
    body = b"" if response.status in NO_CONTENT or method == "HEAD" else response.body
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
