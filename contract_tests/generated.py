"""Generated cases: the contract loaded into Schemathesis, and how one is run.

Each response Schemathesis judges is recorded in the conformance ledger through
its `after_validate` hook, with the operation, status code and failed checks, so
that the summary and the deviations file see generated tests as they see the
hand-written ones.
"""

from pathlib import Path
from typing import Any

import schemathesis
from schemathesis.checks import CheckResult
from schemathesis.core.result import Ok
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case

from contract_tests import checks, operations, safety, summary
from contract_tests.pipelines import Tracker
from contract_tests.target import Target

CONFIG_PATH = Path(__file__).with_name("schemathesis.toml")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CREATE_LABEL = "POST /flow"


def load_schema() -> Any:
    """Return the contract as a Schemathesis schema, with the suite's settings."""
    config = schemathesis.Config.from_path(CONFIG_PATH)
    schema = schemathesis.openapi.from_path(operations.SPEC_PATH, config=config)
    schema.hooks.register_hook_with_name(record_results, "after_validate")
    return schema


def record_results(
    context: Any, case: Case[Any], response: Response, results: list[CheckResult]
) -> None:
    """Record one judged response in the conformance ledger."""
    operation = operations.by_label(case.operation.label)
    name = operation.operation_id if operation else case.operation.label
    failed = {result.name for result in results if result.failure is not None}
    summary.LEDGER.record(name, response.status_code, failed)


def labels(schema: Any) -> list[str]:
    """Return the labels of the schema's operations."""
    return [r.ok().label for r in schema.get_all_operations() if isinstance(r, Ok)]


def is_safe(case: Case[Any]) -> bool:
    """Tell whether a case changes nothing on the server (RFC 9110 section 9.2.1)."""
    return case.method.upper() in SAFE_METHODS


def prepare(case: Case[Any], tracker: Tracker) -> None:
    """Make a generated creation harmless, and remember the name it will carry."""
    if case.operation.label == CREATE_LABEL and case.method.upper() == "POST":
        case.body = safety.make_safe(case.body)
        if isinstance(case.body, dict):
            tracker.expect_name(case.body.get("Name"))


def name_of(case: Case[Any]) -> object:
    """Return the `Name` a case's body carries, if any."""
    return case.body.get("Name") if isinstance(case.body, dict) else None


def validate(case: Case[Any], response: Response, target: Target, **extra: Any) -> None:
    """Judge a response by every check, with the refined ones in place."""
    __tracebackhide__ = True
    case.validate_response(
        response,
        excluded_checks=list(checks.REPLACED),
        additional_checks=list(checks.ADDED),
        transport_kwargs={"base_url": target.url},
        **extra,
    )


def run(case: Case[Any], target: Target, tracker: Tracker) -> None:
    """Send one generated case to the target, track what it created, judge it."""
    __tracebackhide__ = True
    if target.read_only and not is_safe(case):
        return

    prepare(case, tracker)
    response = case.call(base_url=target.url, timeout=target.timeout)
    tracker.watch(response, name_of(case))
    validate(case, response, target)
