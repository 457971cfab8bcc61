"""Isolation: X-Mock-Session selects a separate store, faults and journal."""

from __future__ import annotations

import threading

import pytest
from conftest import DEMO, default_seed, json_body, pipeline_body

from dajet_mock.clock import ManualClock
from dajet_mock.errors import TooManySessionsError
from dajet_mock.sessions import SessionTable


def headers(session):
    return {"content-type": "application/json", "x-mock-session": session}


def monitor_names(client, session=""):
    response = client.get("/flow/monitor", headers={"x-mock-session": session})
    return {entry["Name"] for entry in json_body(response)}


def test_a_pipeline_created_in_one_session_is_invisible_in_others(client):
    client.post("/flow", pipeline_body("alice-only"), headers=headers("alice"))
    assert "alice-only" in monitor_names(client, "alice")
    assert "alice-only" not in monitor_names(client, "bob")
    assert "alice-only" not in monitor_names(client)


def test_each_session_starts_from_the_seed(client):
    client.delete(f"/flow/{DEMO}", headers={"x-mock-session": "carol"})
    assert "dajet-script-demo" not in monitor_names(client, "carol")
    assert "dajet-script-demo" in monitor_names(client, "dave")


def test_faults_and_journal_belong_to_their_session(client):
    client.post("/__mock/faults", {"status": 503}, headers=headers("erin"))
    assert client.get("/flow/monitor", headers=headers("erin")).status == 503
    assert client.get("/flow/monitor", headers=headers("frank")).status == 200
    journal = json_body(client.get("/__mock/journal", headers=headers("frank")))
    assert [entry["session"] for entry in journal] == ["frank"]


def test_reset_touches_only_its_session(client):
    client.post("/flow", pipeline_body("kept"), headers=headers("gina"))
    client.post("/flow", pipeline_body("dropped"), headers=headers("hank"))
    client.post("/__mock/reset", headers=headers("hank"))
    assert "kept" in monitor_names(client, "gina")
    assert "dropped" not in monitor_names(client, "hank")


@pytest.mark.parametrize(
    "name",
    ["has space", "x" * 65, "semi;colon", "ünïcode"],
    ids=["space", "too-long", "semicolon", "non-ascii"],
)
def test_bad_session_name_is_400_with_a_clear_message(client, name):
    response = client.get("/flow/monitor", headers={"x-mock-session": name})
    assert response.status == 400
    assert "session name" in json_body(response)["detail"]


def test_concurrent_creates_in_many_sessions_lose_nothing(app, client):
    def work(worker):
        for index in range(25):
            body = pipeline_body(f"p-{index}")
            client.post("/flow", body, headers=headers(f"worker-{worker}"))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for worker in range(8):
        created = monitor_names(client, f"worker-{worker}")
        assert {f"p-{index}" for index in range(25)} <= created


def test_concurrent_creates_of_one_name_store_it_once(client, store):
    results = []

    def work():
        results.append(client.post("/flow", pipeline_body("contested")).status)

    threads = [threading.Thread(target=work) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [201] + [409] * 15
    assert [e.name for e in store.monitor()].count("contested") == 1


def table(cap: int = 1000) -> SessionTable:
    return SessionTable(ManualClock(), seed=default_seed(), cap=cap)


def test_a_table_gives_each_name_one_session_from_the_seed():
    sessions = table()
    first = sessions.get("a")

    assert sessions.get("a") is first
    assert sessions.get("b").store is not first.store
    assert {e.name for e in first.store.monitor()} == {
        e.name for e in sessions.get().store.monitor()
    }
    assert sorted(sessions.names()) == ["", "a", "b"]


def test_a_table_refuses_sessions_beyond_its_cap():
    sessions = table(cap=2)
    sessions.get("a")
    sessions.get("b")

    with pytest.raises(TooManySessionsError, match="at most 2"):
        sessions.get("c")
    assert sorted(sessions.names()) == ["a", "b"]


@pytest.mark.parametrize(
    "name", ["a b", "x" * 65, "é", "a/b"], ids=["space", "too-long", "accent", "slash"]
)
def test_a_table_refuses_names_that_are_not_short_tokens(name):
    sessions = table()

    with pytest.raises(ValueError, match="session name"):
        sessions.get(name)
    assert sessions.names() == []
