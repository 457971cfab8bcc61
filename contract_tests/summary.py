"""The conformance summary: per operation and status code, what the run saw.

Every response the suite judged is an exchange: the operation it answered, its
status code, and the rules it broke. When a test ends, its exchanges count as
passed, failed (the test failed) or deviation (the test failed only in ways the
deviations file lists). The table is printed at the end of every run and, with
`--conformance-summary FILE`, written as JSON (`.json`) or Markdown (`.md`).
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from contract_tests import operations
from contract_tests.violations import violations_in

COLUMNS = ("exercised", "passed", "failed", "deviation")


@dataclass
class Exchange:
    """One judged response: its test, operation, status code and broken rules."""

    nodeid: str
    operation: str
    status: int
    rules: set[str] = field(default_factory=set)


@dataclass
class Row:
    """The tallies of one operation and status code."""

    operation: str
    status: str
    counts: Counter[str] = field(default_factory=Counter)
    rules: set[str] = field(default_factory=set)

    def json(self) -> dict[str, Any]:
        """Return the row as a JSON object."""
        tallies = {column: self.counts[column] for column in COLUMNS}
        return {
            "operation": self.operation,
            "status": self.status,
            **tallies,
            "rules": sorted(self.rules),
        }


class Ledger:
    """Every exchange of the run, and how each test ended."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self.outcomes: dict[str, str] = {}
        self.nodeid = ""

    def record(self, operation: str, status: int, rules: set[str]) -> Exchange:
        """Add an exchange of the test that is running."""
        exchange = Exchange(self.nodeid, operation, status, set(rules))
        self.exchanges.append(exchange)
        return exchange

    def broken(
        self, nodeid: str, operation: str, status: int | None, rule: str
    ) -> None:
        """Mark the test's last exchange of that operation and status as broken."""
        for exchange in reversed(self.exchanges):
            same = (exchange.operation, exchange.status) == (operation, status)
            if exchange.nodeid == nodeid and (same or status is None):
                exchange.rules.add(rule)
                return

        self.exchanges.append(Exchange(nodeid, operation, status or 0, {rule}))

    def rules_of(self, nodeid: str) -> list[tuple[str, str]]:
        """Return the (operation, rule) pairs a test broke."""
        return sorted(
            {
                (e.operation, rule)
                for e in self.exchanges
                if e.nodeid == nodeid
                for rule in e.rules
            }
        )

    def rows(self) -> list[Row]:
        """Return the tallies, documented status codes first, in contract order."""
        table = {(op, status): Row(op, status) for op, status in _documented()}
        for exchange in self.exchanges:
            key = (exchange.operation, str(exchange.status))
            row = table.setdefault(key, Row(*key))
            row.counts["exercised"] += 1
            row.counts[self._verdict(exchange)] += 1
            row.rules |= exchange.rules

        return sorted(table.values(), key=lambda row: (row.operation, row.status))

    def _verdict(self, exchange: Exchange) -> str:
        outcome = self.outcomes.get(exchange.nodeid, "passed")
        if exchange.rules and outcome == "deviation":
            return "deviation"

        return "failed" if exchange.rules else "passed"


def _documented() -> list[tuple[str, str]]:
    return [
        (spec["operationId"], str(status))
        for item in operations.load_spec()["paths"].values()
        for spec in item.values()
        if isinstance(spec, dict) and "operationId" in spec
        for status in spec["responses"]
    ]


def render(rows: list[Row]) -> list[str]:
    """Return the table as aligned text lines."""
    header = ("operation", "status", *COLUMNS, "broken rules")
    cells = [header] + [
        (
            r.operation,
            r.status,
            *(str(r.counts[c]) for c in COLUMNS),
            ", ".join(sorted(r.rules)),
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header) - 1)]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        + "  "
        + row[-1]
        for row in cells
    ]


def markdown(rows: list[Row]) -> str:
    """Return the table as a Markdown document."""
    header = ("operation", "status", *COLUMNS, "broken rules")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = (
            row.operation,
            row.status,
            *(str(row.counts[c]) for c in COLUMNS),
            ", ".join(sorted(row.rules)),
        )
        lines.append("| " + " | ".join(cells) + " |")

    return "# Conformance summary\n\n" + "\n".join(lines) + "\n"


class SummaryPlugin:
    """Prints the conformance summary at the end of a run, and writes it if asked."""

    def __init__(self, ledger: Ledger, path: str | None) -> None:
        self.ledger = ledger
        self.path = Path(path) if path else None

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """Attribute the exchanges that follow to this test."""
        self.ledger.nodeid = item.nodeid

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> None:
        """Mark the exchanges a failed scenario test names in its violations."""
        for violation in violations_in(call.excinfo.value if call.excinfo else None):
            self.ledger.broken(
                item.nodeid, violation.operation, violation.status, violation.rule
            )

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Remember how each test ended, once its outcome is final."""
        if report.failed:
            self.ledger.outcomes[report.nodeid] = "failed"
        elif hasattr(report, "wasxfail") and report.skipped:
            self.ledger.outcomes.setdefault(report.nodeid, "deviation")

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """Print the table, and write it to the requested file."""
        rows = self.ledger.rows()
        terminalreporter.write_sep("=", "conformance summary")
        for line in render(rows):
            terminalreporter.write_line(line)

        if self.path is not None:
            write(rows, self.path)
            terminalreporter.write_line(f"conformance summary written to {self.path}")


def write(rows: list[Row], path: Path) -> None:
    """Write the table as Markdown (a `.md` path) or else as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".md":
        path.write_text(markdown(rows), encoding="utf-8")
    else:
        document = json.dumps([row.json() for row in rows], indent=2)
        path.write_text(document + "\n", encoding="utf-8")


# One ledger per process: Schemathesis's hooks and the pytest plugins share it.
LEDGER = Ledger()
