"""The app as a WSGI application, for Werkzeug (and pytest-httpserver on it).

A fault's latency is slept in the worker thread. A dropped connection shuts the
client socket down (Werkzeug puts it in `environ["werkzeug.socket"]`), so that
the client sees the connection close without an answer; a server that does not
expose its socket gets a `DroppedConnection` raised instead.
"""

import socket
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from dajet_mock.asgi import NO_CONTENT, DroppedConnection
from dajet_mock.http import App
from dajet_mock.messages import Request, Response

__all__ = ["WSGIApp", "request_from_environ"]

Environ = dict[str, Any]
StartResponse = Callable[..., Any]

_CHUNK = 64 * 1024


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def _headers(environ: Environ) -> dict[str, str]:
    headers = {
        key[5:].replace("_", "-").lower(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = environ[key]
    return headers


def _path(environ: Environ) -> str:
    # PEP 3333 carries the path as bytes decoded as latin-1; the app wants text.
    raw: str = environ.get("PATH_INFO", "") or "/"
    return raw.encode("latin-1").decode("utf-8", "replace")


def _read_body(environ: Environ, request: Request, limit: int) -> None:
    stream = environ["wsgi.input"]
    declared = request.headers.get("content-length", "")
    if declared.isdigit():
        if int(declared) > limit:
            request.body_too_large = True
        else:
            request.body = stream.read(int(declared))
        return

    if "chunked" in request.headers.get("transfer-encoding", "").lower():
        _read_chunked(stream, request, limit)


def _read_chunked(stream: Any, request: Request, limit: int) -> None:
    chunks, size = [], 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            request.body_too_large = True
            return
        chunks.append(chunk)

    request.body = b"".join(chunks)


def request_from_environ(environ: Environ, limit: int) -> Request:
    """Read a WSGI request into the app's `Request`, the body up to `limit` bytes."""
    headers = _headers(environ)
    request = Request(environ["REQUEST_METHOD"], _path(environ), headers)
    _read_body(environ, request, limit)
    return request


class WSGIApp:
    """A WSGI application serving one mock app."""

    def __init__(self, app: App) -> None:
        self.app = app

    def __call__(
        self, environ: Environ, start_response: StartResponse
    ) -> Iterable[bytes]:
        """Serve one WSGI request."""
        request = request_from_environ(environ, self.app.max_body)
        response = self.app(request)
        if response.latency:
            time.sleep(response.latency)

        if response.drop:
            _drop(environ)

        start_response(_status_line(response.status), _wsgi_headers(response))
        no_body = response.status in NO_CONTENT or request.method == "HEAD"
        return [b"" if no_body else response.body]


def _wsgi_headers(response: Response) -> list[tuple[str, str]]:
    headers = list(response.headers)
    if response.status not in NO_CONTENT:
        headers.append(("content-length", str(len(response.body))))
    return headers


def _drop(environ: Environ) -> None:
    connection = environ.get("werkzeug.socket")
    if not isinstance(connection, socket.socket):
        raise DroppedConnection("this WSGI server does not expose its socket")

    # Werkzeug treats the failed write that follows as a client gone away.
    connection.shutdown(socket.SHUT_RDWR)
