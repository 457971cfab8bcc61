"""The command's log handler: the line format, the line writer, and flushing."""

import asyncio
import io
import logging
import re

import pytest

from dajet_mock import logs
from dajet_mock.logs import BufferedHandler, SecondFormatter

DATE = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"


class CountingStream(io.StringIO):
    """A stream that counts its flushes."""

    flushes = 0

    def flush(self):
        self.flushes += 1
        super().flush()


@pytest.fixture
def stream():
    return CountingStream()


@pytest.fixture
def handler(stream):
    handler = BufferedHandler(stream)
    handler.setFormatter(SecondFormatter())
    return handler


@pytest.fixture
def logger(handler):
    logger = logging.getLogger("test_logs.access")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger
    logger.removeHandler(handler)


def test_a_record_has_the_basic_format_with_the_date(logger, stream):
    logger.info("GET /flow/monitor %s %.1fms", 200, 0.25)
    assert re.fullmatch(
        rf"{DATE} INFO test_logs.access: GET /flow/monitor 200 0.2ms\n",
        stream.getvalue(),
    )


def test_a_written_line_is_the_line_a_record_would_make(logger, handler, stream):
    logger.info("GET /flow/monitor 200 0.1ms")
    handler.line_writer(logger)("GET /flow/monitor 200 0.1ms")
    first, second = stream.getvalue().splitlines()
    assert re.match(DATE, second)
    assert (
        first[23:]
        == second[23:]
        == " INFO test_logs.access: GET /flow/monitor 200 0.1ms"
    )


def test_the_writer_needs_the_handlers_own_formatter(logger, handler):
    handler.setFormatter(logging.Formatter())
    with pytest.raises(TypeError, match="SecondFormatter"):
        handler.line_writer(logger)


def test_the_date_keeps_its_milliseconds_within_a_second():
    formatter = SecondFormatter()
    first, second = formatter.date(1_000_000.25), formatter.date(1_000_000.5)
    assert (first[-4:], second[-4:]) == (",250", ",500")
    assert first[:-4] == second[:-4]
    assert formatter.date(1_000_001.0)[:-4] != first[:-4]


def test_outside_an_event_loop_every_line_is_flushed(logger, stream):
    logger.info("one")
    logger.info("two")
    assert stream.flushes == 2


def test_in_an_event_loop_a_burst_of_lines_is_flushed_once(
    logger, handler, stream, monkeypatch
):
    monkeypatch.setattr(logs, "FLUSH_INTERVAL", 0)
    write = handler.line_writer(logger)

    async def burst():
        for number in range(100):
            logger.info("record %d", number)
            write(f"line {number}")
        flushed_during_burst = stream.flushes
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        return flushed_during_burst

    assert asyncio.run(burst()) == 0
    assert stream.flushes == 1
    assert len(stream.getvalue().splitlines()) == 200


def test_a_flush_a_stopped_loop_left_undone_happens_outside_it(logger, handler, stream):
    async def one_line():
        logger.info("the last line")

    asyncio.run(one_line())
    assert stream.flushes == 0
    handler.flush()
    assert stream.flushes == 1
