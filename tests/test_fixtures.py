"""Every fixture fits the contract, and the documented ones are the documentation's."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dajet_mock.resources import fixture_path
from dajet_mock.spec import load_spec, validator_for

SPEC = load_spec()
EXAMPLES = SPEC["components"]["examples"]


def fixture(name: str) -> Any:
    return json.loads(fixture_path(name).read_text(encoding="utf-8"))


def assert_fits(pointer: str, value: Any) -> None:
    validator = validator_for(SPEC, pointer)
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)
    ]
    assert not errors, errors


def test_pipeline_json_is_the_documented_body() -> None:
    body = fixture("pipeline.json")
    assert_fits("#/components/schemas/PipelineModel", body)
    assert body == EXAMPLES["PipelineJson"]["value"]


def test_monitor_json_is_the_documented_list() -> None:
    entries = fixture("monitor.json")
    assert_fits("#/components/schemas/PipelineInfoList", entries)
    assert entries == EXAMPLES["MonitorList"]["value"]


def test_catalogue_handlers_fit_the_handler_schema() -> None:
    catalogue = fixture("catalogue.json")
    assert_fits("#/components/schemas/HandlerList", catalogue["Handlers"])
    assert_fits("#/components/schemas/OptionList", catalogue["Pipeline"]["Options"])
    names = [handler["Name"] for handler in catalogue["Handlers"]]
    assert len(names) == len(set(names))
    assert "DaJet.Flow.Script.Runner" in names


def test_catalogue_names_the_scripts_of_the_documented_pipelines() -> None:
    scripts = fixture("catalogue.json")["Scripts"]
    assert {"code/say-hello.djs", "code/flow-script.djs"} <= set(scripts)


@pytest.mark.parametrize(
    "pipeline",
    fixture("seed.json")["Pipelines"],
    ids=lambda pipeline: str(pipeline["Name"]),
)
def test_seed_pipeline_fits_the_create_body(pipeline: dict[str, Any]) -> None:
    assert_fits("#/components/schemas/PipelineModel", pipeline)
    assert_fits("#/components/schemas/Uuid", pipeline["Uuid"])


def test_seed_holds_the_documented_pipelines_and_the_variety_the_mock_needs() -> None:
    pipelines = fixture("seed.json")["Pipelines"]
    names = [pipeline["Name"] for pipeline in pipelines]
    assert len(names) == len(set(names))
    documented = {(e["Uuid"], e["Name"]) for e in fixture("monitor.json")}
    assert documented <= {(p["Uuid"], p["Name"]) for p in pipelines}
    assert any(pipeline["Activation"] == 0 for pipeline in pipelines)
    catalogue = {handler["Name"] for handler in fixture("catalogue.json")["Handlers"]}
    unknown = [
        pipeline
        for pipeline in pipelines
        if any(handler["Name"] not in catalogue for handler in pipeline["Handlers"])
    ]
    assert unknown, "the seed needs a pipeline that cannot be built"
