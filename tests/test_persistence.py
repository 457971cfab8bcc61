import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dajet_mock.clock import ManualClock
from dajet_mock.lifecycle import Timings
from dajet_mock.model import State, pipeline_from_json
from dajet_mock.persistence import StateFile, StateFileError
from dajet_mock.store import Store

MOCK = Path(__file__).resolve().parent.parent / "mock"
RUNNER = {
    "Name": "DaJet.Flow.Script.Runner",
    "Options": [
        {"Name": "Script", "Type": "System.String", "Value": "code/say-hello.djs"}
    ],
}


def pipeline(name, activation=1):
    return pipeline_from_json(
        {"Name": name, "Activation": activation, "Handlers": [RUNNER]}
    )


@pytest.fixture
def path(tmp_path):
    return tmp_path / "state.json"


def test_load_without_a_file_is_none(path):
    assert StateFile(path).load() is None


def test_round_trip_through_an_attached_store(path):
    clock = ManualClock()
    store = Store(clock, Timings(scale=0.5))
    StateFile(path).attach(store)
    kept = store.create(pipeline("kept", activation=0))
    gone = store.create(pipeline("gone"))
    store.delete(gone.uuid)

    restored = Store(clock)
    assert StateFile(path).restore(restored)

    assert restored.record(kept.uuid) == kept
    assert restored.record(gone.uuid) is None
    assert restored.timings == Timings(scale=0.5)
    assert restored.monitor_entry(kept.uuid).state is State.STARTING


def test_saved_file_names_its_format(path):
    StateFile(path).save({"Pipelines": []})

    doc = json.loads(path.read_text())
    assert (doc["format"], doc["version"]) == ("dajet-mock-state", 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("{not json", "not valid JSON", id="broken-json"),
        pytest.param(
            '{"Pipelines": []}', "not a dajet-mock-state file", id="foreign-object"
        ),
        pytest.param("[1, 2]", "not a dajet-mock-state file", id="foreign-array"),
        pytest.param(
            '{"format": "dajet-mock-state", "version": 9}',
            "version 9",
            id="future-version",
        ),
    ],
)
def test_foreign_or_broken_file_is_refused_and_left_untouched(path, content, message):
    path.write_text(content)
    state_file = StateFile(path)

    with pytest.raises(StateFileError, match=message) as caught:
        state_file.load()
    with pytest.raises(StateFileError):
        state_file.save({"Pipelines": []})
    assert str(path) in str(caught.value)
    assert path.read_text() == content


def test_failed_replace_leaves_the_old_file_and_no_temporary(path, monkeypatch):
    state_file = StateFile(path)
    state_file.save({"Pipelines": [], "Marker": "old"})
    old = path.read_bytes()

    def fail(*args):
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk gone"):
        state_file.save({"Pipelines": [], "Marker": "new"})
    assert path.read_bytes() == old
    assert list(path.parent.iterdir()) == [path]


WRITER = textwrap.dedent(
    """
    import sys
    from dajet_mock.persistence import StateFile

    state_file = StateFile(sys.argv[1])
    padding = "x" * 20_000
    for number in range(100_000):
        state_file.save({"Number": number, "Padding": padding})
        print(number, flush=True)
    """
)


def test_kill_while_saving_leaves_a_whole_version(path):
    env = {**os.environ, "PYTHONPATH": str(MOCK)}
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        # Each line is printed after a save; reading them paces the kill.
        for line in writer.stdout:
            if int(line) >= 30:
                break
        writer.send_signal(signal.SIGKILL)
    finally:
        writer.kill()
        writer.wait(timeout=10)
        writer.stdout.close()

    assert writer.returncode == -signal.SIGKILL
    doc = StateFile(path).load()
    assert doc["Padding"] == "x" * 20_000
    assert 30 <= doc["Number"] < 100_000
