from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID

import pytest

from dajet_mock.model import (
    Activation,
    MonitorEntry,
    Option,
    State,
    default_pipeline_info_json,
    format_dotnet_time,
    pipeline_from_json,
    pipeline_info_json,
    pipeline_json,
    pipeline_record_json,
)

UUID_A = UUID("9820c413-7ed1-490e-97bd-e449420815c8")
MOSCOW = timezone(timedelta(hours=3))


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        pytest.param(None, "0001-01-01T00:00:00", id="never-set"),
        pytest.param(
            datetime(2025, 8, 22, 21, 6, 50, 123456, tzinfo=MOSCOW),
            "2025-08-22T21:06:50.1234560+03:00",
            id="seven-digits-and-offset",
        ),
        pytest.param(
            datetime(2025, 8, 22, 21, 6, 50, tzinfo=timezone(-timedelta(hours=5.5))),
            "2025-08-22T21:06:50.0000000-05:30",
            id="whole-second-negative-offset",
        ),
        pytest.param(
            datetime(2025, 1, 2, 3, 4, 5, 7, tzinfo=UTC),
            "2025-01-02T03:04:05.0000070+00:00",
            id="utc-keeps-offset",
        ),
    ],
)
def test_format_dotnet_time(moment, text):
    assert format_dotnet_time(moment) == text


def test_pipeline_from_json_takes_server_defaults_and_ignores_unknown():
    pipeline = pipeline_from_json({"Extra": 1})

    assert pipeline.name == ""
    assert pipeline.activation is Activation.MANUAL
    assert pipeline.options == ()
    assert pipeline.handlers == ()


def test_pipeline_from_json_gives_fresh_uuids():
    assert pipeline_from_json({}).uuid != pipeline_from_json({}).uuid


def test_pipeline_from_json_reads_options_and_handlers():
    body = {
        "Name": "demo",
        "Activation": 0,
        "Options": [{"Name": "SleepTimeout", "Type": "System.Int32", "Value": "5"}],
        "Handlers": [
            {
                "Name": "DaJet.Flow.Script.Runner",
                "Options": [{"Name": "Script", "Type": "System.String", "Value": "x"}],
            }
        ],
    }

    pipeline = pipeline_from_json(body, UUID_A)

    assert pipeline.uuid == UUID_A
    assert pipeline.activation is Activation.AUTO
    assert pipeline.options == (Option("SleepTimeout", "System.Int32", "5"),)
    assert pipeline.handlers[0].options[0].value == "x"
    assert pipeline_json(pipeline) == {"Uuid": str(UUID_A), **body}


@pytest.mark.parametrize("value", [1, 7, -3], ids=["manual", "seven", "negative"])
def test_activation_other_than_zero_is_stored_as_manual(value):
    assert pipeline_from_json({"Activation": value}).activation is Activation.MANUAL


def test_pipeline_info_json_has_server_keys_in_order():
    start = datetime(2025, 8, 22, 21, 6, 50, 1, tzinfo=MOSCOW)
    entry = MonitorEntry(
        UUID_A, "demo", "", start, None, State.WORKING, Activation.AUTO
    )

    body = pipeline_info_json(entry)

    assert list(body) == [
        "Uuid",
        "Name",
        "Status",
        "Start",
        "Finish",
        "State",
        "Activation",
    ]
    assert body["Uuid"] == "9820c413-7ed1-490e-97bd-e449420815c8"
    assert body["Start"] == "2025-08-22T21:06:50.0000010+03:00"
    assert body["Finish"] == "0001-01-01T00:00:00"
    assert (body["State"], body["Activation"]) == (2, 0)


def test_default_pipeline_info_json_is_an_idle_manual_nameless_entry():
    uuid = UUID("ABCDEF00-0000-0000-0000-000000000001")

    assert default_pipeline_info_json(uuid) == {
        "Uuid": "abcdef00-0000-0000-0000-000000000001",
        "Name": "",
        "Status": "",
        "Start": "0001-01-01T00:00:00",
        "Finish": "0001-01-01T00:00:00",
        "State": 0,
        "Activation": 1,
    }


def test_pipeline_record_json_is_the_stored_record():
    pipeline = pipeline_from_json({"Name": "demo", "Activation": 0}, UUID_A)

    assert pipeline_record_json(pipeline) == {
        "Name": "demo",
        "Activation": 0,
        "TypeCode": 20,
        "Identity": str(UUID_A),
    }


@pytest.mark.parametrize(
    ("state", "number"),
    [
        (State.BROKEN, -1),
        (State.IDLE, 0),
        (State.STARTING, 1),
        (State.WORKING, 2),
        (State.DISPOSING, 3),
        (State.SLEEPING, 4),
    ],
    ids=lambda value: getattr(value, "name", str(value)),
)
def test_states_are_numbered_like_the_server(state, number):
    assert int(state) == number
