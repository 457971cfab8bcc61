import random
import threading
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from dajet_mock.clock import ManualClock
from dajet_mock.lifecycle import Timings
from dajet_mock.model import Activation, State, pipeline_from_json
from dajet_mock.store import (
    DuplicateName,
    Seed,
    Store,
    UnknownPipeline,
)

START = datetime(2025, 8, 22, 21, 0, 0, tzinfo=UTC)
RUNNER = "DaJet.Flow.Script.Runner"
# Round numbers keep the arithmetic of the tests readable.
TIMINGS = Timings(starting=1, run=10, disposing=2)


def body(name="p", sleep=None, activation=1, script="code/say-hello.djs", **extra):
    options = (
        []
        if sleep is None
        else [{"Name": "SleepTimeout", "Type": "System.Int32", "Value": str(sleep)}]
    )
    handler = {
        "Name": RUNNER,
        "Options": [{"Name": "Script", "Type": "System.String", "Value": script}],
    }
    return {
        "Name": name,
        "Activation": activation,
        "Options": options,
        "Handlers": [handler],
        **extra,
    }


@pytest.fixture
def clock():
    return ManualClock(START)


@pytest.fixture
def store(clock):
    return Store(clock, TIMINGS)


def create(store, **kwargs):
    return store.create(pipeline_from_json(body(**kwargs))).uuid


def state(store, uuid):
    entry = store.monitor_entry(uuid)
    return None if entry is None else entry.state


def at(seconds):
    return START + timedelta(seconds=seconds)


def test_created_pipeline_is_idle_with_empty_status(store):
    entry = store.monitor_entry(create(store))

    assert (entry.state, entry.status, entry.start, entry.finish) == (
        State.IDLE,
        "",
        None,
        None,
    )


def test_execute_goes_through_starting_working_disposing_to_idle(store, clock):
    uuid = create(store)
    store.execute(uuid)
    seen = [state(store, uuid)]
    for seconds in (1, 10, 2):
        clock.advance(seconds)
        seen.append(state(store, uuid))

    assert seen == [State.STARTING, State.WORKING, State.DISPOSING, State.IDLE]
    entry = store.monitor_entry(uuid)
    assert (entry.status, entry.start, entry.finish) == ("Disposed", at(0), at(11))


def test_sleep_timeout_sleeps_then_works_again(store, clock):
    uuid = create(store, sleep=5)
    store.execute(uuid)
    clock.advance(11)
    sleeping = store.monitor_entry(uuid)
    clock.advance(5)
    working = store.monitor_entry(uuid)

    assert (sleeping.state, sleeping.status, sleeping.finish) == (
        State.SLEEPING,
        "",
        at(11),
    )
    assert (working.state, working.status, working.start) == (
        State.WORKING,
        "Executing...",
        at(16),
    )


def test_sleeping_pipeline_keeps_cycling_when_observed_late(store, clock):
    uuid = create(store, sleep=5)
    store.execute(uuid)
    # Cycles of 15 s start at 1 s: wakes at 16, 31, ..., 1006; sleeps from 1016.
    clock.advance(1020)
    entry = store.monitor_entry(uuid)

    assert (entry.state, entry.start, entry.finish) == (
        State.SLEEPING,
        at(1006),
        at(1016),
    )


def test_late_observation_gives_due_time_start_and_finish(store, clock):
    uuid = create(store)
    store.execute(uuid)
    clock.advance(100)
    entry = store.monitor_entry(uuid)

    assert (entry.state, entry.start, entry.finish) == (State.IDLE, at(0), at(11))


@pytest.mark.parametrize(
    "elapsed", [0.5, 5, 13], ids=["while-starting", "while-working", "while-sleeping"]
)
def test_dispose_while_running_returns_to_idle(store, clock, elapsed):
    uuid = create(store, sleep=60)
    store.execute(uuid)
    clock.advance(elapsed)

    assert store.dispose(uuid)
    assert state(store, uuid) is State.DISPOSING
    clock.advance(2)
    entry = store.monitor_entry(uuid)
    assert (entry.state, entry.status) == (State.IDLE, "Disposed")
    clock.advance(1000)
    assert state(store, uuid) is State.IDLE


def test_dispose_while_disposing_changes_nothing(store, clock):
    uuid = create(store)
    store.execute(uuid)
    clock.advance(11.5)

    assert store.dispose(uuid)
    clock.advance(1.5)
    assert state(store, uuid) is State.IDLE


def test_dispose_on_idle_does_nothing_but_answers_true(store):
    uuid = create(store)

    assert store.dispose(uuid)
    assert store.monitor_entry(uuid).status == ""


def test_execute_while_working_changes_nothing(store, clock):
    uuid = create(store)
    store.execute(uuid)
    clock.advance(5)

    assert store.execute(uuid)
    assert store.monitor_entry(uuid).start == at(0)


def test_commands_on_unknown_uuid_answer_false(store):
    uuid = uuid4()

    assert not store.execute(uuid)
    assert not store.dispose(uuid)
    assert not store.restart(uuid)
    assert not store.delete(uuid)
    assert not store.force(uuid, State.WORKING, None)


@pytest.mark.parametrize(
    ("changes", "cause"),
    [
        pytest.param({"Handlers": []}, "does not have any handlers", id="no-handlers"),
        pytest.param(
            {"Handlers": [{"Name": "X.Y"}]}, "resolve handler X.Y", id="unknown-handler"
        ),
        pytest.param(
            {
                "Options": [
                    {"Name": "SleepTimeout", "Type": "System.Int32", "Value": "abc"}
                ]
            },
            "'abc'",
            id="bad-option",
        ),
        pytest.param({"script": "code/nope.djs"}, "code/nope.djs", id="missing-script"),
    ],
)
def test_broken_pipeline_is_broken_and_cannot_be_executed(store, clock, changes, cause):
    script = changes.pop("script", "code/say-hello.djs")
    uuid = store.create(pipeline_from_json({**body(script=script), **changes})).uuid
    store.execute(uuid)
    clock.advance(1)
    entry = store.monitor_entry(uuid)

    assert entry.state is State.BROKEN
    assert entry.status.startswith(f"Failed to create pipeline [p] {{{uuid}}}\n")
    assert cause in entry.status
    assert entry.start == entry.finish == at(0)
    assert cause in store.validate(uuid)


@pytest.fixture
def looping_store(clock):
    """A store whose activation loop passes every 3 seconds."""
    return Store(clock, TIMINGS.replace(activation_delay=3))


def test_a_broken_pipeline_is_built_again_at_every_pass(looping_store, clock):
    uuid = create(looping_store, script="code/nope.djs")
    clock.advance(3)
    first = looping_store.monitor_entry(uuid)
    clock.advance(3)
    second = looping_store.monitor_entry(uuid)
    # Hours later, only the last pass shows: 3 + 3 * 1200 seconds.
    clock.advance(3600 + 1)
    last = looping_store.monitor_entry(uuid)

    assert (first.start, second.start, last.start) == (at(3), at(6), at(3606))
    assert last.finish == last.start
    assert last.state is State.BROKEN
    assert last.status == first.status


def test_without_an_activation_delay_a_broken_pipeline_keeps_its_times(store, clock):
    uuid = create(store, script="code/nope.djs")
    clock.advance(10)
    assert store.monitor_entry(uuid).start == at(0)


def test_a_forced_state_ends_the_passes_over_a_broken_pipeline(looping_store, clock):
    uuid = create(looping_store, script="code/nope.djs")
    clock.advance(3)
    looping_store.force(uuid, State.IDLE, "fixed by hand")
    clock.advance(9)
    entry = looping_store.monitor_entry(uuid)
    assert (entry.state, entry.status, entry.start) == (
        State.IDLE,
        "fixed by hand",
        at(3),
    )


def test_validate_a_sound_pipeline_is_none(store):
    assert store.validate(create(store)) is None


def test_validate_an_unknown_pipeline_raises(store):
    with pytest.raises(UnknownPipeline):
        store.validate(uuid4())


def test_auto_activation_starts_at_once(store):
    uuid = create(store, activation=0)

    assert state(store, uuid) is State.STARTING


def test_activation_delay_hides_a_new_pipeline_until_due(clock):
    store = Store(clock, TIMINGS.replace(activation_delay=3))
    uuid = create(store, activation=0)
    store.execute(uuid)
    clock.advance(2.9)
    hidden = (store.monitor_entry(uuid), store.monitor())
    clock.advance(0.1)

    assert hidden == (None, [])
    assert store.record(uuid) is not None
    entry = store.monitor_entry(uuid)
    assert (entry.state, entry.start) == (State.STARTING, at(3))


def test_restart_rebuilds_the_entry_after_the_delay(clock):
    store = Store(clock, TIMINGS.replace(activation_delay=3))
    uuid = create(store, sleep=5)
    clock.advance(3)
    store.execute(uuid)

    assert store.restart(uuid)
    assert store.monitor_entry(uuid) is None
    clock.advance(3)
    entry = store.monitor_entry(uuid)
    assert (entry.state, entry.status) == (State.IDLE, "")
    clock.advance(100)
    assert state(store, uuid) is State.IDLE


def test_delete_removes_record_and_entry_at_once(store, clock):
    uuid = create(store)
    store.execute(uuid)

    assert store.delete(uuid)
    assert (store.record(uuid), store.monitor_entry(uuid), store.monitor()) == (
        None,
        None,
        [],
    )
    clock.advance(100)
    assert store.monitor() == []
    assert store.create(pipeline_from_json(body()))


def test_scale_multiplies_every_duration_including_sleep(clock):
    store = Store(clock, TIMINGS.replace(scale=0.1))
    uuid = create(store, sleep=50)
    store.execute(uuid)
    clock.advance(1.1)
    sleeping = state(store, uuid)
    clock.advance(5)

    assert sleeping is State.SLEEPING
    assert state(store, uuid) is State.WORKING


def test_zero_scale_runs_once_within_the_call(clock):
    store = Store(clock, TIMINGS.replace(scale=0))
    uuid = create(store)
    store.execute(uuid)

    assert store.monitor_entry(uuid).status == "Disposed"


def test_duplicate_names_are_refused_case_sensitively(store):
    create(store, name="demo")

    with pytest.raises(DuplicateName) as caught:
        create(store, name="demo")
    assert caught.value.name == "demo"
    assert create(store, name="Demo")


def test_monitor_is_ordered_by_name(store):
    names = ["b", "a", "c", "B", "ä"]
    for name in names:
        create(store, name=name)

    assert [entry.name for entry in store.monitor()] == sorted(names)


def test_encode_monitor_gives_chunks_in_monitor_order(store, clock):
    names = [f"p{index}" for index in (3, 0, 4, 1, 2)]
    for name in names:
        create(store, name=name)
    clock.advance(TIMINGS.activation_delay)

    version, parts = store.encode_monitor(lambda es: [e.name for e in es], chunk=2)

    assert parts == [["p0", "p1"], ["p2", "p3"], ["p4"]]
    assert version == store.caught_up_version()


def test_encode_monitor_of_an_empty_store_has_no_chunks(store):
    assert store.encode_monitor(len, chunk=2) == (store.version, [])


def test_a_name_is_free_again_once_its_pipeline_is_deleted(store, clock):
    uuid = create(store, name="again")
    clock.advance(TIMINGS.activation_delay)
    store.delete(uuid)
    create(store, name="again")
    clock.advance(TIMINGS.activation_delay)

    assert [entry.name for entry in store.monitor()] == ["again"]


def test_monitor_returns_copies(store):
    uuid = create(store)
    store.monitor()[0].status = "changed"
    store.monitor_entry(uuid).status = "changed"

    assert store.monitor_entry(uuid).status == ""


def test_force_sets_state_and_stops_scheduled_steps(store, clock):
    uuid = create(store)
    store.execute(uuid)

    assert store.force(uuid, State.WORKING, "forced")
    clock.advance(1000)
    entry = store.monitor_entry(uuid)
    assert (entry.state, entry.status) == (State.WORKING, "forced")
    store.dispose(uuid)
    clock.advance(2)
    assert state(store, uuid) is State.IDLE


def test_force_activates_a_pending_pipeline(clock):
    store = Store(clock, TIMINGS.replace(activation_delay=3))
    uuid = create(store)

    assert store.force(uuid, State.BROKEN, None)
    assert state(store, uuid) is State.BROKEN
    clock.advance(3)
    assert state(store, uuid) is State.BROKEN


def test_version_counts_changes(store, clock):
    before = store.version
    uuid = create(store)
    store.execute(uuid)
    middle = store.version
    clock.advance(1)
    store.monitor()

    assert before < middle < store.version


def test_reset_empties_but_keeps_timings(store):
    create(store)
    store.reset()

    assert store.monitor() == []
    assert store.timings == TIMINGS


def test_set_timings_applies_to_later_steps(store, clock):
    store.set_timings(TIMINGS.replace(run=100))
    uuid = create(store)
    store.execute(uuid)
    clock.advance(50)

    assert store.timings.run == 100
    assert state(store, uuid) is State.WORKING


SEED_UUID = "9820c413-7ed1-490e-97bd-e449420815c8"


def seed_doc(**changes):
    entry = {"Uuid": SEED_UUID, **body(name="dajet-script-demo"), **changes}
    return {"Pipelines": [entry]}


def test_load_seed_replaces_content_and_activates(store):
    create(store, name="old")
    store.load(Seed.from_json(seed_doc(Activation=0)))

    assert [(e.uuid, e.state) for e in store.monitor()] == [
        (UUID(SEED_UUID), State.STARTING)
    ]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        pytest.param([], "the seed must be a JSON dict", id="not-an-object"),
        pytest.param({"Pipelines": {}}, "Pipelines must be", id="pipelines-not-list"),
        pytest.param(
            seed_doc(Uuid="nope"),
            "'dajet-script-demo': Uuid is not a UUID",
            id="bad-uuid",
        ),
        pytest.param(seed_doc(Uuid=None), "Uuid must be", id="missing-uuid"),
        pytest.param(seed_doc(Name=" "), "Name must not be blank", id="blank-name"),
        pytest.param(
            seed_doc(Activation=2), "Activation must be 0 or 1", id="bad-activation"
        ),
        pytest.param(
            seed_doc(Options=[{"Name": "A", "Type": "B", "Value": 1}]),
            r"Options\[0\]: Value must be",
            id="option-value-not-string",
        ),
        pytest.param(
            seed_doc(Handlers=[{"Options": []}]),
            r"Handlers\[0\]: Name",
            id="handler-without-name",
        ),
        pytest.param(
            {"Pipelines": seed_doc()["Pipelines"] * 2},
            r"Pipelines\[1\]: duplicate Name",
            id="duplicate-name",
        ),
    ],
)
def test_seed_parsing_errors_name_the_bad_entry(doc, message):
    with pytest.raises(ValueError, match=message):
        Seed.from_json(doc)


def test_seed_pipelines_share_equal_handlers_and_options():
    doc = seed_doc()
    twin = {**doc["Pipelines"][0], "Uuid": str(uuid4()), "Name": "twin"}
    other = {**seed_doc(Options=[])["Pipelines"][0], "Uuid": str(uuid4()), "Name": "x"}
    first, second, third = Seed.from_json(
        {"Pipelines": [*doc["Pipelines"], twin, other]}
    ).pipelines

    assert first.handlers is second.handlers is third.handlers
    assert first.options is second.options
    assert third.options == ()


def test_seed_pipelines_keep_none_of_the_documents_strings():
    doc = seed_doc(Options=[{"Name": "A", "Type": "B", "Value": "a value"}])
    entry = doc["Pipelines"][0]
    (pipeline,) = Seed.from_json(doc).pipelines

    assert pipeline.name == entry["Name"] and pipeline.name is not entry["Name"]
    assert pipeline.options[0].value == "a value"
    assert pipeline.options[0].value is not entry["Options"][0]["Value"]


def test_snapshot_round_trip_rebuilds_entries(store, clock):
    uuid = create(store, sleep=5, activation=0)
    create(store, name="broken", script="code/nope.djs")
    store.set_timings(TIMINGS.replace(scale=0.5))
    doc = store.snapshot()

    other = Store(clock)
    other.load_snapshot(doc)

    assert other.snapshot() == doc
    assert other.timings == TIMINGS.replace(scale=0.5)
    assert [(e.name, e.state) for e in other.monitor()] == [
        ("broken", State.BROKEN),
        ("p", State.STARTING),
    ]
    assert other.record(uuid) == store.record(uuid)


def test_on_change_runs_after_record_changes_only(store, clock):
    calls = []
    store.on_change.append(lambda changed: calls.append(changed.version))
    uuid = create(store)
    store.execute(uuid)
    clock.advance(20)
    store.monitor()
    store.delete(uuid)

    assert len(calls) == 2


REACHABLE = {State.IDLE, State.STARTING, State.WORKING, State.DISPOSING, State.SLEEPING}


def _worker(store, clock, number, created):
    rng = random.Random(number)
    mine = []
    for step in range(500):
        action = rng.randrange(6)
        if action == 0 or not mine:
            mine.append(create(store, name=f"t{number}-{step}", sleep=rng.randrange(3)))
        elif action == 1:
            store.execute(rng.choice(mine))
        elif action == 2:
            store.dispose(rng.choice(mine))
        elif action == 3:
            store.restart(rng.choice(mine))
        elif action == 4:
            clock.advance(rng.random())
        else:
            store.monitor_entry(rng.choice(mine))
    created.extend(mine)


def test_threads_lose_no_pipelines_and_reach_only_lifecycle_states(store, clock):
    created = []
    threads = [
        threading.Thread(target=_worker, args=(store, clock, n, created))
        for n in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    entries = store.monitor()
    assert len(entries) == len(created) == len(set(created))
    assert {entry.uuid for entry in entries} == set(created)
    assert {entry.state for entry in entries} <= REACHABLE
    clock.advance(10_000)
    for uuid in created:
        store.dispose(uuid)
    clock.advance(100)
    assert {entry.state for entry in store.monitor()} == {State.IDLE}


def test_many_pipelines_run_side_by_side(clock):
    store = Store(clock, TIMINGS)
    uuids = [create(store, name=f"p{n:06d}", activation=n % 2) for n in range(20_000)]
    clock.advance(5)

    assert state(store, uuids[0]) is State.WORKING
    assert state(store, uuids[1]) is State.IDLE
    assert len(store.monitor()) == 20_000
    assert store.monitor_entry(uuids[0]).activation is Activation.AUTO


def test_version_counts_a_delayed_activation(clock):
    store = Store(clock, TIMINGS.replace(activation_delay=3))
    create(store)
    before = store.version
    clock.advance(3)
    store.monitor()

    assert store.version > before
