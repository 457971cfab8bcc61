"""Real servers on free loopback ports, in threads, for tests that cross a socket."""

from __future__ import annotations

import contextlib
import socketserver
import threading
import time
from collections.abc import Iterator

from werkzeug.serving import make_server

from dajet_mock.http import App
from dajet_mock.protocol import REQUEST_TIMEOUT
from dajet_mock.server import bind, create_server
from dajet_mock.wsgi import WSGIApp


@contextlib.contextmanager
def uvicorn_thread(app: App, request_timeout: float = REQUEST_TIMEOUT) -> Iterator[str]:
    """Serve the app on uvicorn in a thread; yield its base URL."""
    sock = bind("127.0.0.1", 0)
    server = create_server(app, sock, request_timeout)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]})
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@contextlib.contextmanager
def werkzeug_thread(app: App) -> Iterator[str]:
    """Serve the app on Werkzeug's threaded server; yield its base URL."""
    with socketserver_thread(
        make_server("127.0.0.1", 0, WSGIApp(app), threaded=True)
    ) as url:
        yield url


@contextlib.contextmanager
def socketserver_thread(server: socketserver.BaseServer) -> Iterator[str]:
    """Run a bound socketserver in a thread; yield its base URL, then shut it."""
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
