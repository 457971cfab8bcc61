"""The command: arguments, start-up errors, and a real process on a free port."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from conftest import pipeline_body

from dajet_mock.cli import main
from dajet_mock.persistence import StateFile

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Process:
    """`python -m dajet_mock` on a free loopback port, stopped at the end."""

    def __init__(self, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT / "mock")}
        command = [sys.executable, "-m", "dajet_mock", "--port", str(self.port)]
        self.process = subprocess.Popen(
            [*command, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.banner = self.process.stdout.readline()

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str, str]:
        self.process.send_signal(signum)
        stdout, stderr = self.process.communicate(timeout=10)
        return self.process.returncode, stdout, stderr


@pytest.fixture
def started():
    processes = []

    def start(*args: str) -> Process:
        process = Process(*args)
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.process.poll() is None:
            process.process.kill()
        # Reading to the end closes the pipes, even of a process already gone.
        process.process.communicate(timeout=10)


def test_process_serves_logs_and_stops_on_sigterm(started):
    mock = started("--log-level", "info")
    assert mock.banner == f"DaJet mock listening on {mock.url}\n"
    response = httpx.get(f"{mock.url}/flow/monitor")
    code, stdout, stderr = mock.stop()
    assert response.status_code == 200
    assert code == 0
    assert stdout == "DaJet mock stopped\n"
    assert re.search(r"dajet_mock\.access: GET /flow/monitor 200 \d+\.\dms", stderr)


def test_process_stops_on_ctrl_c(started):
    mock = started()
    assert mock.stop(signal.SIGINT)[0] == 0


def test_state_file_keeps_pipelines_across_a_restart(started, tmp_path):
    state = tmp_path / "state.json"
    first = started("--state-file", str(state))
    uuid = httpx.post(f"{first.url}/flow", json=pipeline_body("survivor")).json()
    assert first.stop()[0] == 0

    second = started("--state-file", str(state))
    record = httpx.get(f"{second.url}/flow/{uuid}").json()
    assert record["Name"] == "survivor"


def test_state_file_survives_kill_9_during_writes(started, tmp_path):
    state = tmp_path / "state.json"
    mock = started("--state-file", str(state), "--log-level", "warning")
    created = []

    def write():
        with httpx.Client() as client:
            for index in range(10_000):
                body = pipeline_body(f"p-{index}")
                try:
                    response = client.post(f"{mock.url}/flow", json=body)
                except httpx.TransportError:
                    return
                created.append(response.json())

    writer = threading.Thread(target=write)
    writer.start()
    while len(created) < 50:
        time.sleep(0.01)
    mock.process.kill()
    writer.join(10)

    saved = StateFile(state).load()
    assert saved is not None
    names = {pipeline["Name"] for pipeline in saved["Pipelines"]}
    assert {f"p-{index}" for index in range(len(created))} <= names
    again = started("--state-file", str(state))
    assert httpx.get(f"{again.url}/flow/{created[0]}").json()["Name"] == "p-0"


def test_foreign_state_file_is_refused_and_left_alone(tmp_path, capsys):
    state = tmp_path / "state.json"
    state.write_text('{"something": "else"}', encoding="utf-8")
    assert main(["--state-file", str(state), "--port", "0"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("dajet-mock: error: ")
    assert error.count("\n") == 1
    assert state.read_text(encoding="utf-8") == '{"something": "else"}'


def test_broken_state_file_is_refused(tmp_path, capsys):
    state = tmp_path / "state.json"
    state.write_text('{"format": "dajet-mock-state", "vers', encoding="utf-8")
    assert main(["--state-file", str(state), "--port", "0"]) == 1
    assert "not valid JSON" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "seed file not found"),
        ("{oops", "cannot read seed file"),
        (json.dumps({"Pipelines": [{"Name": "x"}]}), "bad seed file"),
    ],
    ids=["missing", "not-json", "bad-document"],
)
def test_bad_seed_file_is_one_line_and_exit_1(tmp_path, capsys, content, message):
    seed = tmp_path / "seed.json"
    if content is not None:
        seed.write_text(content, encoding="utf-8")
    assert main(["--seed", str(seed), "--port", "0"]) == 1
    error = capsys.readouterr().err
    assert message in error
    assert error.count("\n") == 1


@pytest.mark.parametrize(
    "arguments",
    [
        ["--port", "http"],
        ["--port", "70000"],
        ["--time-scale", "-1"],
        ["--activation-delay", "nan"],
        ["--max-body", "0"],
        ["--clock", "sundial"],
    ],
    ids=[
        "port-word",
        "port-range",
        "negative-scale",
        "nan-delay",
        "zero-body",
        "clock",
    ],
)
def test_bad_arguments_are_usage_errors(arguments, capsys):
    with pytest.raises(SystemExit) as stop:
        main(arguments)
    assert stop.value.code == 2
    assert "usage: dajet-mock" in capsys.readouterr().err


def test_port_in_use_is_one_line_and_exit_1(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--port", str(port), "--seed", "none"]) == 1
    error = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in error
    assert "Traceback" not in error
