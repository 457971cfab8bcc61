from datetime import UTC, datetime, timedelta

import pytest

from dajet_mock.clock import ManualClock, SystemClock

START = datetime(2025, 8, 22, 21, 6, 50, tzinfo=UTC)


def test_manual_clock_stands_still_until_advanced():
    clock = ManualClock(START)

    assert clock.monotonic() == 0.0
    assert clock.now() == START


def test_manual_clock_advance_moves_both_clocks():
    clock = ManualClock(START)

    clock.advance(1.5)
    clock.advance(2.0)

    assert clock.monotonic() == 3.5
    assert clock.now() == START + timedelta(seconds=3.5)


def test_manual_clock_refuses_to_go_back():
    clock = ManualClock(START)

    with pytest.raises(ValueError, match="cannot go back"):
        clock.advance(-1)


def test_manual_clock_without_start_shows_local_time_with_offset():
    assert ManualClock().now().utcoffset() is not None


def test_system_clock_gives_offset_aware_local_time_and_rising_monotonic():
    clock = SystemClock()
    first = clock.monotonic()

    assert clock.now().utcoffset() is not None
    assert clock.monotonic() >= first
