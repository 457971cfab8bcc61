"""uvicorn's HTTP/1.1 protocol, with one write per answer and a bound on slow requests.

uvicorn writes a response's head and its body in two calls, and on loopback each
call is a system call that wakes the client: two thirds of a small answer's cost.
`CoalescingTransport` sends the writes of one turn of the event loop together:
uvloop's `writelines` gathers them into one system call without copying them,
which matters for a monitor body of many megabytes.

uvicorn times out an idle keep-alive connection, but not a client that sends part
of a request and stalls: that connection would stay open for ever. Kestrel, the
real server's, answers 408 and closes when the headers take too long
(`KestrelServerLimits.RequestHeadersTimeout`) or the body comes too slowly
(`MinRequestBodyDataRate`). `BoundedHTTPProtocol` keeps one simpler bound: a
request must arrive whole within `request_timeout` seconds of its first byte,
or of the connection's opening.
"""

import asyncio
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["REQUEST_TIMEOUT", "BoundedHTTPProtocol", "CoalescingTransport"]

# Seconds a whole request may take to arrive; uvicorn's keep-alive default is 5 s.
REQUEST_TIMEOUT = 5.0

# RFC 9110 §15.5.9; Kestrel closes the connection after it (RFC 9112 §9.6).
TIMED_OUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
)


class CoalescingTransport:
    """A transport that sends what one turn of the event loop wrote, together."""

    __slots__ = ("_loop", "_pending", "transport")

    def __init__(self, transport: asyncio.Transport, loop: Any) -> None:
        self.transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> None:
        """Queue bytes; they leave together once the current callback returns."""
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(data)

    def flush(self) -> None:
        """Send what is queued."""
        if not self._pending:
            return

        if not self.transport.is_closing():
            self.transport.writelines(self._pending)
        self._pending.clear()

    def close(self) -> None:
        """Send what is queued, then close."""
        self.flush()
        self.transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)


class BoundedHTTPProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with coalesced writes and a request time bound."""

    request_timeout = REQUEST_TIMEOUT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._partial = False
        self._head_read = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Wrap the transport, and start waiting for the first request."""
        # uvloop's transports are not asyncio.Transport subclasses, only alike.
        coalescing = CoalescingTransport(cast(asyncio.Transport, transport), self.loop)
        super().connection_made(cast(asyncio.Transport, coalescing))
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        """Forget the deadline of a connection that is gone."""
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        """Start the clock on a request's first byte."""
        super().on_message_begin()
        self._partial, self._head_read = True, False
        if self._deadline is None:
            self._arm()

    def on_headers_complete(self) -> None:
        """Note that the request's own cycle, if any, is now `self.cycle`."""
        self._head_read = True
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        """Stop the clock: the request arrived whole."""
        self._partial = False
        self._disarm()
        super().on_message_complete()

    def _arm(self) -> None:
        self._deadline = self.loop.call_later(self.request_timeout, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return

        # An answer may precede the body (413 for a declared length over the
        # limit); then the connection just closes.
        answered = self._head_read and self.cycle.response_started
        if self._partial and not answered:
            self.transport.write(TIMED_OUT)
        self.transport.close()
