"""Fuzz the running mock with Schemathesis's own command line; fail on any failure.

Starts the mock as a user does, on a free loopback port, runs `schemathesis run`
with every phase and every check (four of them in the refined forms that
fuzz/hooks.py gives, with the reasons), stops the mock, and exits with
Schemathesis's status. Extra arguments go to `schemathesis run`, for example
`tox -e fuzz -- --max-examples 1000`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench.processes import free_port, mock_command, serving
from contract_tests import checks

ROOT = Path(__file__).resolve().parent.parent
PHASES = "examples,coverage,fuzzing,stateful"
# Replaced by the refined forms registered in fuzz/hooks.py; contract_tests/checks.py
# says why.
REFINED = tuple(check.__name__ for check in checks.REPLACED)


def schemathesis_command(url: str, extra: list[str]) -> list[str]:
    """Return the `schemathesis run` command line for the mock at ``url``."""
    executable = Path(sys.executable).with_name("schemathesis")
    return [
        str(executable),
        "--config-file",
        str(ROOT / "fuzz" / "schemathesis.toml"),
        "run",
        str(ROOT / "openapi.yaml"),
        "--url",
        url,
        "--checks",
        "all",
        "--exclude-checks",
        ",".join(REFINED),
        "--phases",
        PHASES,
        *extra,
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the fuzzing; return Schemathesis's exit status."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = schemathesis_command(url, sys.argv[1:] if argv is None else argv)
    environment = {**os.environ, "SCHEMATHESIS_HOOKS": "fuzz.hooks"}
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), environment.get("PYTHONPATH")])
    )
    mock = mock_command(port, "--log-level", "warning")
    with serving(mock, f"{url}/flow/monitor"):
        print(" ".join(command), flush=True)
        return subprocess.run(
            command, cwd=ROOT, env=environment, check=False
        ).returncode


if __name__ == "__main__":
    sys.exit(main())
