"""A pytest plugin that breaks the embedded mock on purpose, for the breakage tests.

`tests/test_contract_suite_catches_breakage.py` runs parts of the contract suite
with `-p tests.contract_faults` and a JSON document in `CONTRACT_FAULTS`: faults to
inject and timings to set, through the mock's control API, before any test runs.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from contract_tests.target import Target

ROOT = Path(__file__).resolve().parent.parent
RUN_TIMEOUT = 120


def run_suite(
    selection: list[str], faults: dict[str, Any], *extra: str
) -> subprocess.CompletedProcess[str]:
    """Run part of the contract suite against the embedded mock, faults injected."""
    environment = {**os.environ, "CONTRACT_FAULTS": json.dumps(faults)}
    for name in ("DAJET_BASE_URL", "DAJET_DEVIATIONS", "DAJET_READ_ONLY"):
        environment.pop(name, None)

    plugins = ["-p", "tests.contract_faults", "-p", "no:cacheprovider"]
    command = [sys.executable, "-m", "pytest", *plugins, "-q", *selection, *extra]
    return subprocess.run(
        command,
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )


@pytest.fixture(scope="session", autouse=True)
def broken_mock(target: Target) -> None:
    """Inject the faults and timings that `CONTRACT_FAULTS` describes."""
    assert target.mock is not None, "faults need the embedded mock"
    document: dict[str, Any] = json.loads(os.environ["CONTRACT_FAULTS"])
    for fault in document.get("faults", []):
        target.mock.add_fault(fault)

    if "timings" in document:
        target.mock.set_timings(**document["timings"])
