"""Known deviations of a given server, reported as expected failures.

A deviations file (YAML) lists, for one server, the ways it is known to break the
contract. Each entry names a `test` (the end of a pytest node id, where `*` stands
for any text, such as `TestCreate::test_duplicate_name_is_409`), an `operation`
(an operationId) or a `check` (the rule broken), at least one of them, and the
`reason`. A failing test whose every broken rule matches an entry is reported as
an expected failure with the reasons. A test that an entry names by `test` and
that passes is reported as failed: the deviation no longer happens, and the file
must say so (as pytest's strict xfail does). Entries about generated tests, whose
failing input is found only by chance, set `strict: false`: passing is then no
news.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_tests.summary import Ledger


@dataclass(frozen=True)
class Deviation:
    """One known way in which a server breaks the contract."""

    reason: str
    test: str | None = None
    operation: str | None = None
    check: str | None = None
    strict: bool = True

    def covers(self, nodeid: str, operation: str | None, rule: str | None) -> bool:
        """Tell whether this entry explains a broken rule of a test."""
        return (
            (self.test is None or self.names_test(nodeid))
            and (self.operation is None or self.operation == operation)
            and (self.check is None or self.check == rule)
        )

    def names_test(self, nodeid: str) -> bool:
        """Tell whether this entry promises that a given test fails."""
        if self.test is None:
            return False

        # Only `*` is a wildcard: node ids hold brackets, which a glob would read.
        pattern = ".*".join(re.escape(part) for part in self.test.split("*"))
        return re.search(f"(^|::|/)(?:{pattern})$", nodeid) is not None


def load(path: str | Path) -> list[Deviation]:
    """Read a deviations file; refuse entries that name nothing or lack a reason."""
    with open(path, encoding="utf-8") as stream:
        document = yaml.safe_load(stream) or {}

    entries = [Deviation(**entry) for entry in document.get("deviations", [])]
    for entry in entries:
        if not entry.reason or not (entry.test or entry.operation or entry.check):
            raise ValueError(f"{path}: {entry} needs a reason and something to match")

    return entries


class DeviationsPlugin:
    """Turns failures that a deviations file lists into expected failures."""

    def __init__(self, entries: list[Deviation], ledger: Ledger, source: str) -> None:
        self.entries = entries
        self.ledger = ledger
        self.source = source

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Any:
        """Mark a listed failure as expected, and a listed test that passes as news."""
        report: pytest.TestReport = yield
        if report.when == "call" and report.failed:
            self._explain(report, self._broken(item.nodeid, call))
        elif report.when == "call" and report.passed:
            self._no_longer_fails(report)

        return report

    def _broken(
        self, nodeid: str, call: pytest.CallInfo[None]
    ) -> list[tuple[str | None, str | None]]:
        broken: list[tuple[str | None, str | None]] = list(self.ledger.rules_of(nodeid))
        return broken or [(None, None)]

    def _explain(
        self, report: pytest.TestReport, broken: list[tuple[str | None, str | None]]
    ) -> None:
        reasons = []
        for operation, rule in broken:
            entry = next(
                (e for e in self.entries if e.covers(report.nodeid, operation, rule)),
                None,
            )
            if entry is None:
                return

            reasons.append(entry.reason)

        report.outcome = "skipped"
        report.wasxfail = "known deviation: " + "; ".join(dict.fromkeys(reasons))

    def _no_longer_fails(self, report: pytest.TestReport) -> None:
        for entry in self.entries:
            if entry.strict and entry.names_test(report.nodeid):
                report.outcome = "failed"
                report.longrepr = (
                    f"[XPASS(strict)] deviation no longer fails: {entry.reason}\n"
                    f"Remove it from {self.source}."
                )
                return
