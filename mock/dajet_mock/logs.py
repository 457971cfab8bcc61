"""The command's log: one line per request, written at a small cost per line.

With the standard set-up, a log line costs more than answering the request: the
record looks up its caller, thread and process, the date is formatted afresh, and
every line is flushed with its own system call. The command needs none of that.
Its lines keep the same format, `logging.basicConfig`'s with the date.

The access log writes a line per request, so even a lean `LogRecord` costs a
third of a small answer. `BufferedHandler.line_writer` gives the command a way to
write those lines, in the very same format, without making a record of each.
"""

import asyncio
import logging
import sys
import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["FORMAT", "BufferedHandler", "configure_logging"]

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Bytes of log kept before a write when the event loop is busy; a line is far less.
BUFFER_SIZE = 64 * 1024

# Seconds a line may wait in the buffer while an event loop runs: soon enough
# for a person watching, and a busy server writes ten times a second at most.
FLUSH_INTERVAL = 0.1


class SecondFormatter(logging.Formatter):
    """A formatter of `FORMAT` that formats a date once a second, as usual.

    Lines of the same millisecond share one date string.
    """

    def __init__(self) -> None:
        super().__init__(FORMAT)
        self._second = -1
        self._date = ""
        self._millisecond = -1
        self._stamp = ""

    def formatTime(  # noqa: N802 (logging's name)
        self, record: logging.LogRecord, datefmt: str | None = None
    ) -> str:
        """Return the record's date: `2026-01-31 12:00:00,123`."""
        return self.date(record.created)

    def date(self, created: float) -> str:
        """Return a moment (`time.time()`) as a record created then shows it."""
        millisecond = int(created * 1000)
        if millisecond != self._millisecond:
            second, within = divmod(millisecond, 1000)
            if second != self._second:
                moment = self.converter(second)
                self._second = second
                self._date = time.strftime(self.default_time_format, moment)
            self._millisecond, self._stamp = millisecond, f"{self._date},{within:03d}"
        return self._stamp


class BufferedHandler(logging.StreamHandler[TextIO]):
    """A stream handler that, in an event loop, flushes a few times a second.

    Lines written while the loop serves a burst of requests leave in one write.
    Outside an event loop every line is flushed at once, as usual; at exit,
    `logging.shutdown` flushes what is left.
    """

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self._scheduled = False

    def flush(self) -> None:
        """Flush now outside an event loop; otherwise within `FLUSH_INTERVAL`."""
        # Outside a loop even when a flush is due in one: a loop that stopped
        # leaves its flush undone, and `logging.shutdown` must still write it.
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            super().flush()
            return

        if not self._scheduled:
            self._scheduled = True
            loop.call_later(FLUSH_INTERVAL, self._flush_now)

    def _flush_now(self) -> None:
        self._scheduled = False
        super().flush()

    def line_writer(self, logger: logging.Logger) -> Callable[[str], None]:
        """Return a function that writes an INFO message of `logger` as a line.

        The line is the one a record of that message would be formatted as,
        but no record is made, no level checked and no filter asked: the
        caller checks `logger.isEnabledFor(logging.INFO)`, and the logger must
        have no filter and no handler but this one.
        """
        formatter = self.formatter
        if not isinstance(formatter, SecondFormatter):
            raise TypeError("the handler must format with a SecondFormatter")

        middle = f" INFO {logger.name}: "
        lock = self.lock
        assert lock is not None, "logging.Handler creates its lock"

        def write(message: str) -> None:
            line = f"{formatter.date(time.time())}{middle}{message}{self.terminator}"
            with lock:
                self.stream.write(line)
            if not self._scheduled:
                self.flush()

        return write


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


def configure_logging(level: str, stream: TextIO | None = None) -> BufferedHandler:
    """Send the log to standard error (or a stream) at a level, cheaply per line.

    Returns the one handler, whose `line_writer` serves the access log.
    """
    # The logging HOWTO's "Optimization" section: the format shows none of these.
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging._srcfile = None

    if stream is None:
        stream = _standard_error()
    handler = BufferedHandler(stream)
    handler.setFormatter(SecondFormatter())
    logging.basicConfig(level=level.upper(), handlers=[handler])
    return handler
