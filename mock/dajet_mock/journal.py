"""The request journal: what a session was asked, and what it answered."""

import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["Entry", "Journal"]


# Not frozen: every request makes one, and a frozen dataclass sets each field
# through object.__setattr__, which makes it four times as slow to create.
@dataclass(slots=True)
class Entry:
    """One request: method, path, status, session, when, and how long it took."""

    method: str
    path: str
    status: int
    session: str
    # Seconds since the epoch: formatting a date on every request costs more
    # than the rest of the entry, and the journal is read far less often.
    time: float
    # Milliseconds, rounded only when listed, for the same reason.
    duration: float

    def json(self) -> dict[str, Any]:
        """Return the entry as the control API lists it; duration in milliseconds."""
        return {
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "session": self.session,
            "time": datetime.fromtimestamp(self.time).astimezone().isoformat(),
            "duration": round(self.duration, 3),
        }


class Journal:
    """The latest requests of one session, oldest first, bounded in length."""

    def __init__(self, limit: int = 1000) -> None:
        self._entries: deque[Entry] = deque(maxlen=limit)
        self._lock = threading.Lock()

    def record(self, entry: Entry) -> None:
        """Add an entry; the oldest goes once the journal is full."""
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[Entry]:
        """Return the entries, oldest first."""
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
