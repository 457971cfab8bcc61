"""The standalone server: the app on uvicorn, with httptools and uvloop.

uvicorn's own access log is off: the ASGI adapter writes one line per request on
`dajet_mock.access`. No `Server` header is sent, as the mock is not DaJet's
Kestrel and should not claim to be anything else. `serve_asgi` is the one place
the server stack is configured, so that a benchmark's fixed-body app runs on
exactly the mock's stack.
"""

import logging
import socket
from typing import Any

import uvicorn

from dajet_mock.asgi import AccessWriter, ASGIApp, DroppedConnection
from dajet_mock.http import App
from dajet_mock.protocol import REQUEST_TIMEOUT, BoundedHTTPProtocol

__all__ = ["bind", "create_server", "serve_asgi"]


class _DropFilter(logging.Filter):
    """Keeps a drop fault, which is deliberate, out of uvicorn's error log."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc_info = record.exc_info
        return not (exc_info and isinstance(exc_info[1], DroppedConnection))


_DROP_FILTER = _DropFilter()


def bind(host: str, port: int) -> socket.socket:
    """Open a listening socket; raise OSError if the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def serve_asgi(
    asgi_app: Any, sock: socket.socket, request_timeout: float = REQUEST_TIMEOUT
) -> uvicorn.Server:
    """Return a uvicorn server for any ASGI app on a bound socket; `run()` serves it.

    A request must arrive whole within `request_timeout` seconds, or it gets 408.
    """
    host, port = sock.getsockname()[:2]
    protocol = type(
        "HTTPProtocol", (BoundedHTTPProtocol,), {"request_timeout": request_timeout}
    )
    config = uvicorn.Config(
        asgi_app,
        host=host,
        port=port,
        loop="uvloop",
        http=protocol,
        lifespan="off",
        access_log=False,
        server_header=False,
        log_config=None,
    )
    logging.getLogger("uvicorn.error").addFilter(_DROP_FILTER)
    return uvicorn.Server(config)


def create_server(
    app: App,
    sock: socket.socket,
    request_timeout: float = REQUEST_TIMEOUT,
    write_access: AccessWriter | None = None,
) -> uvicorn.Server:
    """Return a uvicorn server for the mock app on a bound socket.

    `write_access`, if given, takes each access line's message in place of the
    `dajet_mock.access` logger (see `ASGIApp`).
    """
    return serve_asgi(ASGIApp(app, write_access), sock, request_timeout)
