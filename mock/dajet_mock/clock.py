"""Where the mock reads time: the system's clocks, or a manual one for tests."""

import threading
from datetime import datetime, timedelta
from time import monotonic
from typing import Protocol


class Clock(Protocol):
    """A source of time: a monotonic counter for scheduling, a wall clock to show."""

    def monotonic(self) -> float:
        """Return seconds on a clock that never goes back."""
        ...

    def now(self) -> datetime:
        """Return the local wall time, with its UTC offset."""
        ...


class SystemClock:
    """The machine's clocks, as the standalone server uses them."""

    def monotonic(self) -> float:
        """Return the system's monotonic time in seconds."""
        return monotonic()

    def now(self) -> datetime:
        """Return the local time with its offset, like .NET's `DateTime.Now`."""
        return datetime.now().astimezone()


class ManualClock:
    """A clock that stands still until a test advances it."""

    def __init__(self, start: datetime | None = None) -> None:
        self._start = start if start is not None else datetime.now().astimezone()
        self._elapsed = 0.0
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        """Return the seconds advanced so far."""
        return self._elapsed

    def now(self) -> datetime:
        """Return the start time plus the seconds advanced so far."""
        return self._start + timedelta(seconds=self._elapsed)

    def advance(self, seconds: float) -> None:
        """Move time forward; refuse to move it back."""
        if seconds < 0:
            raise ValueError(f"a clock cannot go back: {seconds} seconds")

        with self._lock:
            self._elapsed += seconds
