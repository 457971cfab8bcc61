"""The `dajet-mock` command: the mock on a real HTTP server, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import gc
import json
import math
import signal
import sys
from pathlib import Path
from typing import Any

from dajet_mock import heap
from dajet_mock.asgi import AccessWriter, access_logger
from dajet_mock.catalogue import Catalogue
from dajet_mock.factory import create_app
from dajet_mock.http import DEFAULT_MAX_BODY, App
from dajet_mock.lifecycle import Timings
from dajet_mock.logs import configure_logging
from dajet_mock.persistence import StateFile, StateFileError
from dajet_mock.seed import Seed, default_seed
from dajet_mock.server import bind, create_server

__all__ = ["main"]

PROGRAM = "dajet-mock"


class StartError(Exception):
    """The mock cannot start; the message is one line for a person."""


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0: {text!r}")
    return value


def _size(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1: {text!r}")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"not a TCP port: {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    """Return the command's argument parser."""
    parser = argparse.ArgumentParser(
        prog=PROGRAM, description="A stateful mock of the DaJet flow API."
    )
    add = parser.add_argument
    add("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    add("--port", type=_port, default=5000, help="port to listen on (5000)")
    add("--seed", default=None, help="seed file of pipelines, or 'none' for no seed")
    add("--catalogue", default=None, help="handler catalogue file")
    add("--state-file", default=None, help="keep the pipelines in this file")
    add("--activation-delay", type=_seconds, default=0.0, help="DaJet's is 3")
    defaults = Timings()
    add("--starting-time", type=_seconds, default=defaults.starting)
    add("--run-time", type=_seconds, default=defaults.run)
    add("--disposing-time", type=_seconds, default=defaults.disposing)
    add("--time-scale", type=_seconds, default=1.0, help="factor on every duration")
    add("--max-body", type=_size, default=DEFAULT_MAX_BODY, help="bytes (1 MiB)")
    add("--clock", choices=("system", "manual"), default="system")
    add("--log-level", default="info", choices=("debug", "info", "warning", "error"))
    return parser


def _read_json(path: str, what: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StartError(f"{what} file not found: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StartError(f"cannot read {what} file {path}: {error}") from None


def _seed(option: str | None) -> Seed:
    if option is None:
        return default_seed()
    if option.lower() == "none":
        return Seed()
    try:
        return Seed.from_json(_read_json(option, "seed"))
    except ValueError as error:
        raise StartError(f"bad seed file {option}: {error}") from None


def _catalogue(option: str | None) -> Catalogue | None:
    if option is None:
        return None
    try:
        return Catalogue.from_json(_read_json(option, "catalogue"))
    except ValueError as error:
        raise StartError(f"bad catalogue file {option}: {error}") from None


def configure(args: argparse.Namespace) -> App:
    """Build the app the arguments describe; raise StartError saying what is wrong."""
    timings = Timings(
        activation_delay=args.activation_delay,
        starting=args.starting_time,
        run=args.run_time,
        disposing=args.disposing_time,
        scale=args.time_scale,
    )
    app = create_app(
        seed=_seed(args.seed),
        timings=timings,
        catalogue=_catalogue(args.catalogue),
        max_body=args.max_body,
        manual_clock=args.clock == "manual",
    )
    if args.state_file is not None:
        _attach_state_file(app, args.state_file)
    # The default session's store is built now, while nothing waits on it.
    app.sessions.get("")
    return app


def _settle() -> None:
    # What start-up built lives as long as the process: the spec, its schemas,
    # the seed. Frozen, the collector no longer walks it on every full pass,
    # which otherwise stalls requests for milliseconds (gc.freeze's purpose).
    gc.collect()
    gc.freeze()
    # The parsed seed document is garbage by now, yet the C library keeps the
    # heap it took: about 500 bytes per seeded pipeline.
    heap.trim()


def _attach_state_file(app: App, path: str) -> None:
    store = app.sessions.get("").store
    state_file = StateFile(path)
    try:
        state_file.restore(store)
        state_file.save(store.snapshot())
    except (StateFileError, ValueError, OSError) as error:
        raise StartError(str(error)) from None
    state_file.attach(store)


def _serve(app: App, host: str, port: int, write_access: AccessWriter) -> None:
    try:
        sock = bind(host, port)
    except OSError as error:
        raise StartError(f"cannot listen on {host}:{port}: {error.strerror}") from None

    server = create_server(app, sock, write_access=write_access)
    _settle()
    # uvicorn stops on SIGINT and SIGTERM, then re-raises the signal to the
    # handler found before it; a handler here lets the command exit with 0, and
    # a signal that comes before uvicorn listens still stops the server.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda number, frame: server.handle_exit(number, frame))
    shown = f"[{host}]" if ":" in host else host
    print(f"DaJet mock listening on http://{shown}:{sock.getsockname()[1]}", flush=True)
    server.run(sockets=[sock])
    sock.close()


def main(argv: list[str] | None = None) -> int:
    """Run the command; return its exit status (2 for usage, 1 when it fails)."""
    args = build_parser().parse_args(argv)
    handler = configure_logging(args.log_level)
    # The access logger has no handler or filter of its own: its lines can be
    # written straight to the one handler, which is cheaper than records.
    write_access = handler.line_writer(access_logger)
    try:
        _serve(configure(args), args.host, args.port, write_access)
    except StartError as error:
        print(f"{PROGRAM}: error: {error}", file=sys.stderr)
        return 1
    finally:
        # The loop's last lines wait for a flush that a stopped loop never runs.
        handler.flush()

    print("DaJet mock stopped", flush=True)
    return 0
