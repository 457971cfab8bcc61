"""Schemathesis hooks for fuzzing the mock from its command line (`tox -e fuzz`).

Loaded through `SCHEMATHESIS_HOOKS=fuzz.hooks`. Schemathesis's generic checks
assume things this contract states otherwise. Each place is answered here, where
the reason lives, and never by turning a rule off without its refined form:

- A path segment that is not a GUID matches no route; the server answers 404
  with no content and, by RFC 9110 §8.3, no Content-Type, while an unknown GUID
  gets a JSON problem under the same 404. `content_type_conformance` and
  `response_schema_conformance` are replaced by forms that judge every response
  with content; `empty_body_conformance` judges the rest.
- JSON Schema cannot say that options are unique by `Name`; the contract says so
  in words and the server refuses repeats with 400. Generated bodies get unique
  option names (`map_body`), so that a body Schemathesis deems valid is valid.
- `use_after_free` expects 404 from every read of a deleted resource; the
  contract answers `GET /flow/{uuid}` with 200 `null` and the monitor entry with
  the default entry. `deleted_pipeline_is_gone` checks exactly those answers.
- `ensure_resource_availability` does not see that `DELETE /flow/{uuid}` deletes
  what `/flow/execute/{uuid}` and its siblings act on; its refined form skips
  the pipelines the scenario deleted.
- The monitor and the catalogues are JSON labelled `text/plain`, as the real
  server sends them; they are read as JSON, so that their schemas are checked.

`GET /flow/validate/{uuid}`'s documented 500 is set in schemathesis.toml.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import schemathesis
from schemathesis import CheckContext, Response
from schemathesis.core.failures import Failure
from schemathesis.generation.case import Case
from schemathesis.specs.openapi import checks as builtin

# The forms of a .NET `Guid` the `{uuid:guid}` route constraint takes: D, N, B, P.
_HEX = "[0-9a-fA-F]"
_D = f"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"
GUID = re.compile(rf"{_D}|{_HEX}{{32}}|\{{{_D}\}}|\({_D}\)")


class ContractFailure(Failure):
    """A failure of one of the refined checks; its title is the check's name."""

    code = "ST900"
    checks: tuple[str, ...] = ()

    def __init__(self, case: Case, message: str) -> None:
        super().__init__(
            operation=case.operation.label, title=self.checks[0], message=message
        )


class EmptyBodyMismatch(ContractFailure):
    """A body where none is documented, or none where one is."""

    checks = ("empty_body_conformance",)


class DeletedPipelineVisible(ContractFailure):
    """A deleted pipeline answered as if it still existed."""

    checks = ("deleted_pipeline_is_gone",)


@schemathesis.deserializer("text/plain")
def json_labelled_text(context: Any, response: Response) -> Any:
    """Read a `text/plain` body as JSON, as the contract documents it."""
    return json.loads(response.content)


@schemathesis.hook
def map_body(context: Any, body: Any) -> Any:
    """Give every option of a generated body a name no sibling option has."""
    if isinstance(body, dict):
        _unique_names(body.get("Options"))
        handlers = body.get("Handlers")
        for handler in handlers if isinstance(handlers, list) else []:
            if isinstance(handler, dict):
                _unique_names(handler.get("Options"))

    return body


def _unique_names(options: Any) -> None:
    seen: set[str] = set()
    for option in options if isinstance(options, list) else []:
        name = option.get("Name") if isinstance(option, dict) else None
        if not isinstance(name, str):
            continue

        while name in seen:
            name += "'"
        option["Name"] = name
        seen.add(name)


def is_guid(value: object) -> bool:
    """Tell whether a path segment is a GUID in a form the routes match."""
    return GUID.fullmatch(str(value)) is not None


def _documented(case: Case, response: Response) -> dict[str, Any] | None:
    definition = case.operation.responses.find_by_status_code(response.status_code)
    return None if definition is None else dict(definition.definition)


def _no_route(case: Case, response: Response) -> bool:
    values = (case.path_parameters or {}).values()
    return response.status_code == 404 and not all(is_guid(v) for v in values)


def _media_refused(response: Response) -> bool:
    # [Consumes] refuses a Content-Type that is not JSON with an empty 415; only
    # a missing Content-Type gets the problem body the contract documents.
    sent = response.request.headers.get("content-type")
    return response.status_code == 415 and bool(sent)


@schemathesis.check
def content_type_conformance_of_content(
    ctx: CheckContext, response: Response, case: Case
) -> bool | None:
    """Check the media type of every response that has content."""
    if not response.content:
        return None

    return builtin.content_type_conformance(ctx, response, case)


@schemathesis.check
def response_schema_conformance_of_content(
    ctx: CheckContext, response: Response, case: Case
) -> bool | None:
    """Check the body of every response that has content against its schema."""
    if not response.content:
        return None

    return builtin.response_schema_conformance(ctx, response, case)


@schemathesis.check
def empty_body_conformance(
    ctx: CheckContext, response: Response, case: Case
) -> bool | None:
    """Check that a body is empty exactly where the contract allows no content."""
    documented = _documented(case, response)
    if documented is None:
        return None

    if response.content and not documented.get("content"):
        excerpt = response.content[:200].decode("utf-8", "replace")
        raise EmptyBodyMismatch(case, f"No body is documented, got {excerpt!r}")

    if not response.content and documented.get("content"):
        if not (_no_route(case, response) or _media_refused(response)):
            raise EmptyBodyMismatch(case, "The documented body is missing")

        if response.headers.get("content-type"):
            raise EmptyBodyMismatch(case, "An empty 404 or 415 has a Content-Type")

    return None


def _json(response: Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return ...


def _is_default_entry(response: Response) -> bool:
    body = _json(response)
    return (
        response.status_code == 200
        and isinstance(body, dict)
        and body.get("Name") == ""
    )


# The contract's answers about a pipeline that was deleted (an unknown uuid).
GONE: dict[str, Callable[[Response], bool]] = {
    "GET /flow/{uuid}": lambda r: r.status_code == 200 and _json(r) is None,
    "GET /flow/monitor/{uuid}": _is_default_entry,
    "PUT /flow/execute/{uuid}": lambda r: r.status_code == 404,
    "PUT /flow/dispose/{uuid}": lambda r: r.status_code == 404,
    "PUT /flow/restart/{uuid}": lambda r: r.status_code == 404,
    "GET /flow/validate/{uuid}": lambda r: r.status_code == 404,
    "DELETE /flow/{uuid}": lambda r: r.status_code == 200,
}


def _deleted_before(ctx: CheckContext, case: Case) -> bool:
    uuid = str((case.path_parameters or {}).get("uuid", "")).lower()
    if not uuid:
        return False

    for earlier in ctx.internals.find_all_cases():
        if earlier.id == case.id:
            return False

        target = str((earlier.path_parameters or {}).get("uuid", "")).lower()
        if earlier.method.upper() == "DELETE" and target == uuid:
            answer = ctx.internals.find_response(case_id=earlier.id)
            if answer is not None and answer.status_code == 200:
                return True

    return False


@schemathesis.check
def deleted_pipeline_is_gone(
    ctx: CheckContext, response: Response, case: Case
) -> bool | None:
    """Check the answers about a pipeline this scenario deleted earlier."""
    expected = GONE.get(case.operation.label)
    # A 415 comes from the media type filter, before the action reads the uuid.
    if expected is None or response.status_code == 415:
        return None

    if not _deleted_before(ctx, case):
        return None

    if not expected(response):
        excerpt = response.content[:200].decode("utf-8", "replace")
        message = f"After a delete, {case.operation.label} answered {excerpt!r}"
        raise DeletedPipelineVisible(case, f"{response.status_code} {message}")

    return None


@schemathesis.check
def created_pipeline_is_available(
    ctx: CheckContext, response: Response, case: Case
) -> bool | None:
    """Check that a pipeline just created, and not deleted since, is found."""
    if _deleted_before(ctx, case):
        return None

    return builtin.ensure_resource_availability(ctx, response, case)
