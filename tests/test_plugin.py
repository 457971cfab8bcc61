"""The pytest plugin, used by a test file written the way a consumer writes one."""

CONSUMER_TESTS = """
import httpx
import pytest

DEMO = "9820c413-7ed1-490e-97bd-e449420815c8"
BODY = {
    "Name": "consumer-pipeline",
    "Handlers": [{"Name": "DaJet.Flow.Script.Runner", "Options": [
        {"Name": "Script", "Type": "System.String", "Value": "code/say-hello.djs"}]}],
    "Options": [{"Name": "SleepTimeout", "Type": "System.Int32", "Value": "0"}],
}


def test_create_and_run(dajet_mock):
    created = httpx.post(dajet_mock.url_for("/flow"), json=BODY)
    uuid = created.json()
    assert created.status_code == 201
    httpx.put(f"{dajet_mock.url}/flow/execute/{uuid}")
    dajet_mock.advance(0.5)
    entry = httpx.get(dajet_mock.url_for(f"/flow/monitor/{uuid}")).json()
    assert entry["State"] == 2


def test_state_is_fresh_for_each_test(dajet_mock):
    names = [e["Name"] for e in httpx.get(dajet_mock.url_for("/flow/monitor")).json()]
    assert "consumer-pipeline" not in names


def test_force_and_faults(dajet_mock):
    dajet_mock.force(DEMO, 4, "asleep")
    entry = httpx.get(dajet_mock.url_for(f"/flow/monitor/{DEMO}")).json()
    assert (entry["State"], entry["Status"]) == (4, "asleep")
    dajet_mock.inject(method="PUT", path="/flow/execute/*", status=503, times=1)
    assert httpx.put(dajet_mock.url_for(f"/flow/execute/{DEMO}")).status_code == 503
    assert httpx.put(dajet_mock.url_for(f"/flow/execute/{DEMO}")).status_code == 200
    statuses = [entry["status"] for entry in dajet_mock.journal()]
    assert statuses[-2:] == [503, 200]


def test_seed_and_store(dajet_mock):
    dajet_mock.seed({"Pipelines": []})
    assert httpx.get(dajet_mock.url_for("/flow/monitor")).json() == []
    assert dajet_mock.store.monitor() == []


def test_server_errors_fail_the_test(dajet_mock, monkeypatch):
    from dajet_mock import http

    monkeypatch.setitem(http.OPERATIONS, "getHandlers", lambda store, call: 1 / 0)
    assert httpx.get(dajet_mock.url_for("/flow/handlers")).status_code == 500
"""


def test_consumer_test_file_runs_with_the_fixture(pytester):
    pytester.makepyfile(test_consumer=CONSUMER_TESTS)
    result = pytester.runpytest("-p", "dajet_mock.plugin", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5, errors=1)
    result.stdout.fnmatch_lines(
        ["*ERROR at teardown of test_server_errors_fail_the_test*"]
    )
    result.stdout.fnmatch_lines(["*ZeroDivisionError*"])


def test_plugin_imports_nothing_of_the_mock_at_load():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent

    code = (
        "import sys, dajet_mock.plugin; "
        "print(sorted(m for m in sys.modules if m.startswith('dajet_mock')))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(root / "mock")},
    ).stdout
    assert output.strip() == "['dajet_mock', 'dajet_mock.plugin']"
