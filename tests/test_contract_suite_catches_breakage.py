"""The contract suite fails when the server breaks the contract, and says where.

Each case runs the part of the suite that covers one rule, in a subprocess,
against the embedded mock broken by one fault injected through its control API.
The run must fail, and its output must name the operation and the broken rule.
The same parts pass against the unbroken mock in every full run.
"""

import re

import pytest

from tests.contract_faults import run_suite

BREAKAGES = [
    pytest.param(
        ["contract_tests/test_generated.py", "-k", "handlers"],
        {"faults": [{"method": "GET", "path": "/flow/handlers", "status": 201}]},
        r"getHandlers\s+201\s.*status_code_conformance",
        id="wrong-status-code",
    ),
    pytest.param(
        ["contract_tests/test_generated.py", "-k", "POST"],
        {
            "faults": [
                {"method": "POST", "path": "/flow", "headers": {"Location": None}}
            ]
        },
        r"createPipeline\s+201\s.*response_headers_conformance",
        id="missing-location",
    ),
    pytest.param(
        ["contract_tests/test_generated.py", "-k", "monitor and not uuid"],
        {
            "faults": [
                {"method": "GET", "path": "/flow/monitor", "body": '{"State": 0}'}
            ]
        },
        r"getMonitor\s+200\s.*response_schema_conformance",
        id="body-of-wrong-type",
    ),
    pytest.param(
        ["contract_tests/test_lifecycle.py", "-k", "dispose"],
        {"faults": [{"method": "PUT", "path": "/flow/dispose/*", "body": '"done"'}]},
        r"disposePipeline \(answered 200\) broke dispose_is_empty_200",
        id="extra-body-on-200",
    ),
    pytest.param(
        ["contract_tests/test_lifecycle.py", "-k", "execute_runs_once"],
        {"timings": {"starting": 1e9}},
        r"executePipeline \(answered 200\) broke run_once_returns_to_idle",
        id="state-never-changes",
    ),
    pytest.param(
        [
            "contract_tests/test_bad_input.py",
            "-k",
            "unknown_pipeline_is_404 and execute",
        ],
        {
            "faults": [
                {"method": "PUT", "path": "/flow/execute/*", "status": 200, "body": ""}
            ]
        },
        r"executePipeline \(answered 200\) broke unknown_pipeline_is_404",
        id="unknown-uuid-200-on-execute",
    ),
]


@pytest.mark.parametrize(("selection", "faults", "message"), BREAKAGES)
def test_suite_fails_naming_operation_and_rule(
    selection: list[str], faults: dict[str, object], message: str
) -> None:
    """One fault makes the suite fail with the operation and rule in its output."""
    result = run_suite(selection, faults)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert re.search(message, output), output
