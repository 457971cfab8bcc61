"""Framework-free HTTP requests and responses, shared by the app and its adapters."""

from dataclasses import dataclass, field
from typing import Any

import orjson

from dajet_mock.problems import problem, problem_body

__all__ = [
    "JSON",
    "TEXT",
    "Request",
    "Response",
    "control_json",
    "empty",
    "problem_response",
]

JSON = ("content-type", "application/json; charset=utf-8")
TEXT = ("content-type", "text/plain; charset=utf-8")


@dataclass(slots=True)
class Request:
    """A request as the app sees it: header names in lower case, the body read.

    `path` is percent-decoded. `body_too_large` says the adapter stopped reading
    a body over the app's limit; `body` then holds what was read.
    """

    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    body_too_large: bool = False


@dataclass(slots=True)
class Response:
    """A response, and how the adapter must deliver it.

    `latency` is waited before sending; `drop` breaks the connection instead of
    sending the response. Adapters add `Content-Length`.
    """

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    latency: float = 0.0
    drop: bool = False

    def header(self, name: str) -> str | None:
        """Return the first value of a header, by case-insensitive name."""
        wanted = name.lower()
        return next((v for n, v in self.headers if n.lower() == wanted), None)


def empty(status: int, *headers: tuple[str, str]) -> Response:
    """Return a response with no body and no Content-Type."""
    return Response(status, list(headers))


def problem_response(status: int, detail: str | None = None) -> Response:
    """Return a problem body labelled as FlowController's `[Produces]` labels it."""
    return Response(status, [JSON], problem_body(problem(status, detail)))


def control_json(status: int, value: Any) -> Response:
    """Return a JSON answer of the control API."""
    return Response(status, [JSON], orjson.dumps(value, option=orjson.OPT_INDENT_2))
