"""Checks the suite adds to Schemathesis's, and the refined forms of three of them.

Schemathesis's checks assume things this contract states otherwise; each refined
check keeps the rule and applies it where the contract says it holds:

- `content_type_conformance` and `response_schema_conformance` demand a documented
  media type and body on every answer. A path segment that is not a GUID matches
  no route, and the server answers 404 with no content and, by RFC 9110 section
  8.3, no Content-Type. The refined checks judge every response that has content;
  `empty_body_conformance` judges the rest: an empty body is allowed only where
  the contract documents one.
- `use_after_free` expects 404 from every read of a deleted resource. The contract
  documents other answers for a deleted (unknown) pipeline: `GET /flow/{uuid}` is
  200 `null` and `GET /flow/monitor/{uuid}` the default entry.
  `deleted_pipeline_is_gone` checks exactly those answers.
- `ensure_resource_availability` takes a 404 after a create for a lost resource
  unless it saw a delete of the same path. The flow API deletes at `/flow/{uuid}`
  but commands at `/flow/execute/{uuid}`: a 404 of a command after the pipeline's
  delete is what the contract demands, so the refined check judges only the
  pipelines the scenario has not deleted.
"""

import json
import re
from collections.abc import Callable
from typing import Any, ClassVar
from urllib.parse import unquote

import schemathesis
from schemathesis import CheckContext, Response
from schemathesis.core.failures import Failure
from schemathesis.generation.case import Case
from schemathesis.specs.openapi import checks as builtin

from contract_tests import operations
from contract_tests.pipelines import UUID_PATTERN

CheckFunction = Callable[[CheckContext, Response, Case[Any]], bool | None]

# Routes that take a GUID segment only match one, in any of the forms .NET's
# Guid parser reads: D, B (braced), P (parenthesised) and N (32 digits)
# (real-server.md).
GUID_FORMS = (
    UUID_PATTERN.pattern,
    r"\{" + UUID_PATTERN.pattern + r"\}",
    r"\(" + UUID_PATTERN.pattern + r"\)",
    r"[0-9a-fA-F]{32}",
)


@schemathesis.deserializer("text/plain")
def json_labelled_text(context: Any, response: Response) -> Any:
    """Read a `text/plain` body as JSON, as the contract documents it.

    The real server sends the monitor and the catalogues as JSON labelled
    `text/plain` (real-server.md), and the contract gives those bodies JSON
    schemas. Schemathesis skips the schema check of a media type it cannot read,
    so without this a wrong body under that label would pass unjudged.
    """
    return json.loads(response.content)


class ContractFailure(Failure):
    """A failure of one of the suite's own checks; its title is the check's name."""

    code = "ST900"

    def __init__(self, case: Case[Any], message: str) -> None:
        super().__init__(
            operation=case.operation.label, title=self.checks[0], message=message
        )


class EmptyBodyMismatch(ContractFailure):
    """A body where none is documented, or none where one is."""

    checks: ClassVar[tuple[str, ...]] = ("empty_body_conformance",)


class LocationMismatch(ContractFailure):
    """A `Location` that does not give back the created pipeline's name."""

    checks: ClassVar[tuple[str, ...]] = ("location_conformance",)


class AllowMismatch(ContractFailure):
    """An `Allow` that does not list the methods the path's operations take."""

    checks: ClassVar[tuple[str, ...]] = ("allow_conformance",)


class DeletedPipelineVisible(ContractFailure):
    """A deleted pipeline answered as if it still existed."""

    checks: ClassVar[tuple[str, ...]] = ("deleted_pipeline_is_gone",)


def _documented(case: Case[Any], response: Response) -> dict[str, Any] | None:
    definition = case.operation.responses.find_by_status_code(response.status_code)
    return None if definition is None else dict(definition.definition)


def is_guid(segment: object) -> bool:
    """Tell whether a path segment is one of the GUID forms the routes match."""
    return any(re.fullmatch(form, str(segment)) for form in GUID_FORMS)


def _is_no_route(case: Case[Any], response: Response) -> bool:
    values = (case.path_parameters or {}).values()
    return response.status_code == 404 and not all(is_guid(v) for v in values)


def _is_not_json(case: Case[Any], response: Response) -> bool:
    # The contract's 415 of `POST /flow`: a problem body without a Content-Type,
    # an empty body with one that is not JSON.
    sent = response.request.headers.get("content-type")
    return response.status_code == 415 and bool(sent)


def content_type_conformance(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> bool | None:
    """Check the media type of every response that has content."""
    if not response.content:
        return None

    return builtin.content_type_conformance(ctx, response, case)


def response_schema_conformance(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> bool | None:
    """Check the body of every response that has content against its schema."""
    if not response.content:
        return None

    return builtin.response_schema_conformance(ctx, response, case)


def empty_body_conformance(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> bool | None:
    """Check that a body is empty exactly where the contract documents no content."""
    documented = _documented(case, response)
    if documented is None:
        return None

    if response.content and not documented.get("content"):
        excerpt = response.content[:200].decode("utf-8", "replace")
        raise EmptyBodyMismatch(case, f"No body is documented, got {excerpt!r}")

    if not response.content and documented.get("content"):
        if not (_is_no_route(case, response) or _is_not_json(case, response)):
            raise EmptyBodyMismatch(case, "The documented body is missing")

        if response.headers.get("content-type"):
            raise EmptyBodyMismatch(case, "A 404 of no route has a Content-Type")

    return None


def location_conformance(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> bool | None:
    """Check that `Location` of a 201 percent-decodes to the name sent.

    The contract's `PipelineLocation` header: the new pipeline's name, not a URL,
    percent-encoded as UTF-8 where it may not stand in a header as it is.
    """
    name = case.body.get("Name") if isinstance(case.body, dict) else None
    location = response.headers.get("location")
    if response.status_code != 201 or not isinstance(name, str) or not location:
        return None

    if unquote(location[0], errors="strict") != name:
        message = f"Location {location[0]!r} does not decode to the name {name!r}"
        raise LocationMismatch(case, message)

    return None


def allow_conformance(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> bool | None:
    """Check that the `Allow` of a 405 lists the methods the contract gives the path.

    RFC 9110 section 15.5.6: the origin server generates an Allow header field
    containing the target resource's currently supported methods.
    """
    allow = response.headers.get("allow")
    if response.status_code != 405 or not allow:
        return None

    listed = {m.strip().upper() for m in ",".join(allow).split(",") if m.strip()}
    documented = operations.methods_of(case.operation.path)
    if listed != documented:
        message = f"Allow: {', '.join(allow)}; the contract has {sorted(documented)}"
        raise AllowMismatch(case, message)

    return None


def deleted_pipeline_is_gone(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> bool | None:
    """Check the answers for a pipeline this scenario deleted earlier.

    The contract: `GET /flow/{uuid}` is 200 `null`, `GET /flow/monitor/{uuid}` is
    the default entry (the entry goes "at once"), the commands are 404, and a
    repeated delete is 200.
    """
    uuid = (case.path_parameters or {}).get("uuid")
    # A 415 comes from the media type filter, before the action reads the uuid.
    if response.status_code == 415:
        return None

    if uuid is None or not _deleted_before(ctx, case, str(uuid)):
        return None

    operation_id = operations.by_label(case.operation.label)
    expected = GONE.get(operation_id.operation_id if operation_id else "")
    if expected is not None and not expected(response):
        message = f"After a delete, {case.operation.label} answered {_show(response)}"
        raise DeletedPipelineVisible(case, message)

    return None


def ensure_resource_availability(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> bool | None:
    """Check that a pipeline just created and not deleted is found by its uuid."""
    uuid = (case.path_parameters or {}).get("uuid")
    if uuid is not None and _deleted_before(ctx, case, str(uuid)):
        return None

    return builtin.ensure_resource_availability(ctx, response, case)


def _deleted_before(ctx: CheckContext, case: Case[Any], uuid: str) -> bool:
    for earlier in ctx.internals.find_all_cases():
        if earlier.id == case.id:
            return False

        answer = ctx.internals.find_response(case_id=earlier.id)
        if _is_delete_of(earlier, uuid) and answer and answer.status_code == 200:
            return True

    return False


def _is_delete_of(case: Case[Any], uuid: str) -> bool:
    target = (case.path_parameters or {}).get("uuid")
    return case.method.upper() == "DELETE" and str(target).lower() == uuid.lower()


def _json(response: Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return ...


def _show(response: Response) -> str:
    excerpt = response.content[:200].decode("utf-8", "replace")
    return f"{response.status_code} {excerpt!r}"


def _is_default_entry(response: Response) -> bool:
    body = _json(response)
    return (
        response.status_code == 200
        and isinstance(body, dict)
        and body.get("Name") == ""
    )


GONE: dict[str, Callable[[Response], bool]] = {
    "getPipeline": lambda r: r.status_code == 200 and _json(r) is None,
    "getPipelineInfo": _is_default_entry,
    "executePipeline": lambda r: r.status_code == 404,
    "disposePipeline": lambda r: r.status_code == 404,
    "restartPipeline": lambda r: r.status_code == 404,
    "validatePipeline": lambda r: r.status_code == 404,
    "deletePipeline": lambda r: r.status_code == 200,
}

# Every check a generated case is judged by: all of Schemathesis's, with three
# replaced by their refined forms above, and the suite's own.
REPLACED = (
    builtin.content_type_conformance,
    builtin.response_schema_conformance,
    builtin.use_after_free,
    builtin.ensure_resource_availability,
)
ADDED = (
    content_type_conformance,
    response_schema_conformance,
    empty_body_conformance,
    location_conformance,
    allow_conformance,
    deleted_pipeline_is_gone,
    ensure_resource_availability,
)
