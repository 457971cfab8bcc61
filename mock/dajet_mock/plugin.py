"""A pytest plugin: the `dajet_mock` fixture, a fresh mock on a loopback port.

One server (pytest-httpserver's, on Werkzeug) serves the whole test session; each
test gets it reset to the default seed, on a manual clock, with its control API as
Python calls. An unexpected error inside the server fails the test that caused it.
pytest loads this module at start for every project that installs the package, so
it imports nothing of the mock until a test asks for the fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest

if TYPE_CHECKING:
    from dajet_mock.http import App
    from dajet_mock.sessions import Session
    from dajet_mock.store import Store

__all__ = ["MockHandle", "dajet_mock", "dajet_mock_server"]

LOOPBACK = "127.0.0.1"


def _server_class() -> Any:
    from pytest_httpserver import HTTPServer
    from werkzeug import Request

    from dajet_mock.wsgi import WSGIApp

    class MockHTTPServer(HTTPServer):
        """pytest-httpserver's server, answering every request with the mock."""

        def __init__(self, app: App) -> None:
            super().__init__(LOOPBACK, 0, threaded=True)
            self.app = app
            self.wsgi = WSGIApp(app)
            app.on_error.append(lambda error: self.handler_errors.append(error))

        def application(self, request: Request) -> Any:
            # Werkzeug calls what this returns as a WSGI application.
            return self.wsgi

    return MockHTTPServer


def start_server() -> Any:
    """Start a mock on a free loopback port: default seed, manual clock."""
    from dajet_mock.factory import create_app
    from dajet_mock.seed import default_seed

    server = _server_class()(create_app(seed=default_seed(), manual_clock=True))
    server.start()
    return server


class MockHandle:
    """A running mock as a test sees it: its URL and its control API in Python."""

    def __init__(self, server: Any, session: str = "") -> None:
        self._server = server
        self.app: App = server.app
        self.session_name = session

    @property
    def url(self) -> str:
        """The mock's base URL, without a trailing slash."""
        return str(self._server.url_for("/")).rstrip("/")

    def url_for(self, path: str) -> str:
        """Return the full URL of a path on the mock."""
        return str(self._server.url_for(path))

    @property
    def session(self) -> Session:
        """The session this handle controls (the default one unless named)."""
        return self.app.sessions.get(self.session_name)

    @property
    def store(self) -> Store:
        """The session's store, for direct inspection."""
        return self.session.store

    def in_session(self, name: str) -> MockHandle:
        """Return a handle on another session (`X-Mock-Session: name`)."""
        return MockHandle(self._server, name)

    @property
    def _control(self) -> Any:
        return self.app.control

    def reset(self) -> None:
        """Put the session back to the default seed; no faults, empty journal."""
        self._control.reset(self.session)

    def seed(self, doc: dict[str, Any]) -> int:
        """Replace the session's pipelines with a seed `{"Pipelines": [...]}`."""
        count: int = self._control.load_seed(self.session, doc)
        return count

    def advance(self, seconds: float) -> None:
        """Move the mock's clock forward."""
        self._control.advance(seconds)

    def set_timings(self, **changes: float) -> dict[str, float]:
        """Change lifecycle timings (`activation_delay`, `run`, `scale`, ...)."""
        timings = self._control.set_timings(self.session, changes)
        return dict(timings.json())

    def force(
        self, uuid: UUID | str, state: int, status: str | None = None
    ) -> dict[str, Any]:
        """Set a pipeline's State and Status; return its monitor entry."""
        entry = self._control.force(self.session, UUID(str(uuid)), state, status)
        if entry is None:
            raise LookupError(f"no pipeline has the uuid {uuid}")
        return dict(entry)

    def inject(self, **fault: Any) -> dict[str, Any]:
        """Add a fault given by the control API's fields (`Fault` in its document)."""
        return dict(self._control.inject(self.session, fault).json())

    def clear_faults(self) -> None:
        """Remove every fault of the session."""
        self.session.faults.clear()

    def journal(self) -> list[dict[str, Any]]:
        """Return the requests the session has served, oldest first."""
        return [entry.json() for entry in self.session.journal.entries()]


@pytest.fixture(scope="session")
def dajet_mock_server() -> Iterator[Any]:
    """The mock's server, started once for the test session."""
    server = start_server()
    yield server
    server.stop()


@pytest.fixture
def dajet_mock(dajet_mock_server: Any) -> Iterator[MockHandle]:
    """A fresh DaJet mock: default seed, manual clock, control API as methods."""
    server = dajet_mock_server
    for name in server.app.sessions.names():
        server.app.control.reset(server.app.sessions.get(name))
    server.clear_handler_errors()
    yield MockHandle(server)
    server.check_handler_errors()
