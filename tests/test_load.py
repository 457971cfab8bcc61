"""Many clients at once on a real server: nothing lost, doubled, broken or unjournaled.

32 clients on their own keep-alive connections run 2,000 mixed operations each
against one store, on uvicorn over loopback, with the lifecycle on the system
clock. The test counts requests and time; it asserts behaviour only.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field
from uuid import UUID

import pytest
from conftest import pipeline_body
from rawhttp import Answer, Connection
from servers import uvicorn_thread

from dajet_mock.factory import create_app
from dajet_mock.model import State
from dajet_mock.seed import Seed

CLIENTS = 32
OPERATIONS = 2_000
# Generous for 64,000 requests on two cores; the run takes a fraction of it.
DEADLINE = 240.0

# Buildable pipelines with SleepTimeout 0 never sleep and never break: they go
# idle, starting, working, disposing, idle (lifecycle.py).
REACHABLE = {State.IDLE, State.STARTING, State.WORKING, State.DISPOSING}

# Weights of the mix; creates and deletes balance, so the monitor stays small.
MIX = {
    "create": 15,
    "execute": 20,
    "dispose": 10,
    "delete": 13,
    "monitor": 2,
    "entry": 25,
    "record": 15,
}


@dataclass
class Tally:
    """What all clients saw: pipelines created and deleted, answers by request."""

    created: list[str] = field(default_factory=list)
    deleted: set[str] = field(default_factory=set)
    answers: Counter[tuple[str, str, int]] = field(default_factory=Counter)
    unreachable: list[dict[str, object]] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)

    def note(self, method: str, kind: str, answer: Answer) -> None:
        self.answers[(method, kind, answer.status)] += 1
        if answer.status >= 500:
            self.server_errors.append(f"{method} {kind} {answer.status}")

    def check_entry(self, entry: dict[str, object]) -> None:
        if State(entry["State"]) not in REACHABLE:
            self.unreachable.append(entry)


class Client:
    """One client: its connection, its own pipelines, a seeded choice of steps."""

    def __init__(self, index: int, connection: Connection, tally: Tally) -> None:
        self.index = index
        self.connection = connection
        self.tally = tally
        self.random = random.Random(index)
        self.mine: list[str] = []
        self.steps = 0

    async def run(self) -> None:
        kinds, weights = list(MIX), list(MIX.values())
        for self.steps in range(OPERATIONS):
            kind = self.random.choices(kinds, weights)[0]
            await getattr(self, kind)()

    def _anyone(self) -> str:
        return self.random.choice(self.tally.created or [str(UUID(int=0))])

    async def _call(self, method: str, kind: str, path: str, body=None) -> Answer:
        answer = await self.connection.request(method, path, body)
        self.tally.note(method, kind, answer)
        return answer

    async def create(self) -> None:
        body = pipeline_body(f"load-{self.index}-{self.steps}")
        answer = await self._call("POST", "create", "/flow", body)
        assert answer.status == 201, answer
        self.mine.append(answer.json())
        self.tally.created.append(answer.json())

    async def execute(self) -> None:
        answer = await self._call("PUT", "execute", f"/flow/execute/{self._anyone()}")
        assert answer.status in (200, 404), answer

    async def dispose(self) -> None:
        answer = await self._call("PUT", "dispose", f"/flow/dispose/{self._anyone()}")
        assert answer.status in (200, 404), answer

    async def delete(self) -> None:
        if not self.mine:
            return await self.create()

        uuid = self.mine.pop(self.random.randrange(len(self.mine)))
        answer = await self._call("DELETE", "delete", f"/flow/{uuid}")
        assert answer.status == 200, answer
        self.tally.deleted.add(uuid)

    async def monitor(self) -> None:
        answer = await self._call("GET", "monitor", "/flow/monitor")
        entries = answer.json()
        assert len({entry["Uuid"] for entry in entries}) == len(entries)
        for entry in entries:
            self.tally.check_entry(entry)

    async def entry(self) -> None:
        answer = await self._call("GET", "entry", f"/flow/monitor/{self._anyone()}")
        assert answer.status == 200, answer
        self.tally.check_entry(answer.json())

    async def record(self) -> None:
        answer = await self._call("GET", "record", f"/flow/{self._anyone()}")
        assert answer.status == 200, answer


async def _run_clients(base_url: str) -> Tally:
    tally = Tally()
    connections = [await Connection.open(base_url) for _ in range(CLIENTS)]
    clients = [Client(i, c, tally) for i, c in enumerate(connections)]
    try:
        await asyncio.wait_for(
            asyncio.gather(*(client.run() for client in clients)), DEADLINE
        )
    finally:
        for connection in connections:
            await connection.close()
    return tally


@pytest.fixture(scope="module")
def loaded():
    app = create_app(seed=Seed(), journal_limit=CLIENTS * OPERATIONS * 2)
    with uvicorn_thread(app) as url:
        tally = asyncio.run(_run_clients(url))
    return app.sessions.get(""), tally


def test_load_gets_no_server_error(loaded):
    _, tally = loaded
    assert tally.server_errors == []
    assert sum(tally.answers.values()) == CLIENTS * OPERATIONS


def test_load_loses_and_doubles_no_pipeline(loaded):
    session, tally = loaded
    alive = set(tally.created) - tally.deleted
    stored = [record["Uuid"] for record in session.store.snapshot()["Pipelines"]]
    listed = [str(entry.uuid) for entry in session.store.monitor()]
    assert len(set(tally.created)) == len(tally.created)
    assert sorted(stored) == sorted(alive)
    assert sorted(listed) == sorted(alive)


def test_load_leaves_every_monitor_entry_in_a_reachable_state(loaded):
    session, tally = loaded
    assert tally.unreachable == []
    assert {entry.state for entry in session.store.monitor()} <= REACHABLE


def test_load_store_agrees_with_the_journal(loaded):
    session, tally = loaded
    journal = session.journal.entries()
    posted = [e for e in journal if e.method == "POST" and e.status == 201]
    deleted = {e.path.rsplit("/", 1)[1] for e in journal if e.method == "DELETE"}
    stored = {record["Uuid"] for record in session.store.snapshot()["Pipelines"]}
    assert len(journal) == CLIENTS * OPERATIONS
    assert len(posted) - len(deleted) == len(stored)
    assert deleted == tally.deleted
    assert not deleted & stored
