"""Benchmarks of the mock server: throughput, latency, start-up, memory, suite time.

Starts the standalone mock as a user does (``python -m dajet_mock``), loads it with
wrk from a separate process over loopback, and prints each figure beside the same
figure for a fixed-body app on the same server stack (the ceiling) and beside the
project's goal. Run it with ``tox -e bench`` or ``python -m bench.run``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.load import LoadError, LoadResult, require_wrk, run_wrk
from bench.processes import (
    ROOT,
    ceiling_command,
    cold_start,
    free_port,
    mock_command,
    resident_bytes,
    serving,
)

SCRIPT_RUNNER = {
    "Name": "DaJet.Flow.Script.Runner",
    "Options": [
        {"Name": "Script", "Type": "System.String", "Value": "code/say-hello.djs"}
    ],
}
QUIET = ("--log-level", "warning")
PRISM = "@stoplight/prism-cli@5.16.0"
FIRST_UUID = "00000000-0000-4000-8000-000000000000"


@dataclass(frozen=True)
class Goals:
    """The figures the mock is held to on a 2-core machine (see the README)."""

    ceiling_ratio: float = 0.5
    rate: float = 15_000.0
    p99_ms: float = 5.0
    cold_start_s: float = 0.4
    bytes_per_pipeline: float = 1024.0
    suite_s: float = 120.0


def seed_pipelines(count: int, queues: bool = False) -> list[dict[str, Any]]:
    """Return ``count`` idle Manual pipelines with distinct names, seed-shaped.

    They are alike but for their names and uuids; with ``queues``, each also
    reads a RabbitMQ queue of its own, so that no two share their handlers.
    """
    return [
        {
            "Uuid": f"00000000-0000-4000-8000-{index:012x}",
            "Name": f"bench-{index:06d}",
            "Activation": 1,
            "Options": [{"Name": "SleepTimeout", "Type": "System.Int32", "Value": "0"}],
            "Handlers": [rabbitmq_consumer(index), SCRIPT_RUNNER]
            if queues
            else [SCRIPT_RUNNER],
        }
        for index in range(count)
    ]


def rabbitmq_consumer(index: int) -> dict[str, Any]:
    """Return a RabbitMQ consumer handler that reads the queue numbered ``index``."""
    options = {
        "HostName": "localhost",
        "VirtualHost": "/",
        "UserName": "guest",
        "QueueName": f"dajet-queue-{index:06d}",
    }
    return {
        "Name": "DaJet.Flow.RabbitMQ.Consumer",
        "Options": [
            {"Name": name, "Type": "System.String", "Value": value}
            for name, value in options.items()
        ],
    }


def write_seed(folder: Path, count: int, queues: bool = False) -> Path:
    """Write a seed file of ``count`` pipelines into ``folder``; return its path."""
    path = folder / f"seed-{count}{'-queues' if queues else ''}.json"
    document = {"Pipelines": seed_pipelines(count, queues)}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def report(label: str, result: LoadResult, ceiling: LoadResult | None) -> None:
    """Print one load's figures, and its rate as a fraction of the ceiling's."""
    ratio = f"{result.rate / ceiling.rate:6.2f}" if ceiling else "     -"
    print(
        f"  {label:<34} {result.rate:>9,.0f} req/s  p50 {result.p50_ms:6.2f} ms"
        f"  p99 {result.p99_ms:6.2f} ms  x ceiling {ratio}  failed {result.errors}",
        flush=True,
    )


def verdict(label: str, passed: bool, figure: str) -> None:
    """Print whether one goal was met, with the figure it was judged on."""
    print(f"  [{'met' if passed else 'MISSED'}] {label}: {figure}", flush=True)


class Bench:
    """One benchmark run: its settings, scratch folder and ceiling."""

    def __init__(self, options: argparse.Namespace, folder: Path) -> None:
        self.options = options
        self.folder = folder
        self.goals = Goals()
        self.ceiling: LoadResult | None = None

    def load(self, url: str, script: str | None = None, **env: str) -> LoadResult:
        """Run wrk ``runs`` times against ``url``; keep the run of median rate.

        Each run gets its own `BENCH_RUN`, so that the names a script makes up
        never repeat from one run to the next.
        """
        results = [
            run_wrk(
                url,
                seconds=self.options.seconds,
                connections=self.options.connections,
                script=script,
                env={**env, "BENCH_RUN": f"{time.time_ns():x}"},
            )
            for _ in range(self.options.runs)
        ]
        return sorted(results, key=lambda result: result.rate)[len(results) // 2]

    def measure_ceiling(self) -> None:
        port = free_port()
        url = f"http://127.0.0.1:{port}/flow/monitor/x"
        with serving(ceiling_command(port), url):
            self.ceiling = self.load(url)
        report("fixed body (the ceiling)", self.ceiling, self.ceiling)

    @contextlib.contextmanager
    def mock(self, count: int, *options: str, log: Path | None = None) -> Iterator[str]:
        """Serve a mock seeded with ``count`` pipelines; yield its base URL."""
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        seed = write_seed(self.folder, count)
        command = mock_command(port, "--seed", str(seed), *options)
        with serving(command, base + "/flow/monitor", log):
            yield base

    def measure_monitor(self) -> dict[int, LoadResult]:
        results = {}
        for count in (10, 1_000, 10_000):
            with self.mock(count, *QUIET) as base:
                results[count] = self.load(base + "/flow/monitor")
            report(
                f"GET /flow/monitor, {count:,} pipelines", results[count], self.ceiling
            )

        return results

    def measure_operations(self) -> dict[str, LoadResult]:
        with self.mock(1_000, *QUIET) as base:
            results = self._by_uuid(base, "")
            results["POST /flow"] = self.load(base, "create.lua")
        for label, result in results.items():
            report(label, result, self.ceiling)

        return results

    def measure_logged(self) -> dict[str, LoadResult]:
        """The two hottest operations again, with the access log on, into a file."""
        log = self.folder / "access.log"
        with self.mock(1_000, "--log-level", "info", log=log) as base:
            results = self._by_uuid(base, ", log on")
        for label, result in results.items():
            report(label, result, self.ceiling)

        return results

    def _by_uuid(self, base: str, label: str) -> dict[str, LoadResult]:
        # The mock holds the pipelines of seed_pipelines(1_000).
        uuids = self.folder / "uuids.txt"
        uuids.write_text("\n".join(p["Uuid"] for p in seed_pipelines(1_000)))
        one = f"{base}/flow/monitor/{FIRST_UUID}"
        return {
            f"GET /flow/monitor/{{uuid}}{label}": self.load(one),
            f"PUT /flow/execute/{{uuid}}{label}": self.load(
                base, "execute.lua", BENCH_UUIDS=str(uuids)
            ),
        }

    def measure_cold_start(self) -> float:
        samples = []
        for _ in range(5):
            port = free_port()
            probe = f"http://127.0.0.1:{port}/flow/monitor"
            samples.append(cold_start(mock_command(port, *QUIET), probe))

        median = statistics.median(samples)
        print(f"  cold start to first answer, median of 5: {median:.3f} s", flush=True)
        return median

    def measure_memory(self) -> tuple[float, float]:
        """Resident memory per pipeline: at start, then with the monitor cached.

        The start-up probe asks for the handler catalogue, which does not depend
        on the pipelines; one `GET /flow/monitor` then adds its cached body.
        Returns the larger figure of each kind for the alike pipelines the goal
        is set for. Pipelines that each read a queue of their own, through a
        second handler of four options, are measured for reference: they
        share less.
        """
        baseline, _ = self._resident("--seed", "none")
        at_start, cached = 0.0, 0.0
        for count, queues in ((10_000, False), (100_000, False), (100_000, True)):
            seed = write_seed(self.folder, count, queues)
            started, monitored = self._resident("--seed", str(seed))
            if not queues:
                at_start = max(at_start, (started - baseline) / count)
                cached = max(cached, (monitored - baseline) / count)
            kind = "pipelines with a queue each" if queues else "pipelines"
            print(
                f"  resident memory, {count:,} {kind}: "
                f"{(started - baseline) / 2**20:.1f} MiB above an empty mock, "
                f"{(started - baseline) / count:.0f} bytes per pipeline; "
                f"{(monitored - baseline) / count:.0f} with the monitor cached",
                flush=True,
            )

        return at_start, cached

    def _resident(self, *options: str) -> tuple[int, int]:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = mock_command(port, *options, *QUIET)
        with serving(command, base + "/flow/handlers") as process:
            started = resident_bytes(process.pid)
            with urllib.request.urlopen(base + "/flow/monitor", timeout=60) as answer:
                answer.read()
            return started, resident_bytes(process.pid)

    def measure_suite(self) -> float | None:
        root = self.options.suite_root
        if not (root / "contract_tests").is_dir():
            print(f"  contract suite: skipped, {root} has no contract_tests/")
            return None

        command = [sys.executable, "-m", "pytest", "contract_tests", "-q"]
        command += ["-p", "no:cacheprovider"]
        started = time.perf_counter()
        result = subprocess.run(command, cwd=root, capture_output=True, check=False)
        elapsed = time.perf_counter() - started
        outcome = (
            "passed" if result.returncode == 0 else f"FAILED ({result.returncode})"
        )
        print(f"  contract suite on the embedded mock: {elapsed:.1f} s, {outcome}")
        return elapsed if result.returncode == 0 else float("inf")

    def measure_prism(self) -> LoadResult | None:
        npx = shutil.which("npx")
        if npx is None:
            print("  Prism: skipped, npx is not installed")
            return None
        port = free_port()
        command = [npx, "--yes", PRISM, "mock", "-h", "127.0.0.1", "-p", str(port)]
        command.append(str(ROOT / "openapi.yaml"))
        probe = f"http://127.0.0.1:{port}/flow/monitor"
        with serving(command, probe):
            pass
        started = cold_start(command, probe)
        with serving(command, probe):
            result = self.load(f"http://127.0.0.1:{port}/flow/monitor/{FIRST_UUID}")
        report(
            f"Prism {PRISM.rsplit('@', 1)[1]}, GET /flow/monitor/{{uuid}}", result, None
        )
        print(f"  Prism cold start to first answer: {started:.3f} s", flush=True)
        return result


def judge(bench: Bench, figures: dict[str, Any]) -> bool:
    """Print each goal with its measured figure; return whether all were met."""
    goals, ceiling = bench.goals, bench.ceiling
    assert ceiling is not None
    passed = []
    labels = ("GET /flow/monitor/{uuid}", "PUT /flow/execute/{uuid}")
    for label in [*labels, *(f"{label}, log on" for label in labels)]:
        result = figures[label]
        ratio = result.rate / ceiling.rate
        passed.append(ratio >= goals.ceiling_ratio)
        verdict(f"{label} at half the ceiling", passed[-1], f"{ratio:.2f} x ceiling")
        passed.append(result.rate >= goals.rate and result.p99_ms < goals.p99_ms)
        verdict(
            f"{label} at {goals.rate:,.0f} req/s, p99 under {goals.p99_ms} ms",
            passed[-1],
            f"{result.rate:,.0f} req/s, p99 {result.p99_ms:.2f} ms",
        )
    passed.append(
        all(r.errors == 0 for r in figures.values() if isinstance(r, LoadResult))
    )
    verdict("no failed answer under load", passed[-1], "see the failed column")
    monitor = figures["monitor"]
    per_1k = (1 / monitor[1_000].rate - 1 / monitor[10].rate) / 990
    per_10k = (1 / monitor[10_000].rate - 1 / monitor[10].rate) / 9_990
    passed.append(0.5 <= per_10k / per_1k <= 2.0)
    verdict(
        "monitor cost linear in the pipelines",
        passed[-1],
        f"{per_1k * 1e6:.2f} us per pipeline at 1,000, {per_10k * 1e6:.2f} at 10,000",
    )
    passed.append(figures["cold start"] < goals.cold_start_s)
    verdict("cold start", passed[-1], f"{figures['cold start']:.3f} s")
    for state, per_pipeline in zip(
        ("at start", "with the monitor cached"), figures["memory"], strict=True
    ):
        passed.append(per_pipeline < goals.bytes_per_pipeline)
        verdict(
            f"memory per pipeline, {state}", passed[-1], f"{per_pipeline:.0f} bytes"
        )
    if "suite" in figures:
        passed.append(figures["suite"] < goals.suite_s)
        verdict(
            "contract suite under two minutes", passed[-1], f"{figures['suite']:.1f} s"
        )

    return all(passed)


def parse_options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="length of one load")
    parser.add_argument("--runs", type=int, default=3, help="loads per figure (median)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--no-suite", action="store_true", help="skip the suite's time")
    parser.add_argument("--prism", action="store_true", help="also measure Prism")
    parser.add_argument(
        "--suite-root",
        type=Path,
        default=ROOT,
        help="the checkout whose contract_tests/ is timed (this one)",
    )
    options = parser.parse_args(argv)
    if options.seconds <= 0 or options.runs < 1 or options.connections < 1:
        parser.error("--seconds, --runs and --connections must be positive")
    return options


def main(argv: list[str] | None = None) -> int:
    """Run every benchmark, print the figures and goals; 1 if a goal was missed."""
    options = parse_options(argv)
    try:
        require_wrk()
    except LoadError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="dajet-bench-") as folder:
        bench = Bench(options, Path(folder))
        print(
            f"Load: wrk, 2 threads, {options.connections} connections, "
            f"{options.seconds:g} s per load, median of {options.runs}",
            flush=True,
        )
        bench.measure_ceiling()
        figures: dict[str, Any] = dict(bench.measure_operations())
        figures.update(bench.measure_logged())
        figures["monitor"] = bench.measure_monitor()
        figures["cold start"] = bench.measure_cold_start()
        figures["memory"] = bench.measure_memory()
        if options.prism:
            bench.measure_prism()
        if not options.no_suite and (suite := bench.measure_suite()) is not None:
            figures["suite"] = suite
        print("Goals:")
        return 0 if judge(bench, figures) else 1


if __name__ == "__main__":
    sys.exit(main())
