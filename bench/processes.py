"""Starting the servers under test as separate processes, and reading their cost."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 120.0


def free_port() -> int:
    """Return a TCP port on the loopback interface that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def mock_command(port: int, *options: str) -> list[str]:
    """Return the command a user runs to start the mock, on ``port``."""
    return [sys.executable, "-m", "dajet_mock", "--port", str(port), *options]


def ceiling_command(port: int) -> list[str]:
    """Return the command that serves the fixed-body app on the mock's stack."""
    return [sys.executable, "-m", "bench.ceiling", str(port)]


def wait_until_answering(url: str, process: subprocess.Popen[bytes]) -> float:
    """Poll ``url`` until it answers; return the seconds that took."""
    started = time.perf_counter()
    while time.perf_counter() - started < READY_TIMEOUT:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=1.0) as answer:
                answer.read()
            return time.perf_counter() - started
        time.sleep(0.005)

    raise RuntimeError(f"{url} did not answer within {READY_TIMEOUT:.0f} s")


@contextlib.contextmanager
def serving(
    command: list[str], probe_url: str, log: Path | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server process until the block ends; it answers ``probe_url`` first.

    Its standard error goes to ``log`` (a file, as a user's terminal or log file
    would take it, never an unread pipe that fills and stalls the server).
    """
    with contextlib.ExitStack() as stack:
        errors = stack.enter_context(log.open("ab")) if log else subprocess.DEVNULL
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,
        )
        stack.callback(stop, process)
        wait_until_answering(probe_url, process)
        yield process


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server the way a user would (SIGTERM), and kill it if it hangs.

    The signal goes to the process group the server was started in, so that a
    launcher's children (npx starts Prism as a child) stop with it.
    """
    if process.poll() is None:
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def cold_start(command: list[str], probe_url: str) -> float:
    """Return the seconds from starting ``command`` to its first answer."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until_answering(probe_url, process)
        return time.perf_counter() - started
    finally:
        stop(process)


def resident_bytes(pid: int) -> int:
    """Return the resident memory of process ``pid``, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"/proc/{pid}/status has no VmRSS line")
