"""How long lifecycle steps take, and the state machine of one monitor entry.

Each function takes an event, mutates the monitor entry, and returns the next step
that must follow on its own, with its delay in seconds, or None. The store keeps
those steps on its schedule; this module never looks at a clock.
"""

import dataclasses
import logging
import math
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any, NamedTuple

from dajet_mock.model import Activation, MonitorEntry, Pipeline, State

__all__ = [
    "Next",
    "Step",
    "Timings",
    "activate",
    "apply",
    "dispose",
    "execute",
    "force",
    "next_retry",
    "retry",
]

logger = logging.getLogger(__name__)

EXECUTING = "Executing..."
DISPOSED = "Disposed"

# The script runner returns nothing, so the server shows an empty result.
RUN_RESULT = ""


@dataclass(frozen=True, slots=True)
class Timings:
    """How long each lifecycle step lasts, in seconds, and a factor on them all."""

    activation_delay: float = 0.0
    starting: float = 0.1
    run: float = 1.0
    disposing: float = 0.5
    scale: float = 1.0

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(
                    f"timing {field.name} must be a finite number >= 0, not {value!r}"
                )

    def scaled(self, seconds: float) -> float:
        """Return a duration multiplied by the scale factor."""
        return seconds * self.scale

    def replace(self, **changes: float) -> "Timings":
        """Return a copy with some timings changed, checked like a new one."""
        return dataclasses.replace(self, **changes)

    def json(self) -> dict[str, float]:
        """Return the timings as a JSON object keyed by field name."""
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> "Timings":
        """Read timings from a JSON object; absent ones keep their defaults."""
        names = {field.name for field in dataclasses.fields(cls)}
        unknown = sorted(set(doc) - names)
        if unknown:
            raise ValueError(f"unknown timings: {', '.join(unknown)}")

        numbers = (isinstance(v, int | float) for v in doc.values())
        if not all(numbers) or any(isinstance(v, bool) for v in doc.values()):
            raise ValueError(f"timings must be numbers: {doc!r}")

        return cls(**{name: float(value) for name, value in doc.items()})


class Step(IntEnum):
    """A lifecycle step the store applies when its time comes."""

    ACTIVATE = 0
    WORK = 1
    FINISH_RUN = 2
    WAKE = 3
    IDLE = 4
    RETRY = 5


class Next(NamedTuple):
    """The step that follows on its own, and how many seconds later."""

    delay: float
    step: Step


RUNNING_STATES = frozenset({State.STARTING, State.WORKING, State.SLEEPING})


def activate(pipeline: Pipeline, error: str | None, now: datetime) -> MonitorEntry:
    """Build a monitor entry for a pipeline, broken if the build error is set."""
    if error is None:
        entry = MonitorEntry(
            pipeline.uuid,
            pipeline.name,
            "",
            None,
            None,
            State.IDLE,
            pipeline.activation,
        )
    else:
        status = f"Failed to create pipeline [{pipeline.name}] {{{pipeline.uuid}}}"
        entry = MonitorEntry(
            pipeline.uuid,
            pipeline.name,
            f"{status}\n{error}",
            now,
            now,
            State.BROKEN,
            pipeline.activation,
        )

    logger.debug("activated %s in state %s", pipeline.uuid, entry.state.name)
    return entry


def next_retry(entry: MonitorEntry, timings: Timings) -> Next | None:
    """Return the next build of a broken entry, one pass of the loop later.

    The server's activation loop tries to build a broken pipeline again at
    every pass, one `activation_delay` apart; with no delay there is no loop.
    """
    if entry.state is not State.BROKEN or timings.activation_delay == 0:
        return None
    return Next(timings.activation_delay, Step.RETRY)


def retry(entry: MonitorEntry, now: datetime, timings: Timings) -> Next | None:
    """Build a broken entry again, which fails again: Start and Finish move on."""
    entry.start = entry.finish = now
    return next_retry(entry, timings)


def wants_start(entry: MonitorEntry) -> bool:
    """Tell whether a freshly activated entry starts at once (Auto activation)."""
    return entry.state is State.IDLE and entry.activation is Activation.AUTO


def _set_state(entry: MonitorEntry, state: State) -> None:
    logger.debug("%s: %s -> %s", entry.uuid, entry.state.name, state.name)
    entry.state = state


def execute(entry: MonitorEntry, now: datetime, timings: Timings) -> Next | None:
    """Start an idle entry; any other state ignores the command, like the server."""
    if entry.state is not State.IDLE:
        return None

    _set_state(entry, State.STARTING)
    entry.start = now
    entry.status = EXECUTING
    return Next(timings.scaled(timings.starting), Step.WORK)


def dispose(entry: MonitorEntry, timings: Timings) -> Next | None:
    """Stop a starting, working or sleeping entry; other states ignore it."""
    if entry.state not in RUNNING_STATES:
        return None

    _set_state(entry, State.DISPOSING)
    return Next(timings.scaled(timings.disposing), Step.IDLE)


def apply(
    entry: MonitorEntry, step: Step, now: datetime, timings: Timings, sleep: int
) -> Next | None:
    """Apply a scheduled step at its due time; `sleep` is the `SleepTimeout`."""
    if step is Step.WORK:
        _set_state(entry, State.WORKING)
        return Next(timings.scaled(timings.run), Step.FINISH_RUN)

    if step is Step.FINISH_RUN:
        return _finish_run(entry, now, timings, sleep)

    if step is Step.WAKE:
        return _wake(entry, now, timings, sleep)

    if step is Step.RETRY:
        return retry(entry, now, timings)

    _set_state(entry, State.IDLE)
    entry.status = DISPOSED
    return None


def _finish_run(
    entry: MonitorEntry, now: datetime, timings: Timings, sleep: int
) -> Next | None:
    entry.finish = now
    entry.status = RUN_RESULT
    if sleep == 0:
        _set_state(entry, State.DISPOSING)
        return Next(timings.scaled(timings.disposing), Step.IDLE)

    _set_state(entry, State.SLEEPING)
    return Next(timings.scaled(sleep), Step.WAKE)


def _wake(
    entry: MonitorEntry, now: datetime, timings: Timings, sleep: int
) -> Next | None:
    _set_state(entry, State.WORKING)
    entry.start = now
    entry.status = EXECUTING
    if cycle_length(timings, sleep) == 0:
        # A run and a sleep that both take no time would loop forever at one
        # instant; the entry rather stays working until it is disposed.
        return None

    return Next(timings.scaled(timings.run), Step.FINISH_RUN)


def cycle_length(timings: Timings, sleep: int) -> float:
    """Return the seconds of one run plus one sleep of a repeating pipeline."""
    return timings.scaled(timings.run) + timings.scaled(sleep)


def force(entry: MonitorEntry, state: State, status: str | None) -> None:
    """Set any state and status on command; nothing follows on its own.

    A forced state is a fixture for a test or a screen: even a forced working
    entry stays as it is until a command (dispose, restart) moves it on.
    """
    _set_state(entry, state)
    if status is not None:
        entry.status = status
