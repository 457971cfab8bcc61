"""One session's state behind a lock: pipelines, monitor entries, the schedule.

The lifecycle is simulated lazily: no thread runs it. Every public method first
catches up, applying each scheduled step whose time has come, in time order and
at its own due time, so what a caller sees never depends on when it looks.
"""

import bisect
import heapq
import itertools
import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

from dajet_mock import lifecycle
from dajet_mock.catalogue import Catalogue, default_catalogue, sleep_timeout
from dajet_mock.clock import Clock
from dajet_mock.errors import DuplicateName, UnknownPipeline
from dajet_mock.lifecycle import Next, Step, Timings
from dajet_mock.model import MonitorEntry, Pipeline, State, pipeline_json
from dajet_mock.seed import Seed

__all__ = ["DuplicateName", "Seed", "Store", "UnknownPipeline"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

# A scheduled step: due (monotonic seconds), sequence, uuid, generation, step.
_Scheduled = tuple[float, int, UUID, int, Step]


@dataclass(slots=True)
class _Slot:
    """A record and its monitor entry; the generation voids older steps."""

    pipeline: Pipeline
    entry: MonitorEntry | None = None
    generation: int = 0
    sleep: int = 0


def _copy(entry: MonitorEntry) -> MonitorEntry:
    return MonitorEntry(
        entry.uuid,
        entry.name,
        entry.status,
        entry.start,
        entry.finish,
        entry.state,
        entry.activation,
    )


def _last_due(due: float, now: float, period: float) -> float:
    # A step repeated every `period` seconds, left alone for hours, would be
    # replayed at every pass; the last one due by now ends the same way.
    if period == 0:
        return due
    return due + math.floor((now - due) / period) * period


class Store:
    """The whole state of one session, safe to share between threads.

    `on_change` holds callables run inside the lock after each change of the
    records or the timings (what `snapshot` holds), not after lifecycle steps;
    persistence attaches itself there.
    """

    def __init__(
        self,
        clock: Clock,
        timings: Timings | None = None,
        catalogue: Catalogue | None = None,
    ) -> None:
        self._clock = clock
        self._timings = timings if timings is not None else Timings()
        self._catalogue = catalogue if catalogue is not None else default_catalogue()
        self._lock = threading.RLock()
        self._sequence = itertools.count()
        self._clear()
        self.version = 0
        self.on_change: list[Callable[[Store], None]] = []
        # Values the layers above derive from one version of the store (an
        # encoded monitor list); each checks the version it was built at.
        self.memo: dict[Any, Any] = {}

    def _clear(self) -> None:
        self._slots: dict[UUID, _Slot] = {}
        self._names: dict[str, _Slot] = {}
        # Names of the activated pipelines, sorted: the monitor's order. Names are
        # unique in a store, so a name alone places an entry.
        self._index: list[str] = []
        self._schedule: list[_Scheduled] = []

    @property
    def timings(self) -> Timings:
        """The timings new lifecycle steps are scheduled with."""
        return self._timings

    @property
    def catalogue(self) -> Catalogue:
        """The handler types and scripts this simulated server has."""
        return self._catalogue

    # Reading

    def record(self, uuid: UUID) -> Pipeline | None:
        """Return the stored pipeline, or None."""
        with self._lock:
            slot = self._slots.get(uuid)
            return None if slot is None else slot.pipeline

    def monitor(self) -> list[MonitorEntry]:
        """Return copies of all monitor entries, ordered by name."""
        with self._lock:
            self._catch_up()
            return [_copy(self._entry(name)) for name in self._index]

    def caught_up_version(self) -> int:
        """Apply the steps that are due and return the version reached."""
        with self._lock:
            self._catch_up()
            return self.version

    def encode_monitor(
        self, encode: Callable[[list[MonitorEntry]], T], chunk: int
    ) -> tuple[int, list[T]]:
        """Return the version and what `encode` makes of each chunk of the monitor.

        `encode` is called inside the lock with up to `chunk` entries at a time, in
        the monitor's order. They are the store's own entries, not copies, so a
        large monitor is encoded without copying it whole first; `encode` must
        neither change nor keep them.
        """
        with self._lock:
            self._catch_up()
            names = self._index
            parts = [
                encode([self._entry(name) for name in names[start : start + chunk]])
                for start in range(0, len(names), chunk)
            ]
            return self.version, parts

    def monitor_entry_at_version(self, uuid: UUID) -> tuple[int, MonitorEntry | None]:
        """Return the version and one monitor entry at that version, together."""
        with self._lock:
            entry = self.monitor_entry(uuid)
            return self.version, entry

    def monitor_entry(self, uuid: UUID) -> MonitorEntry | None:
        """Return a copy of one monitor entry; None until the pipeline is activated."""
        with self._lock:
            self._catch_up()
            slot = self._slots.get(uuid)
            entry = None if slot is None else slot.entry
            return None if entry is None else _copy(entry)

    def validate(self, uuid: UUID) -> str | None:
        """Return why the pipeline cannot be built, or None; raise if unknown."""
        with self._lock:
            slot = self._slots.get(uuid)
            if slot is None:
                raise UnknownPipeline(uuid)

            return self._catalogue.build_error(slot.pipeline)

    def snapshot(self) -> dict[str, Any]:
        """Return the records and timings as a JSON-able document."""
        with self._lock:
            pipelines = [pipeline_json(slot.pipeline) for slot in self._slots.values()]
            return {"Pipelines": pipelines, "Timings": self._timings.json()}

    # Commands of the flow API

    def create(self, pipeline: Pipeline) -> Pipeline:
        """Store a new pipeline and schedule its activation; names are unique."""
        with self._lock:
            self._catch_up()
            if pipeline.name in self._names:
                raise DuplicateName(pipeline.name)

            slot = self._insert(pipeline)
            logger.debug("created %s %r", pipeline.uuid, pipeline.name)
            self._schedule_activation(slot, self._timings.activation_delay)
            self._changed(records=True)
            return pipeline

    def execute(self, uuid: UUID) -> bool:
        """Start an idle pipeline; False only if there is no such record."""
        return self._command(uuid, self._execute_now)

    def dispose(self, uuid: UUID) -> bool:
        """Stop a running or sleeping pipeline; False only if there is no record."""
        return self._command(uuid, self._dispose_now)

    def restart(self, uuid: UUID) -> bool:
        """Drop the monitor entry and schedule a fresh activation of the record."""
        return self._command(uuid, self._restart_now)

    def delete(self, uuid: UUID) -> bool:
        """Remove the record and its monitor entry at once; True if it existed."""
        with self._lock:
            self._catch_up()
            slot = self._slots.pop(uuid, None)
            if slot is None:
                return False

            del self._names[slot.pipeline.name]
            self._drop_entry(slot)
            logger.debug("deleted %s", uuid)
            self._changed(records=True)
            return True

    # Control

    def force(self, uuid: UUID, state: State, status: str | None) -> bool:
        """Set a state (and status) on a pipeline, activating it first if pending."""
        return self._command(uuid, lambda slot: self._force_now(slot, state, status))

    def reset(self) -> None:
        """Empty the store; the timings and the catalogue stay."""
        with self._lock:
            self._clear()
            logger.debug("reset")
            self._changed(records=True)

    def load(self, seed: Seed) -> None:
        """Replace the content with a seed; its pipelines are activated at once."""
        with self._lock:
            self._clear()
            for pipeline in seed.pipelines:
                self._activate(self._insert(pipeline), *self._moment())

            self._changed(records=True)

    def load_snapshot(self, doc: dict[str, Any]) -> None:
        """Replace the content and timings with a document `snapshot` wrote."""
        timings = Timings.from_json(doc.get("Timings", {}))
        seed = Seed.from_json({"Pipelines": doc.get("Pipelines", [])})
        with self._lock:
            self._timings = timings
            self.load(seed)

    def set_timings(self, timings: Timings) -> None:
        """Use new timings for the steps scheduled from now on."""
        with self._lock:
            self._timings = timings
            self._changed(records=True)

    # Inside the lock

    def _command(self, uuid: UUID, action: Callable[[_Slot], None]) -> bool:
        with self._lock:
            self._catch_up()
            slot = self._slots.get(uuid)
            if slot is None:
                return False

            action(slot)
            self._changed()
            return True

    def _entry(self, name: str) -> MonitorEntry:
        entry = self._names[name].entry
        assert entry is not None, "the index holds only activated pipelines"
        return entry

    def _insert(self, pipeline: Pipeline) -> _Slot:
        slot = _Slot(pipeline, sleep=sleep_timeout(pipeline))
        self._slots[pipeline.uuid] = slot
        self._names[pipeline.name] = slot
        return slot

    def _changed(self, records: bool = False) -> None:
        self.version += 1
        if records:
            for listener in self.on_change:
                listener(self)

    def _moment(self) -> tuple[float, datetime]:
        return self._clock.monotonic(), self._clock.now()

    def _schedule_activation(self, slot: _Slot, delay: float) -> None:
        if delay == 0:
            self._activate(slot, *self._moment())
        else:
            self._push(slot, self._clock.monotonic() + delay, Step.ACTIVATE)

    def _push(self, slot: _Slot, due: float, step: Step) -> None:
        item = (due, next(self._sequence), slot.pipeline.uuid, slot.generation, step)
        heapq.heappush(self._schedule, item)

    def _follow(self, slot: _Slot, due: float, following: Next | None) -> None:
        if following is not None:
            self._push(slot, due + following.delay, following.step)

    def _activate(self, slot: _Slot, due: float, at: datetime) -> None:
        error = self._catalogue.build_error(slot.pipeline)
        entry = lifecycle.activate(slot.pipeline, error, at)
        slot.entry = entry
        bisect.insort(self._index, entry.name)
        if lifecycle.wants_start(entry):
            self._follow(slot, due, lifecycle.execute(entry, at, self._timings))
        else:
            self._follow(slot, due, lifecycle.next_retry(entry, self._timings))

    def _drop_entry(self, slot: _Slot) -> None:
        slot.generation += 1
        if slot.entry is None:
            return

        del self._index[bisect.bisect_left(self._index, slot.entry.name)]
        slot.entry = None

    def _execute_now(self, slot: _Slot) -> None:
        # Only an idle entry starts; reading the wall clock, with its time zone,
        # costs more than the rest of a command, so it is read only then.
        if slot.entry is not None and slot.entry.state is State.IDLE:
            due, at = self._moment()
            self._follow(slot, due, lifecycle.execute(slot.entry, at, self._timings))

    def _dispose_now(self, slot: _Slot) -> None:
        if slot.entry is not None:
            following = lifecycle.dispose(slot.entry, self._timings)
            if following is not None:
                slot.generation += 1
                self._follow(slot, self._clock.monotonic(), following)

    def _restart_now(self, slot: _Slot) -> None:
        self._drop_entry(slot)
        logger.debug("restarting %s", slot.pipeline.uuid)
        self._schedule_activation(slot, self._timings.activation_delay)

    def _force_now(self, slot: _Slot, state: State, status: str | None) -> None:
        if slot.entry is None:
            self._activate(slot, *self._moment())

        slot.generation += 1
        assert slot.entry is not None
        lifecycle.force(slot.entry, state, status)

    def _catch_up(self) -> None:
        now = self._clock.monotonic()
        if not self._schedule or self._schedule[0][0] > now:
            return

        wall = self._clock.now()
        while self._schedule and self._schedule[0][0] <= now:
            due, _, uuid, generation, step = heapq.heappop(self._schedule)
            slot = self._slots.get(uuid)
            if slot is not None and slot.generation == generation:
                self._apply(slot, step, due, now, wall)

    def _apply(
        self, slot: _Slot, step: Step, due: float, now: float, wall: datetime
    ) -> None:
        self.version += 1
        if step is Step.ACTIVATE:
            self._activate(slot, due, wall - timedelta(seconds=now - due))
            return

        assert slot.entry is not None, "steps follow activation"
        if step is Step.WAKE:
            due = self._skip_cycles(slot, due, now, wall)
        elif step is Step.RETRY:
            due = _last_due(due, now, self._timings.activation_delay)

        at = wall - timedelta(seconds=now - due)
        self._follow(
            slot, due, lifecycle.apply(slot.entry, step, at, self._timings, slot.sleep)
        )

    def _skip_cycles(
        self, slot: _Slot, due: float, now: float, wall: datetime
    ) -> float:
        # A repeating pipeline left alone for hours would replay every cycle; the
        # last whole cycle before now ends the same way, so jump straight to it.
        cycle = lifecycle.cycle_length(self._timings, slot.sleep)
        skipped = _last_due(due, now, cycle)
        if skipped == due:
            return due

        due = skipped
        finish = due - self._timings.scaled(slot.sleep)
        assert slot.entry is not None
        slot.entry.finish = wall - timedelta(seconds=now - finish)
        return due
