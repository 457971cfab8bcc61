"""Problem bodies as ASP.NET Core writes them (RFC 9457), and the server's string.

ASP.NET Core's `ProblemDetailsFactory` gives each status a `type` pointing at its
section of RFC 9110, a fixed `title`, and a W3C `traceId`; the body is compact JSON
written with the default encoder, which escapes every non-ASCII character.
"""

import json
import secrets
from typing import Any

__all__ = [
    "INVALID_PARAMETERS_BODY",
    "problem",
    "problem_body",
    "trace_id",
    "validation_problem",
]

_RFC9110 = "https://tools.ietf.org/html/rfc9110#section-"

# Status, RFC 9110 section and title, as ASP.NET Core 8's ClientErrorMapping has them.
_ERRORS: dict[int, tuple[str, str]] = {
    400: ("15.5.1", "Bad Request"),
    401: ("15.5.2", "Unauthorized"),
    403: ("15.5.4", "Forbidden"),
    404: ("15.5.5", "Not Found"),
    405: ("15.5.6", "Method Not Allowed"),
    406: ("15.5.7", "Not Acceptable"),
    408: ("15.5.9", "Request Timeout"),
    409: ("15.5.10", "Conflict"),
    412: ("15.5.13", "Precondition Failed"),
    413: ("15.5.14", "Payload Too Large"),
    415: ("15.5.16", "Unsupported Media Type"),
    422: ("15.5.21", "Unprocessable Entity"),
    426: ("15.5.22", "Upgrade Required"),
    500: ("15.6.1", "An error occurred while processing your request."),
    502: ("15.6.3", "Bad Gateway"),
    503: ("15.6.4", "Service Unavailable"),
    504: ("15.6.5", "Gateway Timeout"),
}

VALIDATION_TITLE = "One or more validation errors occurred."

# The `BadRequest` of a blank name in FlowController.CreatePipeline ("invalid
# parameters"): System.Text.Json's default encoder writes every non-ASCII letter
# as an upper-case \u escape.
INVALID_PARAMETERS = "Неверно указаны параметры!"
INVALID_PARAMETERS_BODY = (
    '"'
    + "".join(c if c.isascii() else f"\\u{ord(c):04X}" for c in INVALID_PARAMETERS)
    + '"'
).encode("ascii")


def trace_id() -> str:
    """Return a W3C trace context like the one ASP.NET Core puts in `traceId`."""
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-00"


def problem(status: int, detail: str | None = None) -> dict[str, Any]:
    """Return the problem object ASP.NET Core writes for a status code."""
    section, title = _ERRORS.get(status, ("15.5.1", "Bad Request"))
    if status not in _ERRORS and status >= 500:
        section, title = _ERRORS[500]

    body: dict[str, Any] = {"type": _RFC9110 + section, "title": title}
    body["status"] = status
    if detail is not None:
        body["detail"] = detail

    body["traceId"] = trace_id()
    return body


def validation_problem(errors: dict[str, list[str]]) -> dict[str, Any]:
    """Return the 400 problem `[ApiController]` writes for a body it cannot bind."""
    return {
        "type": _RFC9110 + "15.5.1",
        "title": VALIDATION_TITLE,
        "status": 400,
        "errors": errors,
        "traceId": trace_id(),
    }


def problem_body(body: dict[str, Any]) -> bytes:
    """Encode a problem compactly, non-ASCII escaped, as ASP.NET Core does."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=True).encode("ascii")
