import math
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from dajet_mock import lifecycle
from dajet_mock.lifecycle import Next, Step, Timings
from dajet_mock.model import Activation, MonitorEntry, State, pipeline_from_json

NOW = datetime(2025, 8, 22, 21, 6, 50, tzinfo=UTC)
TIMINGS = Timings(starting=0.1, run=1.0, disposing=0.5, scale=2.0)


def entry(state=State.IDLE, status=""):
    return MonitorEntry(uuid4(), "p", status, None, None, state, Activation.MANUAL)


def test_timings_defaults():
    assert Timings() == Timings(0.0, 0.1, 1.0, 0.5, 1.0)


def test_scaled_multiplies_by_the_scale():
    assert Timings(scale=0.5).scaled(3) == 1.5


@pytest.mark.parametrize(
    "changes",
    [{"run": -1}, {"scale": math.inf}, {"starting": math.nan}],
    ids=["negative", "infinite", "nan"],
)
def test_timings_refuse_bad_values(changes):
    with pytest.raises(ValueError, match=next(iter(changes))):
        Timings().replace(**changes)


def test_timings_json_round_trip():
    timings = Timings(activation_delay=3, scale=0.1)

    assert Timings.from_json(timings.json()) == timings


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"speed": 1}, "unknown timings: speed"),
        ({"run": "1"}, "numbers"),
        ({"run": True}, "numbers"),
    ],
    ids=["unknown-name", "string", "boolean"],
)
def test_timings_from_json_refuses_bad_documents(doc, message):
    with pytest.raises(ValueError, match=message):
        Timings.from_json(doc)


def test_activate_a_sound_pipeline_gives_an_idle_entry():
    pipeline = pipeline_from_json({"Name": "p", "Activation": 0})

    built = lifecycle.activate(pipeline, None, NOW)

    assert (built.state, built.status, built.start, built.finish) == (
        State.IDLE,
        "",
        None,
        None,
    )
    assert lifecycle.wants_start(built)


def test_activate_a_broken_pipeline_gives_a_broken_entry_with_the_error():
    pipeline = pipeline_from_json({"Name": "p", "Activation": 0})

    built = lifecycle.activate(pipeline, "Pipeline does not have any handlers.", NOW)

    assert built.state is State.BROKEN
    assert built.status == (
        f"Failed to create pipeline [p] {{{pipeline.uuid}}}\n"
        "Pipeline does not have any handlers."
    )
    assert built.start == built.finish == NOW
    assert not lifecycle.wants_start(built)


def test_execute_on_idle_starts_and_schedules_work():
    target = entry()

    following = lifecycle.execute(target, NOW, TIMINGS)

    assert following == Next(0.2, Step.WORK)
    assert (target.state, target.status, target.start) == (
        State.STARTING,
        "Executing...",
        NOW,
    )


@pytest.mark.parametrize(
    "state",
    [State.BROKEN, State.STARTING, State.WORKING, State.DISPOSING, State.SLEEPING],
    ids=lambda state: state.name,
)
def test_execute_on_any_other_state_does_nothing(state):
    target = entry(state, "kept")

    assert lifecycle.execute(target, NOW, TIMINGS) is None
    assert (target.state, target.status) == (state, "kept")


@pytest.mark.parametrize(
    "state", [State.STARTING, State.WORKING, State.SLEEPING], ids=lambda s: s.name
)
def test_dispose_on_a_running_state_disposes(state):
    target = entry(state)

    assert lifecycle.dispose(target, TIMINGS) == Next(1.0, Step.IDLE)
    assert target.state is State.DISPOSING


@pytest.mark.parametrize(
    "state", [State.IDLE, State.BROKEN, State.DISPOSING], ids=lambda s: s.name
)
def test_dispose_on_a_resting_state_does_nothing(state):
    target = entry(state)

    assert lifecycle.dispose(target, TIMINGS) is None
    assert target.state is state


def test_work_step_runs_for_the_scaled_run_time():
    target = entry(State.STARTING)

    assert lifecycle.apply(target, Step.WORK, NOW, TIMINGS, 0) == Next(
        2.0, Step.FINISH_RUN
    )
    assert target.state is State.WORKING


def test_run_end_without_sleep_timeout_disposes():
    target = entry(State.WORKING, "Executing...")

    following = lifecycle.apply(target, Step.FINISH_RUN, NOW, TIMINGS, 0)

    assert following == Next(1.0, Step.IDLE)
    assert (target.state, target.status, target.finish) == (State.DISPOSING, "", NOW)


def test_run_end_with_sleep_timeout_sleeps_for_the_scaled_timeout():
    target = entry(State.WORKING)

    assert lifecycle.apply(target, Step.FINISH_RUN, NOW, TIMINGS, 5) == Next(
        10.0, Step.WAKE
    )
    assert target.state is State.SLEEPING


def test_wake_works_again_with_a_new_start():
    target = entry(State.SLEEPING)

    following = lifecycle.apply(target, Step.WAKE, NOW, TIMINGS, 5)

    assert following == Next(2.0, Step.FINISH_RUN)
    assert (target.state, target.status, target.start) == (
        State.WORKING,
        "Executing...",
        NOW,
    )


def test_wake_with_a_zero_length_cycle_stays_working():
    target = entry(State.SLEEPING)

    assert lifecycle.apply(target, Step.WAKE, NOW, Timings(scale=0), 5) is None
    assert target.state is State.WORKING


def test_idle_step_ends_disposal():
    target = entry(State.DISPOSING)

    assert lifecycle.apply(target, Step.IDLE, NOW, TIMINGS, 0) is None
    assert (target.state, target.status) == (State.IDLE, "Disposed")


def test_force_sets_state_and_status():
    target = entry()

    lifecycle.force(target, State.BROKEN, "boom")

    assert (target.state, target.status) == (State.BROKEN, "boom")


def test_force_without_status_keeps_it():
    target = entry(status="kept")

    lifecycle.force(target, State.SLEEPING, None)

    assert (target.state, target.status) == (State.SLEEPING, "kept")
