"""The suite's options, its target, and the fixtures that create and clean up.

Options (each with an environment variable, for tox and CI):

- `--base-url URL` (`DAJET_BASE_URL`): a live DaJet; without it, the embedded mock.
- `--read-only` (`DAJET_READ_ONLY=1`): send only GET, HEAD and OPTIONS.
- `--deviations FILE` (`DAJET_DEVIATIONS`): known deviations of the target.
- `--timeout SECONDS` (`DAJET_TIMEOUT`): how long to poll for an eventual state.
- `--conformance-summary FILE`: also write the summary as JSON or Markdown.
"""

import argparse
import logging
import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from _pytest.nodeid import coerce_node_id

from contract_tests import embedded, naming, operations, pipelines, summary
from contract_tests.deviations import DeviationsPlugin, load
from contract_tests.pipelines import Tracker
from contract_tests.summary import SummaryPlugin
from contract_tests.target import DEFAULT_TIMEOUT, MockControl, Target

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the suite's options."""
    group = parser.getgroup("contract", "DaJet flow API contract suite")
    group.addoption("--base-url", default=os.environ.get("DAJET_BASE_URL"))
    group.addoption(
        "--read-only",
        action="store_true",
        default=os.environ.get("DAJET_READ_ONLY", "") not in {"", "0"},
    )
    group.addoption("--deviations", default=os.environ.get("DAJET_DEVIATIONS"))
    group.addoption(
        "--timeout",
        type=float,
        default=float(os.environ.get("DAJET_TIMEOUT", DEFAULT_TIMEOUT)),
    )
    group.addoption("--conformance-summary", default=None)
    group.addoption(
        "--max-body",
        type=_byte_count,
        # argparse reads a string default, from the environment, with `type`.
        default=os.environ.get("DAJET_MAX_BODY"),
        help="the server's request body limit in bytes (Kestrel's: 30000000)",
    )


def _byte_count(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"not a number of bytes: {text!r}")
    return int(text)


def pytest_configure(config: pytest.Config) -> None:
    """Register the summary, the deviations and the suite's marker."""
    config.addinivalue_line(
        "markers", "changes_state: the test creates, starts, stops or deletes"
    )
    path = config.getoption("--conformance-summary")
    config.pluginmanager.register(SummaryPlugin(summary.LEDGER, path), "summary")
    source = config.getoption("--deviations")
    if source:
        plugin = DeviationsPlugin(load(source), summary.LEDGER, source)
        config.pluginmanager.register(plugin, "deviations")


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say what the run targets and how its pipelines are named."""
    url = config.getoption("--base-url") or "the embedded mock"
    mode = "read-only" if config.getoption("--read-only") else "read-write"
    return [f"contract target: {url} ({mode}), names {naming.run_prefix()}*"]


def pytest_itemcollected(item: pytest.Item) -> None:
    """Give each generated test a node id that names its operation.

    Schemathesis 4.32 with pytest 9 gives every operation's test the same node id
    (`test_generated.py::test_operation`); the deviations file, the summary and
    JUnit XML tell tests apart by node id, so it must carry the operation.
    """
    # pytest keeps the id in a private attribute; no public API sets it.
    if getattr(item, "operation_label", None) and not item.nodeid.endswith("]"):
        nodeid = f"{item.parent.nodeid}::{item.name}" if item.parent else item.name
        item._id = coerce_node_id(nodeid)


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """In a read-only run, skip every test that would change the server."""
    if not config.getoption("--read-only"):
        return

    skip = pytest.mark.skip(reason="read-only run: this test changes the server")
    for item in items:
        method = item.name.partition("[")[2].split(" ")[0]
        changes = (
            method and method not in SAFE_METHODS and "test_operation" in item.name
        )
        if changes or item.get_closest_marker("changes_state"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def target(pytestconfig: pytest.Config) -> Iterator[Target]:
    """The server under test, for the whole run; leftovers swept at its end."""
    base_url = pytestconfig.getoption("--base-url")
    with _stopping_on_sigterm(), _served(base_url) as (url, is_mock):
        client = httpx.Client(base_url=url, timeout=30.0)
        server = Target(
            url,
            client,
            MockControl(client) if is_mock else None,
            pytestconfig.getoption("--timeout"),
            pytestconfig.getoption("--read-only"),
            pytestconfig.getoption("--max-body")
            or (embedded.body_limit() if is_mock else None),
        )
        if server.mock is not None:
            server.mock.set_timings(activation_delay=embedded.ACTIVATION_DELAY)

        server.on_exchange.append(_record)
        try:
            yield server
        finally:
            _sweep(server)
            client.close()


def _record(response: httpx.Response) -> None:
    request = response.request
    operation = operations.describe(request.method, request.url.path)
    summary.LEDGER.record(operation, response.status_code, set())


@contextmanager
def _served(base_url: str | None) -> Iterator[tuple[str, bool]]:
    if base_url:
        yield base_url.rstrip("/"), False
        return

    with embedded.running_mock() as url:
        yield url, True


@contextmanager
def _stopping_on_sigterm() -> Iterator[None]:
    # A cancelled CI job gets SIGTERM; as KeyboardInterrupt it lets pytest run
    # every fixture's teardown, so the pipelines created so far are deleted.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _sweep(target: Target) -> None:
    if target.read_only:
        return

    prefix = naming.run_prefix()
    for entry in pipelines.monitor(target):
        if naming.is_suite_name(entry.get("Name"), prefix):
            logger.warning("removing leftover pipeline %s", entry.get("Name"))
            pipelines.remove(target, str(entry["Uuid"]))


@pytest.fixture
def tracker(target: Target) -> Iterator[Tracker]:
    """The pipelines this test creates; all deleted when it ends, pass or fail."""
    created = Tracker(target)
    try:
        yield created
    finally:
        created.clean()


@pytest.fixture
def create(
    target: Target, tracker: Tracker
) -> Callable[..., tuple[httpx.Response, str | None]]:
    """Send `POST /flow` with a body; return the answer and the new uuid, tracked."""

    def send(body: Any, **kwargs: Any) -> tuple[httpx.Response, str | None]:
        name = body.get("Name") if isinstance(body, dict) else None
        tracker.expect_name(name)

        if "content" not in kwargs:
            kwargs["json"] = body

        response = target.request("POST", "/flow", **kwargs)
        tracker.watch(response, name)
        return response, pipelines.created_uuid(response)

    return send
