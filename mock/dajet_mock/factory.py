"""Assembling a whole mock: sessions, control API and app, from a few settings."""

from dajet_mock.catalogue import Catalogue
from dajet_mock.clock import Clock, ManualClock, SystemClock
from dajet_mock.control import Control
from dajet_mock.http import DEFAULT_MAX_BODY, App
from dajet_mock.lifecycle import Timings
from dajet_mock.seed import Seed
from dajet_mock.sessions import SessionTable
from dajet_mock.spec import Spec

__all__ = ["create_app"]


def create_app(
    *,
    seed: Seed | None = None,
    clock: Clock | None = None,
    timings: Timings | None = None,
    catalogue: Catalogue | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    spec: Spec | None = None,
    manual_clock: bool = False,
    journal_limit: int = 1000,
) -> App:
    """Return a mock app; the clock is the system's unless one is given or manual."""
    if clock is None:
        clock = ManualClock() if manual_clock else SystemClock()

    sessions = SessionTable(
        clock, timings, catalogue, seed, journal_limit=journal_limit
    )
    control = Control(sessions)
    return App(sessions, spec, control, max_body)
