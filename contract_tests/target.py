"""The server the suite runs against: a live DaJet or the embedded mock.

Tests speak HTTP to `Target.url` in the same way for both. Only waiting differs:
against a live server the suite polls with a bounded timeout; against the mock it
moves the mock's manual clock forward through its control API, so that no test
ever waits for real time to pass.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from contract_tests.violations import ContractViolationError, operation_of

logger = logging.getLogger(__name__)

# The real server re-reads its database every 3 seconds (real-server.md); twice
# that leaves room for a pass that was already under way, and a slow machine.
DEFAULT_TIMEOUT = 6.0
POLL_INTERVAL = 0.25

Exchange = Callable[[httpx.Response], None]

# RFC 9110 section 9.2.1: the methods that change nothing on the server.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ReadOnlyError(RuntimeError):
    """A read-only run was about to send a request that changes the server."""


class MockControl:
    """The embedded mock's control API under `/__mock/`; never used on a live server."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def call(self, method: str, path: str, body: Any = None) -> httpx.Response:
        """Send one control request and fail loudly if the mock refuses it."""
        response = self._client.request(method, f"/__mock/{path}", json=body)
        response.raise_for_status()
        return response

    def advance(self, seconds: float) -> None:
        """Move the mock's manual clock forward."""
        self.call("POST", "clock/advance", {"seconds": seconds})

    def set_timings(self, **timings: float) -> None:
        """Change how long the mock's lifecycle steps take."""
        self.call("PUT", "timings", timings)

    def add_fault(self, fault: dict[str, Any]) -> None:
        """Make the mock misbehave on matching requests."""
        self.call("POST", "faults", fault)

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self.call("DELETE", "faults")


@dataclass
class Target:
    """A server under test: its URL, and how the suite waits for it."""

    url: str
    client: httpx.Client
    mock: MockControl | None = None
    timeout: float = DEFAULT_TIMEOUT
    read_only: bool = False
    # The largest request body the server accepts, in bytes, if known.
    max_body: int | None = None
    on_exchange: list[Exchange] = field(default_factory=list)

    @property
    def live(self) -> bool:
        """Tell whether the target is a real server rather than the embedded mock."""
        return self.mock is None

    def request(
        self, method: str, path: str, record: bool = True, **kwargs: Any
    ) -> httpx.Response:
        """Send one request of the flow API; report it to the listeners if `record`.

        The suite's own housekeeping (cleanup) is not recorded: it checks nothing,
        so it must not count as exercising an operation.
        """
        if self.read_only and method.upper() not in SAFE_METHODS:
            raise ReadOnlyError(f"a read-only run never sends {method} {path}")

        response = self.client.request(method, path, **kwargs)
        for listener in self.on_exchange if record else ():
            listener(response)

        return response

    def eventually(
        self,
        probe: Callable[[], httpx.Response],
        until: Callable[[httpx.Response], bool],
        rule: str,
        what: str,
        operation: str | None = None,
    ) -> httpx.Response:
        """Poll until a response shows what is awaited, or raise after the timeout.

        The violation names `operation` (the one whose effect never came) or else
        the operation polled.
        """
        __tracebackhide__ = True
        waited = 0.0
        response = probe()
        while not until(response):
            if waited >= self.timeout:
                raise _timed_out(response, rule, what, self.timeout, operation)

            waited += self._wait(POLL_INTERVAL)
            response = probe()

        return response

    def stays(
        self,
        probe: Callable[[], httpx.Response],
        holds: Callable[[httpx.Response], bool],
        rule: str,
        what: str,
    ) -> None:
        """Poll for the whole timeout and raise as soon as a response breaks `holds`."""
        __tracebackhide__ = True
        waited = 0.0
        while waited < self.timeout:
            response = probe()
            if not holds(response):
                raise ContractViolationError(
                    operation_of(response), response.status_code, rule, what
                )

            waited += self._wait(POLL_INTERVAL)

    def _wait(self, seconds: float) -> float:
        if self.mock is not None:
            self.mock.advance(seconds)
            return seconds

        started = time.monotonic()
        time.sleep(seconds)
        return time.monotonic() - started


def _timed_out(
    response: httpx.Response,
    rule: str,
    what: str,
    timeout: float,
    operation: str | None,
) -> ContractViolationError:
    detail = f"{what} not seen within {timeout:g} s; last answer {response.text!r}"
    name = operation or operation_of(response)
    return ContractViolationError(name, response.status_code, rule, detail)
