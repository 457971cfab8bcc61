"""The command's log: one line per request, written at a small cost per line.

With the standard set-up, a log line costs more than answering the request: the
record looks up its caller, thread and process, the date is formatted afresh, and
every line is flushed with its own system call. The command needs none of that.
Its lines keep the same format, `logging.basicConfig`'s with the date.
"""

import asyncio
import logging
import sys
import time
from typing import TextIO

__all__ = ["FORMAT", "configure_logging"]

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Bytes of log kept before a write when the event loop is busy; a line is far less.
BUFFER_SIZE = 64 * 1024


class SecondFormatter(logging.Formatter):
    """A formatter that formats the date once a second, as the default writes it."""

    def __init__(self, fmt: str) -> None:
        super().__init__(fmt)
        self._second = -1
        self._date = ""

    def formatTime(  # noqa: N802 (logging's name)
        self, record: logging.LogRecord, datefmt: str | None = None
    ) -> str:
        """Return the record's date: `2026-01-31 12:00:00,123`."""
        second = int(record.created)
        if second != self._second:
            moment = self.converter(record.created)
            self._second, self._date = (
                second,
                time.strftime(self.default_time_format, moment),
            )
        return f"{self._date},{int(record.msecs):03d}"


class LoopFlushingHandler(logging.StreamHandler[TextIO]):
    """A stream handler that flushes once per turn of the running event loop.

    Lines written while the loop serves a burst of requests leave in one write;
    outside an event loop every line is flushed at once, as usual.
    """

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self._scheduled = False

    def flush(self) -> None:
        """Flush now outside an event loop; otherwise once the loop turns."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            super().flush()
            return

        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._flush_now)

    def _flush_now(self) -> None:
        self._scheduled = False
        super().flush()


def _standard_error() -> TextIO:
    # sys.stderr is line-buffered, one system call per line; this stream writes
    # to the same file descriptor, when flushed, and never closes it. A stand-in
    # for standard error without a descriptor (a test's capture) is used as is.
    try:
        descriptor = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        return sys.stderr

    return open(
        descriptor,
        "w",
        buffering=BUFFER_SIZE,
        encoding="utf-8",
        errors="backslashreplace",
        closefd=False,
    )


def configure_logging(level: str, stream: TextIO | None = None) -> None:
    """Send the log to standard error (or a stream) at a level, cheaply per line."""
    # The logging HOWTO's "Optimization" section: the format shows none of these.
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging._srcfile = None

    if stream is None:
        stream = _standard_error()
    handler = LoopFlushingHandler(stream)
    handler.setFormatter(SecondFormatter(FORMAT))
    logging.basicConfig(level=level.upper(), handlers=[handler])
