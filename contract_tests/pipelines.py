"""Harmless pipelines, and the tracker that deletes every pipeline a test created.

A harmless pipeline has Manual activation (nothing starts it but the suite), runs
only the script a stock DaJet ships (`code/say-hello.djs`, which only greets), and
always has its pipeline-level options: DaJet 3.13 builds a pipeline without them
with an empty uuid, and that monitor entry outlives its deletion (real-server.md).
"""

import logging
import re
from typing import Any, Protocol

import httpx

from contract_tests import naming
from contract_tests.target import Target

logger = logging.getLogger(__name__)

MANUAL = 1
IDLE_OR_BROKEN = frozenset({-1, 0})
RUNNING = frozenset({1, 2, 3, 4})
UUID_PATTERN = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def pipeline_options(sleep_timeout: int = 0) -> list[dict[str, str]]:
    """Return the pipeline-level options; `SleepTimeout` 0 runs once."""
    return [
        {"Name": "SleepTimeout", "Type": "System.Int32", "Value": str(sleep_timeout)},
        {"Name": "ShowStackTrace", "Type": "System.Boolean", "Value": "false"},
    ]


def say_hello_handlers() -> list[dict[str, Any]]:
    """Return the one handler of a harmless pipeline: the stock greeting script."""
    script = {"Name": "Script", "Type": "System.String", "Value": "code/say-hello.djs"}
    return [{"Name": "DaJet.Flow.Script.Runner", "Options": [script]}]


def harmless(label: str, sleep_timeout: int = 0) -> dict[str, Any]:
    """Return the body of a new harmless pipeline with a name of this run."""
    return {
        "Name": naming.pipeline_name(label),
        "Activation": MANUAL,
        "Options": pipeline_options(sleep_timeout),
        "Handlers": say_hello_handlers(),
    }


class Answer(Protocol):
    """An HTTP answer as httpx and Schemathesis both give it."""

    status_code: int

    def json(self) -> Any:
        """Return the body read as JSON."""
        ...


def created_uuid(response: Answer) -> str | None:
    """Return the uuid a `POST /flow` answer created, or None if it created none."""
    if response.status_code != 201:
        return None

    try:
        body = response.json()
    except ValueError:
        return None

    return body if isinstance(body, str) and UUID_PATTERN.fullmatch(body) else None


class Tracker:
    """The pipelines one test created, deleted when the test ends."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.uuids: list[str] = []
        self.names: list[str] = []

    def expect_name(self, name: object) -> None:
        """Remember a name about to be sent, in case its uuid never comes back."""
        if naming.is_suite_name(name):
            self.names.append(str(name))

    def add(self, uuid: str) -> None:
        """Remember a pipeline the server created."""
        if uuid.lower() not in self.uuids:
            self.uuids.append(uuid.lower())

    def watch(self, response: Answer, name: object = None) -> None:
        """Remember what a `POST /flow` answer created, for a body of that name.

        A 4xx means the server refused the body and, by the contract, stored
        nothing; the name is no longer looked for at cleanup. Any other answer
        without a uuid (a 5xx of DaJet 3.13) may have stored it, so it still is.
        """
        uuid = created_uuid(response)
        if uuid is not None:
            self.add(uuid)

        refused = 400 <= response.status_code < 500
        if (uuid is not None or refused) and name in self.names:
            self.names.remove(str(name))

    def clean(self) -> None:
        """Stop and delete every pipeline this test created, then forget them."""
        self._find_stored_by_name()
        for uuid in self.uuids:
            remove(self.target, uuid)

        self.uuids.clear()
        self.names.clear()

    def _find_stored_by_name(self) -> None:
        # DaJet 3.13 answers 500 after storing some pipelines (a non-ASCII name,
        # null options); their uuid comes back only through the monitor, after the
        # next activation pass.
        missing = set(self.names) - set(self._names_of_known())
        if not missing:
            return

        for entry in monitor_after_a_pass(self.target):
            if entry.get("Name") in missing:
                self.add(str(entry["Uuid"]))

    def _names_of_known(self) -> list[str]:
        names = []
        for uuid in self.uuids:
            record = self.target.request("GET", f"/flow/{uuid}", record=False)
            body = record.json() if record.status_code == 200 else None
            names.append(body.get("Name") if isinstance(body, dict) else None)

        return [name for name in names if name is not None]


def monitor(target: Target) -> list[dict[str, Any]]:
    """Return the monitor entries, unrecorded; an empty list if the answer is odd."""
    response = target.request("GET", "/flow/monitor", record=False)
    try:
        entries = response.json()
    except ValueError:
        return []

    return (
        [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []
    )


def monitor_after_a_pass(target: Target) -> list[dict[str, Any]]:
    """Return the monitor entries once an activation pass has surely happened."""
    target.stays(
        lambda: target.request("GET", "/flow/monitor", record=False),
        lambda _: True,
        "cleanup",
        "",
    )
    return monitor(target)


def remove(target: Target, uuid: str) -> None:
    """Stop a pipeline, wait until it is stopped, and delete it; never raise.

    DaJet 3.13 drops a running pipeline from memory on delete without stopping it,
    and its handlers keep running (real-server.md), so delete comes after dispose.
    """
    try:
        target.request("PUT", f"/flow/dispose/{uuid}", record=False)
        _until_stopped(target, uuid)
        target.request("DELETE", f"/flow/{uuid}", record=False)
    except (httpx.HTTPError, AssertionError) as error:
        logger.warning("could not delete pipeline %s: %s", uuid, error)


def _until_stopped(target: Target, uuid: str) -> None:
    target.eventually(
        lambda: target.request("GET", f"/flow/monitor/{uuid}", record=False),
        lambda response: _state(response) not in RUNNING,
        "cleanup",
        f"pipeline {uuid} stopped",
    )


def _state(response: httpx.Response) -> object:
    try:
        body = response.json()
    except ValueError:
        return None

    return body.get("State") if isinstance(body, dict) else None
