"""Real servers on free loopback ports, in threads, for tests that cross a socket."""

from __future__ import annotations

import contextlib
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
    server = make_server("127.0.0.1", 0, WSGIApp(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
