"""The lifecycle of a pipeline over time, as the monitor shows it.

States come later than the commands that cause them (an activation pass every 3
seconds on the real server), so each expectation is polled for with a bounded
timeout; against the mock, the suite moves the mock's clock instead.
"""

from typing import Any

import httpx
import pytest

from contract_tests import pipelines
from contract_tests.target import Target
from contract_tests.violations import expect, expect_empty, expect_json, expect_status

pytestmark = pytest.mark.changes_state

UNSET = "0001-01-01T00:00:00"
IDLE, WORKING, SLEEPING = 0, 2, 4


def _entry(target: Target, uuid: str) -> httpx.Response:
    return target.request("GET", f"/flow/monitor/{uuid}")


def _body(response: httpx.Response) -> dict[str, Any]:
    body = expect_json(response, "response_schema_conformance")
    return body if isinstance(body, dict) else {}


def _state_is(*states: int) -> Any:
    return lambda response: _body(response).get("State") in states


def _recording_states(seen: set[object], until: int) -> Any:
    def reached(response: httpx.Response) -> bool:
        state = _body(response).get("State")
        seen.add(state)
        return state == until

    return reached


def _built(target: Target, create: Any, sleep_timeout: int = 0) -> str:
    response, uuid = create(pipelines.harmless("lifecycle", sleep_timeout))
    expect_status(response, 201, "create_is_201")
    assert isinstance(uuid, str)
    target.eventually(
        lambda: _entry(target, uuid),
        lambda r: _body(r).get("Name") != "",
        "created_pipeline_is_built",
        f"the monitor entry of {uuid}",
        operation="createPipeline",
    )
    return uuid


def test_created_pipeline_appears_in_monitor_idle(target: Target, create: Any) -> None:
    """A created pipeline is built by an activation pass and listed, idle."""
    uuid = _built(target, create)
    entry = _body(_entry(target, uuid))
    expect(
        _entry(target, uuid),
        entry.get("State") == IDLE,
        "built_pipeline_is_idle",
        f"State {entry.get('State')} after building a harmless pipeline",
    )
    listing = target.request("GET", "/flow/monitor")
    entries = expect_json(listing, "response_schema_conformance")
    uuids = [e.get("Uuid") for e in entries] if isinstance(entries, list) else []
    expect(listing, uuid in uuids, "monitor_lists_built_pipelines", f"{uuid} missing")


def test_execute_runs_once_and_returns_to_idle(target: Target, create: Any) -> None:
    """Execute starts a run-once pipeline; it works, then comes back to Idle."""
    uuid = _built(target, create)
    expect_empty(target.request("PUT", f"/flow/execute/{uuid}"), "execute_is_empty_200")
    seen: set[object] = set()
    final = target.eventually(
        lambda: _entry(target, uuid),
        _recording_states(seen, until=IDLE),
        "run_once_returns_to_idle",
        "State 0 after a run-once execution",
        operation="executePipeline",
    )
    body = _body(final)
    # A stock script runs in milliseconds on a real server, faster than a poll:
    # Start and Finish then witness the run that State 2 was too quick to show.
    ran = WORKING in seen or UNSET not in (body.get("Start"), body.get("Finish"))
    expect(final, ran, "execute_reaches_working", f"no sign of a run: {body}")
    expect(
        final,
        body.get("Status") == "Disposed",
        "run_once_ends_disposed",
        f"Status {body.get('Status')!r} after the run",
    )


def test_dispose_returns_repeating_pipeline_to_idle(
    target: Target, create: Any
) -> None:
    """Dispose stops a pipeline that sleeps between runs and returns it to Idle."""
    uuid = _built(target, create, sleep_timeout=60)
    target.request("PUT", f"/flow/execute/{uuid}")
    target.eventually(
        lambda: _entry(target, uuid),
        _state_is(WORKING, SLEEPING),
        "execute_reaches_working",
        "State 2 or 4 after execute",
        operation="executePipeline",
    )
    expect_empty(target.request("PUT", f"/flow/dispose/{uuid}"), "dispose_is_empty_200")
    final = target.eventually(
        lambda: _entry(target, uuid),
        _state_is(IDLE),
        "dispose_returns_to_idle",
        "State 0 after dispose",
        operation="disposePipeline",
    )
    expect(
        final,
        _body(final).get("Status") == "Disposed",
        "dispose_sets_disposed",
        f"Status {_body(final).get('Status')!r} after dispose",
    )


def test_delete_removes_pipeline_at_once(target: Target, create: Any) -> None:
    """Delete removes the record and the monitor entry at once."""
    uuid = _built(target, create)
    expect_empty(target.request("DELETE", f"/flow/{uuid}"), "delete_is_empty_200")
    record = target.request("GET", f"/flow/{uuid}")
    expect(
        record,
        record.status_code == 200 and record.json() is None,
        "deleted_pipeline_is_gone",
        f"record still answered: {record.text!r}",
    )
    entry = _entry(target, uuid)
    expect(
        entry,
        _body(entry).get("Name") == "",
        "deleted_pipeline_is_gone",
        f"monitor entry still answered: {entry.text!r}",
    )
    execute = target.request("PUT", f"/flow/execute/{uuid}")
    expect_status(execute, 404, "deleted_pipeline_is_gone")


def test_delete_is_idempotent(target: Target, create: Any) -> None:
    """Deleting the same pipeline twice answers 200 both times."""
    response, uuid = create(pipelines.harmless("delete-twice"))
    expect_status(response, 201, "create_is_201")
    for _ in range(2):
        deleted = target.request("DELETE", f"/flow/{uuid}")
        expect_status(deleted, 200, "delete_is_idempotent")
        expect_empty(deleted, "delete_is_idempotent")
