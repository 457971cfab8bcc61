"""Load generation with wrk, and reading its report."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent / "wrk"

_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
_PERCENTILE = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_ERRORS = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+)")
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class LoadResult:
    """What one wrk run measured: throughput, latency, and failed answers."""

    rate: float
    p50_ms: float
    p99_ms: float
    errors: int


class LoadError(RuntimeError):
    """wrk is missing, or its run did not produce a report."""


def require_wrk() -> str:
    """Return the path of wrk, or explain how to get it."""
    path = shutil.which("wrk")
    if path is None:
        raise LoadError("wrk is not installed: `apt-get install wrk` brings it")
    return path


def run_wrk(
    url: str,
    *,
    seconds: int,
    connections: int,
    threads: int = 2,
    script: str | None = None,
    env: dict[str, str] | None = None,
) -> LoadResult:
    """Load ``url`` with wrk from a separate process and return what it measured."""
    command = [require_wrk(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s"]
    command += ["--latency", "--timeout", "5s"]
    if script is not None:
        command += ["-s", str(SCRIPTS / script)]
    result = subprocess.run(
        [*command, url],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if result.returncode != 0:
        raise LoadError(f"wrk failed: {result.stderr.strip() or result.stdout}")
    return parse_report(result.stdout)


def parse_report(report: str) -> LoadResult:
    """Read requests/s, p50, p99 and the count of failed answers from wrk's report."""
    rate = _RATE.search(report)
    percentiles = {p: float(v) * _UNITS[u] for p, v, u in _PERCENTILE.findall(report)}
    if rate is None or set(percentiles) != {"50", "99"}:
        raise LoadError(f"wrk printed no usable report:\n{report}")
    errors = _ERRORS.search(report)
    sockets = _SOCKET_ERRORS.search(report)
    failed = int(errors.group(1)) if errors else 0
    failed += sum(int(count) for count in sockets.groups()) if sockets else 0
    return LoadResult(
        float(rate.group(1)), percentiles["50"], percentiles["99"], failed
    )
