"""Sessions as the HTTP layer sees them: a store, its faults and its journal.

`X-Mock-Session` names a session; without it a request uses the default one,
named "". Each session starts from the same seed and timings, and a reset puts it
back there.
"""

import logging
import re
import threading
from dataclasses import dataclass

from dajet_mock.catalogue import Catalogue, default_catalogue
from dajet_mock.clock import Clock
from dajet_mock.errors import TooManySessionsError
from dajet_mock.faults import Faults
from dajet_mock.journal import Journal
from dajet_mock.lifecycle import Timings
from dajet_mock.seed import Seed
from dajet_mock.store import Store

__all__ = ["SESSION_NAME", "Session", "SessionTable"]

logger = logging.getLogger(__name__)

# Session names travel in a header and show in logs: short tokens only.
SESSION_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")


@dataclass(frozen=True, slots=True)
class Session:
    """One isolated session: its store, the faults injected, the requests seen."""

    name: str
    store: Store
    faults: Faults
    journal: Journal


class SessionTable:
    """Every session of one mock, created on first use from the start-up seed."""

    def __init__(
        self,
        clock: Clock,
        timings: Timings | None = None,
        catalogue: Catalogue | None = None,
        seed: Seed | None = None,
        cap: int = 1000,
        journal_limit: int = 1000,
    ) -> None:
        self.clock = clock
        self.journal_limit = journal_limit
        self.timings = timings if timings is not None else Timings()
        self.seed = seed if seed is not None else Seed()
        self.catalogue = catalogue if catalogue is not None else default_catalogue()
        self.cap = cap
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def get(self, name: str = "") -> Session:
        """Return a session; raise ValueError for a bad name, or one too many."""
        session = self._sessions.get(name)
        if session is not None:
            return session

        if name and not SESSION_NAME.fullmatch(name):
            raise ValueError(
                f"a session name is 1 to 64 of A-Z a-z 0-9 . _ -, not {name!r}"
            )

        with self._lock:
            session = self._sessions.get(name)
            return session if session is not None else self._create(name)

    def _create(self, name: str) -> Session:
        if len(self._sessions) >= self.cap:
            raise TooManySessionsError(f"at most {self.cap} sessions; {name!r} refused")

        store = Store(self.clock, self.timings, self.catalogue)
        store.load(self.seed)
        session = Session(name, store, Faults(), Journal(self.journal_limit))
        self._sessions[name] = session
        logger.debug("created session %r", name)
        return session

    def names(self) -> list[str]:
        """Return the names of the sessions used so far."""
        with self._lock:
            return list(self._sessions)

    def reset(self, session: Session) -> None:
        """Put a session back to the start-up seed and timings, faults and journal."""
        session.store.set_timings(self.timings)
        session.store.load(self.seed)
        session.faults.clear()
        session.journal.clear()
