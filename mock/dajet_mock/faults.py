"""Faults: deliberate misbehaviour of the flow API, injected through the control API.

A fault matches requests by method and path glob, for a number of requests or until
cleared. A fault with an error status answers in place of the request, which then
changes nothing, as when the server itself refuses one. Any other fault lets the
request be handled first; then it waits (latency), replaces the status or body,
patches headers, or drops the connection. `handled` overrides that choice.
"""

import fnmatch
import itertools
import math
import threading
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["Fault", "FaultError", "Faults"]

_FIELDS = (
    "method",
    "path",
    "times",
    "latency",
    "status",
    "body",
    "headers",
    "drop",
    "handled",
)


class FaultError(ValueError):
    """A fault document that cannot be used; the message says which field."""


@dataclass(frozen=True, slots=True)
class Fault:
    """One injected fault; `times` None means until cleared."""

    method: str = "*"
    path: str = "*"
    times: int | None = None
    latency: float = 0.0
    status: int | None = None
    body: str | None = None
    headers: dict[str, str | None] = field(default_factory=dict)
    drop: bool = False
    handled: bool | None = None
    id: int = 0

    @property
    def handles_request(self) -> bool:
        """Tell whether the request is handled before the fault changes its answer.

        Unless `handled` says otherwise, a request given an error status is not:
        the store stays as it was, as after any error answer of the server.
        """
        if self.handled is not None:
            return self.handled
        return self.status is None or self.status < 400

    def matches(self, method: str, path: str) -> bool:
        """Tell whether a request's method and path fall under this fault."""
        if self.method != "*" and self.method != method:
            return False
        return fnmatch.fnmatchcase(path, self.path)

    def json(self) -> dict[str, Any]:
        """Return the fault as the control API shows it."""
        return {
            "id": self.id,
            "method": self.method,
            "path": self.path,
            "times": self.times,
            "latency": self.latency,
            "status": self.status,
            "body": self.body,
            "headers": dict(self.headers),
            "drop": self.drop,
            "handled": self.handled,
        }

    @classmethod
    def from_json(cls, doc: Any) -> "Fault":
        """Read a fault document; raise FaultError naming the first bad field."""
        if not isinstance(doc, dict):
            raise FaultError("a fault is a JSON object")

        unknown = sorted(set(doc) - set(_FIELDS))
        if unknown:
            raise FaultError(f"unknown fault fields: {', '.join(unknown)}")

        fault = cls(
            method=_method(doc.get("method", "*")),
            path=_text(doc.get("path", "*"), "path"),
            times=_times(doc.get("times")),
            latency=_latency(doc.get("latency", 0)),
            status=_status(doc.get("status")),
            body=None if doc.get("body") is None else _text(doc["body"], "body"),
            headers=_headers(doc.get("headers", {})),
            drop=_flag(doc.get("drop", False), "drop"),
            handled=_optional_flag(doc.get("handled"), "handled"),
        )
        if not fault.handles_request and fault.status is None and not fault.drop:
            raise FaultError("a fault with handled false needs a status, or drop")
        return fault


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise FaultError(f"fault {name} must be a string, not {value!r}")
    return value


def _method(value: Any) -> str:
    method = _text(value, "method").upper()
    if method != "*" and not method.isalpha():
        raise FaultError(f"fault method must be an HTTP method or '*', not {value!r}")
    return method


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _times(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise FaultError(f"fault times must be a whole number >= 1 or null: {value!r}")
    return value


def _latency(value: Any) -> float:
    if not _number(value) or not math.isfinite(value) or not 0 <= value <= 600:
        raise FaultError(f"fault latency must be 0 to 600 seconds, not {value!r}")
    return float(value)


def _status(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 200 <= value <= 599:
        raise FaultError(f"fault status must be an HTTP status 200-599: {value!r}")
    return value


def _headers(value: Any) -> dict[str, str | None]:
    if not isinstance(value, dict):
        raise FaultError("fault headers must be an object of names to strings or null")
    for name, text in value.items():
        if not name or not name.isascii() or any(c in name for c in " :\r\n"):
            raise FaultError(f"fault header name is not a token: {name!r}")
        if text is not None and (not isinstance(text, str) or _unsafe(text)):
            raise FaultError(f"fault header {name} must be printable text or null")
    return dict(value)


def _unsafe(text: str) -> bool:
    return not text.isascii() or any(c in text for c in "\r\n\0")


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise FaultError(f"fault {name} must be true or false, not {value!r}")
    return value


def _optional_flag(value: Any, name: str) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise FaultError(f"fault {name} must be true, false or null, not {value!r}")
    return value


class Faults:
    """The faults of one session, safe to share between threads."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> Fault:
        """Add a fault and return it with its id."""
        with self._lock:
            added = replace(fault, id=next(self._ids))
            self._faults.append(added)
            return added

    def list(self) -> list[Fault]:
        """Return the faults in the order they were added."""
        with self._lock:
            return list(self._faults)

    def remove(self, fault_id: int) -> bool:
        """Remove one fault; False if no fault has that id."""
        with self._lock:
            kept = [f for f in self._faults if f.id != fault_id]
            found = len(kept) != len(self._faults)
            self._faults = kept
            return found

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._faults = []

    def take(self, method: str, path: str) -> Fault | None:
        """Return the first fault matching a request, counting one use of it."""
        if not self._faults:
            return None

        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.matches(method, path):
                    self._use(index, fault)
                    return fault

        return None

    def _use(self, index: int, fault: Fault) -> None:
        if fault.times is None:
            return

        if fault.times == 1:
            del self._faults[index]
        else:
            self._faults[index] = replace(fault, times=fault.times - 1)
