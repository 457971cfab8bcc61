"""The documentation page's examples, replayed as written; only the name is unique.

The page creates `pipeline.json`, reads the monitor, executes, disposes and
deletes. Its pipeline runs `code/flow-script.djs`, which a stock server lacks (the
pipeline is then broken) but another server may have and run; so the page's
execute and dispose are replayed on a harmless pipeline, never on that one.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from contract_tests import naming, pipelines
from contract_tests.target import Target
from contract_tests.violations import expect, expect_empty, expect_json, expect_status

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PIPELINE_INFO_KEYS = [
    "Uuid",
    "Name",
    "Status",
    "Start",
    "Finish",
    "State",
    "Activation",
]


def _documented_pipeline() -> dict[str, Any]:
    body: dict[str, Any] = json.loads((FIXTURES / "pipeline.json").read_text("utf-8"))
    body["Name"] = naming.pipeline_name(body["Name"])
    return body


@pytest.mark.changes_state
def test_documented_post_answers_as_documented(target: Target, create: Any) -> None:
    """`POST /flow` with pipeline.json: 201, the uuid as a JSON string, Location."""
    body = _documented_pipeline()
    response, uuid = create(
        body,
        content=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    expect_status(response, 201, "create_is_201")
    media_type = response.headers.get("Content-Type", "").split(";")[0]
    expect(
        response,
        media_type == "application/json",
        "content_type_conformance",
        f"Content-Type {media_type!r}",
    )
    expect(
        response,
        uuid is not None,
        "response_schema_conformance",
        f"body {response.text!r} is not a uuid string",
    )
    expect(
        response,
        response.headers.get("Location") == body["Name"],
        "location_conformance",
        f"Location {response.headers.get('Location')!r}",
    )
    expect_empty(target.request("DELETE", f"/flow/{uuid}"), "delete_is_empty_200")


def test_documented_monitor_has_documented_shape(target: Target) -> None:
    """`GET /flow/monitor`: a JSON array of entries with the documented properties."""
    response = target.request("GET", "/flow/monitor")
    expect_status(response, 200, "monitor_is_200")
    entries = expect_json(response, "response_schema_conformance")
    expect(
        response,
        isinstance(entries, list),
        "response_schema_conformance",
        "the monitor is not a JSON array",
    )
    for entry in entries if isinstance(entries, list) else []:
        expect(
            response,
            list(entry) == PIPELINE_INFO_KEYS,
            "response_schema_conformance",
            f"entry properties {list(entry)}, documented {PIPELINE_INFO_KEYS}",
        )


@pytest.mark.changes_state
def test_documented_commands_answer_empty_200(target: Target, create: Any) -> None:
    """Execute, dispose and delete answer 200 with `Content-Length: 0`, as shown."""
    response, uuid = create(pipelines.harmless("documented-commands"))
    expect_status(response, 201, "create_is_201")
    target.eventually(
        lambda: target.request("GET", f"/flow/monitor/{uuid}"),
        lambda r: r.json().get("Name") != "",
        "created_pipeline_is_built",
        f"the monitor entry of {uuid}",
    )
    for method, path in [("PUT", "execute/"), ("PUT", "dispose/"), ("DELETE", "")]:
        answer = target.request(method, f"/flow/{path}{uuid}")
        expect_status(answer, 200, "command_is_200")
        expect(
            answer,
            answer.headers.get("Content-Length") == "0",
            "command_is_empty",
            f"Content-Length {answer.headers.get('Content-Length')!r}",
        )
