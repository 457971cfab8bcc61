"""A deviations file turns listed failures into expected ones, and reports news.

Runs one scenario test of the contract suite in a subprocess against the embedded
mock, broken (or not) through its control API, with a deviations file that lists
that test's failure.
"""

from pathlib import Path

import pytest

from tests.contract_faults import run_suite

SELECTION = [
    "contract_tests/test_bad_input.py",
    "-k",
    "unknown_pipeline_is_404 and execute",
]
EXECUTE_ANSWERS_200 = {
    "faults": [{"method": "PUT", "path": "/flow/execute/*", "status": 200, "body": ""}]
}
REASON = "this server answers 200 to execute on an unknown uuid"
DEVIATIONS = f"""
deviations:
  - test: test_command_on_unknown_pipeline_is_404[execute]
    check: unknown_pipeline_is_404
    reason: {REASON}
"""


@pytest.fixture
def deviations(tmp_path: Path) -> str:
    """A deviations file that lists the execute-on-unknown-uuid failure."""
    path = tmp_path / "deviations.yaml"
    path.write_text(DEVIATIONS, encoding="utf-8")
    return str(path)


def test_listed_failure_is_expected_with_its_reason(deviations: str) -> None:
    """A failure the file lists is an expected failure, counted as a deviation."""
    result = run_suite(
        SELECTION, EXECUTE_ANSWERS_200, "--deviations", deviations, "-rx"
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "1 xfailed" in output and REASON in output, output
    assert any(
        line.split()[:6] == ["executePipeline", "200", "1", "0", "0", "1"]
        for line in output.splitlines()
    ), output


def test_listed_deviation_that_passes_is_reported(deviations: str) -> None:
    """A listed test that passes fails the run: the deviation no longer happens."""
    result = run_suite(SELECTION, {}, "--deviations", deviations)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "deviation no longer fails" in output and REASON in output, output
