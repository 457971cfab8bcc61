import pytest

from dajet_mock.catalogue import Catalogue, default_catalogue, sleep_timeout
from dajet_mock.model import pipeline_from_json

RUNNER = "DaJet.Flow.Script.Runner"


def script_runner(script="code/say-hello.djs"):
    return {"Name": RUNNER, "Options": [_option("Script", script)]}


def _option(name, value, type_name="System.String"):
    return {"Name": name, "Type": type_name, "Value": value}


def pipeline(options=(), handlers=None):
    handlers = [script_runner()] if handlers is None else handlers
    return pipeline_from_json(
        {"Name": "p", "Options": list(options), "Handlers": handlers}
    )


@pytest.fixture
def catalogue():
    return default_catalogue()


def test_handler_list_names_types_with_empty_options(catalogue):
    handlers = {item["Name"]: item for item in catalogue.handler_list_json()}

    assert handlers[RUNNER] == {
        "Name": RUNNER,
        "Input": "",
        "Output": "",
        "Options": [],
    }
    assert handlers["DaJet.Flow.RabbitMQ.Consumer"]["Output"] == (
        "DaJet.Flow.RabbitMQ.Message"
    )
    assert {"DaJet.Flow.Kafka.Producer", "DaJet.Flow.PostgreSql.Consumer"} <= set(
        handlers
    )


def test_options_of_the_script_runner(catalogue):
    assert catalogue.options_json(RUNNER) == [
        {"Name": "Script", "Type": "System.String", "Value": "", "IsRequired": True}
    ]


def test_options_of_the_pipeline_itself(catalogue):
    options = catalogue.options_json("DaJet.Flow.Pipeline")

    assert [(o["Name"], o["Type"]) for o in options] == [
        ("SleepTimeout", "System.Int32"),
        ("ShowStackTrace", "System.Boolean"),
    ]


def test_options_of_an_unknown_owner_is_none(catalogue):
    assert catalogue.options_json("No.Such.Handler") is None


def test_a_sound_pipeline_has_no_build_error(catalogue):
    options = [
        _option("SleepTimeout", "10", "System.Int32"),
        _option("ShowStackTrace", "True", "System.Boolean"),
    ]

    assert catalogue.build_error(pipeline(options)) is None


@pytest.mark.parametrize(
    ("options", "handlers", "message"),
    [
        pytest.param([], [], "Pipeline does not have any handlers.", id="no-handlers"),
        pytest.param(
            [],
            [{"Name": "No.Such.Handler", "Options": []}],
            "Failed to resolve handler No.Such.Handler.",
            id="unknown-handler",
        ),
        pytest.param(
            [_option("SleepTimeout", "abc")],
            None,
            "The input string 'abc' was not in a correct format.",
            id="sleep-timeout-not-a-number",
        ),
        pytest.param(
            [_option("SleepTimeout", "-5")],
            None,
            "non-negative",
            id="sleep-timeout-negative",
        ),
        pytest.param(
            [_option("ShowStackTrace", "yes")],
            None,
            "String 'yes' was not recognized as a valid Boolean.",
            id="show-stack-trace-not-a-boolean",
        ),
        pytest.param(
            [],
            [script_runner("code/missing.djs")],
            "Could not find file 'code/missing.djs'.",
            id="missing-script",
        ),
    ],
)
def test_build_error_names_the_cause(catalogue, options, handlers, message):
    error = catalogue.build_error(pipeline(options, handlers))

    assert error is not None
    assert message in error


def test_from_json_is_the_fixture_parser():
    catalogue = Catalogue.from_json(
        {
            "Handlers": [
                {
                    "Name": "A",
                    "Input": "X",
                    "Output": "Y",
                    "Options": [
                        {"Name": "Script", "Type": "System.String", "IsRequired": False}
                    ],
                }
            ],
            "Scripts": ["code/a.djs"],
        }
    )

    assert catalogue.handler_list_json() == [
        {"Name": "A", "Input": "X", "Output": "Y", "Options": []}
    ]
    assert catalogue.options_json("A")[0]["IsRequired"] is False
    good = pipeline(
        handlers=[{"Name": "A", "Options": [_option("Script", "code/a.djs")]}]
    )
    assert catalogue.build_error(good) is None
    assert catalogue.build_error(pipeline()) is not None


def test_default_catalogue_has_the_stock_and_documented_scripts(catalogue):
    assert catalogue.scripts == {"code/say-hello.djs", "code/flow-script.djs"}


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("5", 5), (" 7 ", 7), ("abc", 0), ("-1", 0)],
    ids=["five", "blanks", "invalid", "negative"],
)
def test_sleep_timeout_reads_the_pipeline_option(value, seconds):
    assert sleep_timeout(pipeline([_option("SleepTimeout", value)])) == seconds


def test_sleep_timeout_defaults_to_zero():
    assert sleep_timeout(pipeline()) == 0
