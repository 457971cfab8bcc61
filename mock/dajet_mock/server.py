"""The standalone server: the app on uvicorn, with httptools and uvloop.

uvicorn's own access log is off: the ASGI adapter writes one line per request on
`dajet_mock.access`. No `Server` header is sent, as the mock is not DaJet's
Kestrel and should not claim to be anything else.
"""

import logging
import socket

import uvicorn

from dajet_mock.asgi import ASGIApp, DroppedConnection
from dajet_mock.http import App

__all__ = ["bind", "create_server"]


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


def create_server(app: App, sock: socket.socket) -> uvicorn.Server:
    """Return a uvicorn server for the app on a bound socket; `run()` serves it."""
    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(
        ASGIApp(app),
        host=host,
        port=port,
        loop="uvloop",
        http="httptools",
        lifespan="off",
        access_log=False,
        server_header=False,
        log_config=None,
    )
    logging.getLogger("uvicorn.error").addFilter(_DROP_FILTER)
    return uvicorn.Server(config)
