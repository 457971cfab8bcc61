"""The control API under `/__mock/`: reset, seed, timings, clock, states, faults.

The real server never serves this prefix. Every operation acts on the session the
request names with `X-Mock-Session`, except the clock, which all sessions share.
`Control` offers the same operations as Python calls, for the pytest plugin.
`control-openapi.yaml` beside this module describes the HTTP side.
"""

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson

from dajet_mock.clock import ManualClock
from dajet_mock.faults import Fault, FaultError
from dajet_mock.lifecycle import Timings
from dajet_mock.messages import Request, Response, control_json, empty, problem_response
from dajet_mock.model import State, pipeline_info_json
from dajet_mock.routing import parse_guid
from dajet_mock.seed import Seed
from dajet_mock.sessions import Session, SessionTable

__all__ = ["DOCUMENT_PATH", "ClockError", "Control", "ControlError"]

DOCUMENT_PATH = Path(__file__).resolve().parent / "control-openapi.yaml"


class ControlError(ValueError):
    """A control request that cannot be carried out; the message says why."""


class ClockError(ControlError):
    """The clock cannot be advanced: the mock runs on the system clock."""


def _body(request: Request) -> Any:
    try:
        return orjson.loads(request.body or b"null")
    except orjson.JSONDecodeError as error:
        raise ControlError(f"the body is not JSON: {error}") from None


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ControlError(f"{what} must be a JSON object")
    return value


Handler = Callable[[Session, Request, str], Response]


class Control:
    """The control operations of one mock, over HTTP and as Python calls."""

    def __init__(self, sessions: SessionTable) -> None:
        self.sessions = sessions
        self._routes: dict[tuple[str, str], Handler] = {
            ("POST", "reset"): self._http_reset,
            ("PUT", "seed"): self._http_seed,
            ("GET", "journal"): self._http_journal,
            ("DELETE", "journal"): self._http_clear_journal,
            ("GET", "timings"): self._http_timings,
            ("PUT", "timings"): self._http_set_timings,
            ("GET", "clock"): self._http_clock,
            ("POST", "clock/advance"): self._http_advance,
            ("PUT", "pipelines/*/state"): self._http_force,
            ("GET", "faults"): self._http_faults,
            ("POST", "faults"): self._http_inject,
            ("DELETE", "faults"): self._http_clear_faults,
            ("DELETE", "faults/*"): self._http_remove_fault,
            ("GET", "openapi.yaml"): self._http_document,
        }

    # Python calls

    def reset(self, session: Session) -> None:
        """Put a session back to its start-up seed and timings, without faults."""
        self.sessions.reset(session)

    def load_seed(self, session: Session, doc: Any) -> int:
        """Replace a session's pipelines with a seed document; return their count."""
        try:
            seed = Seed.from_json(doc)
        except ValueError as error:
            raise ControlError(str(error)) from None

        session.store.load(seed)
        return len(seed.pipelines)

    def set_timings(self, session: Session, changes: Any) -> Timings:
        """Change some of a session's timings; the others stay."""
        current = session.store.timings.json()
        try:
            timings = Timings.from_json({**current, **_object(changes, "timings")})
        except (TypeError, ValueError) as error:
            raise ControlError(str(error)) from None

        session.store.set_timings(timings)
        return timings

    def clock(self) -> dict[str, Any]:
        """Describe the clock: manual or system, its wall time, its seconds."""
        clock = self.sessions.clock
        return {
            "manual": isinstance(clock, ManualClock),
            "now": clock.now().isoformat(),
            "monotonic": clock.monotonic(),
        }

    def advance(self, seconds: Any) -> dict[str, Any]:
        """Move a manual clock forward; every session sees the new time."""
        clock = self.sessions.clock
        if not isinstance(clock, ManualClock):
            raise ClockError(
                "the mock runs on the system clock; start it --clock manual"
            )

        if not isinstance(seconds, int | float) or isinstance(seconds, bool):
            raise ControlError(f"seconds must be a number, not {seconds!r}")
        if not math.isfinite(seconds) or seconds < 0:
            raise ControlError(f"seconds must be finite and >= 0, not {seconds!r}")

        clock.advance(seconds)
        return self.clock()

    def force(
        self, session: Session, uuid: UUID, state: Any, status: Any = None
    ) -> dict[str, Any] | None:
        """Set a pipeline's State (and Status); None if no pipeline has that uuid."""
        if isinstance(state, bool) or state not in tuple(State):
            raise ControlError(f"State must be one of -1..4, not {state!r}")
        if status is not None and not isinstance(status, str):
            raise ControlError(f"Status must be a string, not {status!r}")

        if not session.store.force(uuid, State(state), status):
            return None

        entry = session.store.monitor_entry(uuid)
        return None if entry is None else pipeline_info_json(entry)

    def inject(self, session: Session, doc: Any) -> Fault:
        """Add a fault to a session, read from a fault document."""
        try:
            return session.faults.add(Fault.from_json(doc))
        except FaultError as error:
            raise ControlError(str(error)) from None

    # HTTP

    def __call__(self, session: Session, request: Request) -> Response:
        """Answer a request under `/__mock/`."""
        name = request.path.removeprefix("/__mock/").rstrip("/")
        key, argument = _route_key(name)
        handler = self._routes.get((request.method, key))
        if handler is None:
            allow = [method for method, path in self._routes if path == key]
            if allow:
                return empty(405, ("allow", ", ".join(allow)))
            return problem_response(404, f"no control operation at {request.path}")

        try:
            return handler(session, request, argument)
        except ClockError as error:
            return problem_response(409, str(error))
        except ControlError as error:
            return problem_response(400, str(error))

    def _http_reset(self, session: Session, request: Request, _: str) -> Response:
        self.reset(session)
        return empty(204)

    def _http_seed(self, session: Session, request: Request, _: str) -> Response:
        count = self.load_seed(session, _body(request))
        return control_json(200, {"pipelines": count})

    def _http_journal(self, session: Session, request: Request, _: str) -> Response:
        return control_json(200, [e.json() for e in session.journal.entries()])

    def _http_clear_journal(self, session: Session, _r: Request, _: str) -> Response:
        session.journal.clear()
        return empty(204)

    def _http_timings(self, session: Session, request: Request, _: str) -> Response:
        return control_json(200, session.store.timings.json())

    def _http_set_timings(self, session: Session, request: Request, _: str) -> Response:
        return control_json(200, self.set_timings(session, _body(request)).json())

    def _http_clock(self, session: Session, request: Request, _: str) -> Response:
        return control_json(200, self.clock())

    def _http_advance(self, session: Session, request: Request, _: str) -> Response:
        doc = _object(_body(request), "the body")
        return control_json(200, self.advance(doc.get("seconds")))

    def _http_force(self, session: Session, request: Request, text: str) -> Response:
        uuid = parse_guid(text)
        doc = _object(_body(request), "the body")
        entry = None
        if uuid is not None:
            entry = self.force(session, uuid, doc.get("State"), doc.get("Status"))
        if entry is None:
            return problem_response(404, f"no pipeline has the uuid {text}")
        return control_json(200, entry)

    def _http_faults(self, session: Session, request: Request, _: str) -> Response:
        return control_json(200, [fault.json() for fault in session.faults.list()])

    def _http_inject(self, session: Session, request: Request, _: str) -> Response:
        return control_json(201, self.inject(session, _body(request)).json())

    def _http_clear_faults(self, session: Session, _r: Request, _: str) -> Response:
        session.faults.clear()
        return empty(204)

    def _http_remove_fault(self, session: Session, _r: Request, text: str) -> Response:
        if text.isdigit() and session.faults.remove(int(text)):
            return empty(204)
        return problem_response(404, f"no fault has the id {text}")

    def _http_document(self, session: Session, request: Request, _: str) -> Response:
        body = DOCUMENT_PATH.read_bytes()
        return Response(200, [("content-type", "application/yaml")], body)


def _route_key(name: str) -> tuple[str, str]:
    parts = name.split("/")
    if len(parts) == 3 and parts[0] == "pipelines" and parts[2] == "state":
        return "pipelines/*/state", parts[1]
    if len(parts) == 2 and parts[0] == "faults":
        return "faults/*", parts[1]
    return name, ""
