"""The mock as one callable: a `Request` in, a `Response` out.

It routes by the OpenAPI document, checks media types and bodies the way the real
server's framework does, runs the operation, then applies the session's faults,
writes the journal and adds CORS headers. Control requests (`/__mock/...`) go to
the control API. No input makes it raise: an unexpected error is logged and
answered 500 with a problem body.
"""

import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from dajet_mock.control import Control
from dajet_mock.errors import TooManySessionsError
from dajet_mock.faults import Fault, FaultError
from dajet_mock.journal import Entry
from dajet_mock.messages import JSON, TEXT, Request, Response, empty, problem_response
from dajet_mock.operations import OPERATIONS, Call, Media, Result, check_bindings
from dajet_mock.problems import INVALID_PARAMETERS_BODY, problem, problem_body
from dajet_mock.problems import validation_problem as validation_problem_body
from dajet_mock.routing import Router
from dajet_mock.sessions import Session, SessionTable
from dajet_mock.spec import (
    Spec,
    load_spec,
    operation_ids,
    registry_for,
    schema_validator,
    shapes_of,
)
from dajet_mock.validation import BodyCheck

__all__ = ["CONTROL_PREFIX", "DEFAULT_MAX_BODY", "SESSION_HEADER", "App"]

logger = logging.getLogger(__name__)

DEFAULT_MAX_BODY = 1024 * 1024
SESSION_HEADER = "x-mock-session"
CONTROL_PREFIX = "/__mock/"

# Characters a header value may carry as they are, beside letters and digits;
# the rest of a name is percent-encoded as UTF-8 (RFC 9110 §5.5: field values
# are visible ASCII).
LOCATION_SAFE = "!#$&'()*+,/:;=?@[]~"


def is_json(media_type: str) -> bool:
    """Tell whether a Content-Type is JSON: `application/json` or `.../*+json`."""
    essence = media_type.partition(";")[0].strip().lower()
    return essence == "application/json" or (
        essence.startswith("application/") and essence.endswith("+json")
    )


def _location(name: str) -> str:
    return quote(name, safe=LOCATION_SAFE)


def _encode(result: Result) -> Response:
    if result.media is Media.NONE:
        return Response(result.status)

    if result.media is Media.PROBLEM:
        return Response(result.status, [JSON], problem_body(result.body))

    if result.media is Media.INVALID_PARAMETERS:
        return Response(result.status, [JSON], INVALID_PARAMETERS_BODY)

    headers = [TEXT if result.media is Media.TEXT else JSON]
    if result.location is not None:
        headers.append(("location", _location(result.location)))

    return Response(result.status, headers, result.body)


class App:
    """The flow API of the mock, with its control API, as a plain callable."""

    def __init__(
        self,
        sessions: SessionTable,
        spec: Spec | None = None,
        control: Control | None = None,
        max_body: int = DEFAULT_MAX_BODY,
    ) -> None:
        spec = spec if spec is not None else load_spec()
        check_bindings(operation_ids(spec), OPERATIONS)
        shapes = shapes_of(spec)
        self.sessions = sessions
        self.max_body = max_body
        self._router = Router(shapes)
        self.control = control
        self._checks = _body_checks(spec, shapes)
        # Called with each unexpected error, after it is logged and answered 500.
        self.on_error: list[Callable[[Exception], None]] = []

    def __call__(self, request: Request) -> Response:
        """Answer one request."""
        try:
            response = self._respond(request)
        except Exception as error:
            logger.exception("unexpected error on %s %s", request.method, request.path)
            for hook in self.on_error:
                hook(error)
            response = problem_response(500, "The mock failed unexpectedly.")

        if "origin" in request.headers:
            # DaJet's CORS policy allows any origin (real-server.md).
            response.headers.append(("access-control-allow-origin", "*"))
        return response

    def _respond(self, request: Request) -> Response:
        if request.method == "OPTIONS" and _is_preflight(request):
            return _preflight(request)

        try:
            session = self.sessions.get(request.headers.get(SESSION_HEADER, ""))
        except (ValueError, TooManySessionsError) as error:
            return problem_response(400, str(error))

        if request.path.startswith(CONTROL_PREFIX) and self.control is not None:
            return self.control(session, request)

        return self._serve(session, request)

    def _serve(self, session: Session, request: Request) -> Response:
        try:
            override = _header_fault(request)
        except FaultError as error:
            return problem_response(400, f"X-Mock-Status or X-Mock-Latency: {error}")

        started = time.perf_counter()
        fault = session.faults.take(request.method, request.path)
        refusal = _refusal(fault, override)
        response = self._flow(session, request) if refusal is None else refusal
        if fault is not None:
            _apply(fault, response)
        if override is not None:
            _apply_override(override, response)

        duration = (time.perf_counter() - started + response.latency) * 1000
        entry = Entry(
            request.method,
            request.path,
            response.status,
            session.name,
            time.time(),
            duration,
        )
        session.journal.record(entry)
        return response

    def _flow(self, session: Session, request: Request) -> Response:
        match = self._router.match(request.method, request.path)
        route = match.route
        if route is None:
            if match.allow:
                return empty(405, ("allow", ", ".join(match.allow)))
            return empty(404)

        media_type = request.headers.get("content-type")
        check = self._checks.get(route.operation_id)
        if media_type:
            if not is_json(media_type):
                return empty(415)
        elif check is not None:
            # The body binder, not the [Consumes] filter, refuses a body without
            # a type, and it writes a problem.
            return problem_response(415)

        call = Call(match.arguments, content_length=_content_length(request))
        if check is not None:
            refused, call = self._bind(check, request, call)
            if refused is not None:
                return refused

        return _encode(OPERATIONS[route.operation_id](session.store, call))

    def _bind(
        self, check: BodyCheck, request: Request, call: Call
    ) -> tuple[Response | None, Call]:
        if request.body_too_large or len(request.body) > self.max_body:
            return empty(413), call

        verdict = check.check(request.body)
        if verdict.errors is not None:
            body = problem_body(validation_problem_body(verdict.errors))
            return Response(400, [JSON], body), call

        if verdict.blank_name:
            return Response(400, [JSON], INVALID_PARAMETERS_BODY), call

        return None, Call(call.arguments, verdict.model, call.content_length)


def _body_checks(spec: Spec, shapes: Any) -> dict[str, BodyCheck]:
    registry = registry_for(spec)
    return {
        route.operation_id: BodyCheck(schema_validator(route.body_schema, registry))
        for shape in shapes
        for route in shape.routes.values()
        if route.body_schema is not None
    }


def _content_length(request: Request) -> int | None:
    text = request.headers.get("content-length")
    return int(text) if text is not None and text.isdigit() else None


def _is_preflight(request: Request) -> bool:
    headers = request.headers
    return "origin" in headers and "access-control-request-method" in headers


def _preflight(request: Request) -> Response:
    # ASP.NET Core's CORS middleware with AllowAnyOrigin/Method/Header answers a
    # preflight on any path with 204, echoing what was asked (real-server.md).
    headers = [
        (
            "access-control-allow-methods",
            request.headers["access-control-request-method"],
        )
    ]
    asked = request.headers.get("access-control-request-headers")
    if asked:
        headers.append(("access-control-allow-headers", asked))
    return Response(204, headers)


def _apply(fault: Fault, response: Response) -> None:
    if fault.status is not None:
        response.status = fault.status
    if fault.body is not None:
        response.body = fault.body.encode("utf-8")

    for name, value in fault.headers.items():
        lowered = name.lower()
        response.headers = [h for h in response.headers if h[0].lower() != lowered]
        if value is not None:
            response.headers.append((lowered, value))

    response.latency += fault.latency
    response.drop = response.drop or fault.drop


def _refusal(*faults: Fault | None) -> Response | None:
    # The first fault that answers in place of the request gives the status of
    # a problem answer; each fault then patches it as it would any answer.
    for fault in faults:
        if fault is not None and not fault.handles_request:
            # Without a status, the fault drops the connection (see Fault).
            return problem_response(fault.status or 500)
    return None


def _header_fault(request: Request) -> Fault | None:
    status = request.headers.get("x-mock-status")
    latency = request.headers.get("x-mock-latency")
    if status is None and latency is None:
        return None

    doc: dict[str, Any] = {}
    try:
        if status is not None:
            doc["status"] = int(status)
        if latency is not None:
            doc["latency"] = float(latency)
    except ValueError:
        message = "X-Mock-Status takes a whole number, X-Mock-Latency seconds"
        raise FaultError(message) from None

    return Fault.from_json(doc)


def _apply_override(fault: Fault, response: Response) -> None:
    response.latency += fault.latency
    if fault.status is None:
        return

    response.status = fault.status
    if fault.status >= 400:
        response.body = problem_body(problem(fault.status))
        response.headers = [h for h in response.headers if h[0] != "content-type"]
        response.headers.append(JSON)
