"""The embedded mock: the project's own mock, started in-process for a run.

It listens on a free loopback port with a manual clock, and the suite speaks HTTP
to it exactly as to a live server; only its control API (`/__mock/`) is extra.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# The real server's activation pass runs every 3 seconds (real-server.md); the
# mock waits as long, so that the suite's polling is exercised, on a clock the
# suite moves forward instead of waiting.
ACTIVATION_DELAY = 3.0


def body_limit() -> int:
    """Return the largest request body the embedded mock accepts, in bytes."""
    from dajet_mock.http import DEFAULT_MAX_BODY

    return DEFAULT_MAX_BODY


@contextmanager
def running_mock() -> Iterator[str]:
    """Start the mock on a loopback port; yield its base URL; stop it after."""
    from dajet_mock.plugin import start_server

    server: Any = start_server()
    try:
        yield str(server.url_for("/")).rstrip("/")
    finally:
        server.stop()
