"""The control API under /__mock/, over HTTP in-process."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import DEMO, UNKNOWN, json_body, pipeline_body
from openapi_spec_validator import validate

from dajet_mock.control import DOCUMENT_PATH
from dajet_mock.factory import create_app

SEED = {
    "Pipelines": [
        {"Uuid": UNKNOWN, "Name": "only-one", **pipeline_body("x", Name="only-one")}
    ]
}


def names(client, session=None):
    headers = {"X-Mock-Session": session} if session else {}
    return [e["Name"] for e in json_body(client.get("/flow/monitor", headers=headers))]


def test_reset_brings_back_the_seed_and_clears_faults_and_journal(client):
    client.delete(f"/flow/{DEMO}")
    client.post("/__mock/faults", {"path": "/flow/handlers", "status": 500})
    assert client.post("/__mock/reset").status == 204
    assert json_body(client.get("/__mock/journal")) == []
    assert json_body(client.get("/__mock/faults")) == []
    assert "dajet-script-demo" in names(client)


def test_seed_replaces_the_pipelines(client):
    response = client.request("PUT", "/__mock/seed", body=SEED)
    assert json_body(response) == {"pipelines": 1}
    assert names(client) == ["only-one"]


@pytest.mark.parametrize(
    "doc",
    [
        [],
        {"Pipelines": "no"},
        {"Pipelines": [{"Name": "no-uuid"}]},
        {"Pipelines": [{"Uuid": UNKNOWN, "Name": " "}]},
        {"Pipelines": [SEED["Pipelines"][0], SEED["Pipelines"][0]]},
    ],
    ids=["array", "not-a-list", "no-uuid", "blank-name", "duplicate"],
)
def test_bad_seed_is_400_and_changes_nothing(client, doc):
    before = names(client)
    response = client.request("PUT", "/__mock/seed", body=doc)
    assert response.status == 400
    assert json_body(response)["detail"].startswith("seed ")
    assert names(client) == before


def test_seed_that_is_not_json_is_400(client):
    response = client.request("PUT", "/__mock/seed", body=b"{oops")
    assert response.status == 400
    assert "not JSON" in json_body(response)["detail"]


def test_journal_lists_flow_requests_and_clears(client):
    client.get("/flow/monitor")
    client.put(f"/flow/execute/{UNKNOWN}")
    journal = json_body(client.get("/__mock/journal"))
    assert [(e["method"], e["path"], e["status"]) for e in journal] == [
        ("GET", "/flow/monitor", 200),
        ("PUT", f"/flow/execute/{UNKNOWN}", 404),
    ]
    assert {"session", "time", "duration"} <= journal[0].keys()
    assert client.delete("/__mock/journal").status == 204
    assert json_body(client.get("/__mock/journal")) == []


def test_timings_are_read_and_changed_in_part(client):
    response = client.request("PUT", "/__mock/timings", body={"run": 5, "scale": 2})
    timings = json_body(client.get("/__mock/timings"))
    assert response.status == 200
    assert (timings["run"], timings["scale"], timings["starting"]) == (5, 2, 0.1)


@pytest.mark.parametrize(
    "doc",
    [{"run": -1}, {"run": "fast"}, {"speed": 2}, [1]],
    ids=["negative", "string", "unknown", "array"],
)
def test_bad_timings_are_400_and_change_nothing(client, doc):
    before = json_body(client.get("/__mock/timings"))
    assert client.request("PUT", "/__mock/timings", body=doc).status == 400
    assert json_body(client.get("/__mock/timings")) == before


def test_clock_advance_runs_the_lifecycle(client):
    client.put(f"/flow/execute/{DEMO}")
    response = client.post("/__mock/clock/advance", {"seconds": 0.5})
    assert json_body(response)["monotonic"] == 0.5
    assert json_body(client.get(f"/flow/monitor/{DEMO}"))["State"] == 2


@pytest.mark.parametrize(
    "doc", [{"seconds": -1}, {"seconds": "1"}, {}, {"seconds": True}]
)
def test_bad_advance_is_400(client, doc):
    assert client.post("/__mock/clock/advance", doc).status == 400


def test_advance_on_the_system_clock_is_409():
    client_app = create_app()
    from conftest import Client

    response = Client(client_app).post("/__mock/clock/advance", {"seconds": 1})
    assert response.status == 409
    assert json_body(Client(client_app).get("/__mock/clock"))["manual"] is False


def test_force_sets_state_and_status(client):
    body = {"State": -1, "Status": "Failed on purpose"}
    response = client.request("PUT", f"/__mock/pipelines/{DEMO}/state", body=body)
    entry = json_body(client.get(f"/flow/monitor/{DEMO}"))
    assert response.status == 200
    assert (entry["State"], entry["Status"]) == (-1, "Failed on purpose")


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        (f"/__mock/pipelines/{UNKNOWN}/state", {"State": 2}, 404),
        ("/__mock/pipelines/not-a-uuid/state", {"State": 2}, 404),
        (f"/__mock/pipelines/{DEMO}/state", {"State": 9}, 400),
        (f"/__mock/pipelines/{DEMO}/state", {"State": 2, "Status": 5}, 400),
    ],
    ids=["unknown", "not-a-uuid", "bad-state", "bad-status"],
)
def test_bad_force_is_refused(client, path, body, status):
    assert client.request("PUT", path, body=body).status == status


def test_fault_replaces_status_body_and_headers_for_n_requests(client):
    fault = {
        "method": "POST",
        "path": "/flow",
        "status": 201,
        "body": "42",
        "headers": {"Location": None},
        "times": 1,
    }
    created = json_body(client.post("/__mock/faults", fault))
    first = client.post("/flow", pipeline_body("one"))
    second = client.post("/flow", pipeline_body("two"))
    assert created["id"] >= 1
    assert (first.status, first.body, first.header("location")) == (201, b"42", None)
    assert second.header("location") == "two"
    assert json_body(client.get("/__mock/faults")) == []
    # A success status leaves the request handled: "one" was stored.
    assert client.post("/flow", pipeline_body("one")).status == 409


def test_an_error_fault_answers_in_place_of_the_request(client, store):
    before = store.snapshot()
    client.post("/__mock/faults", {"method": "POST", "path": "/flow", "status": 503})
    response = client.post("/flow", pipeline_body("refused"))
    assert (response.status, json_body(response)["status"]) == (503, 503)
    assert response.header("location") is None
    assert store.snapshot() == before


def test_a_handled_error_fault_answers_after_the_request_changed_the_store(client):
    fault = {"method": "POST", "path": "/flow", "status": 500, "handled": True}
    client.post("/__mock/faults", fault | {"times": 1})
    assert client.post("/flow", pipeline_body("kept")).status == 500
    assert client.post("/flow", pipeline_body("kept")).status == 409


def test_an_error_status_header_leaves_the_pipeline_as_it_was(client, store):
    path = f"/flow/execute/{DEMO}"
    before = store.monitor()
    response = client.put(path, headers={"X-Mock-Status": "503"})
    assert (response.status, store.monitor()) == (503, before)
    assert client.put(path).status == 200
    assert store.monitor() != before


def test_fault_can_answer_200_for_an_unknown_pipeline(client):
    fault = {"path": "/flow/execute/*", "status": 200, "body": ""}
    client.post("/__mock/faults", fault | {"headers": {"Content-Type": None}})
    response = client.put(f"/flow/execute/{UNKNOWN}")
    assert (response.status, response.body, response.headers) == (200, b"", [])


def test_fault_until_cleared_and_removal_by_id(client):
    fault = json_body(client.post("/__mock/faults", {"path": "/flow/monitor"}))
    fault2 = client.post("/__mock/faults", {"path": "/flow/handlers", "status": 503})
    assert client.get("/flow/handlers").status == 503
    assert client.get("/flow/handlers").status == 503
    assert client.delete(f"/__mock/faults/{json_body(fault2)['id']}").status == 204
    assert client.get("/flow/handlers").status == 200
    assert client.delete(f"/__mock/faults/{fault['id'] + 99}").status == 404
    assert client.delete("/__mock/faults").status == 204


@pytest.mark.parametrize(
    "doc",
    [
        {"status": 99},
        {"latency": -1},
        {"times": 0},
        {"drop": "yes"},
        {"headers": {"X": "line\nbreak"}},
        {"colour": "red"},
        [],
        {"status": 503, "handled": "no"},
        {"latency": 1, "handled": False},
    ],
    ids=[
        "status",
        "latency",
        "times",
        "drop",
        "header",
        "unknown",
        "array",
        "handled-not-a-flag",
        "unhandled-without-status",
    ],
)
def test_bad_fault_is_400(client, doc):
    response = client.post("/__mock/faults", doc)
    assert response.status == 400
    assert json_body(client.get("/__mock/faults")) == []


def test_status_header_override_applies_to_one_request(client):
    response = client.get("/flow/monitor", headers={"X-Mock-Status": "503"})
    assert response.status == 503
    assert json_body(response)["status"] == 503
    assert client.get("/flow/monitor").status == 200


def test_latency_header_override_is_recorded_in_the_journal(client):
    client.get("/flow/monitor", headers={"X-Mock-Latency": "0.25"})
    assert json_body(client.get("/__mock/journal"))[-1]["duration"] >= 250


def test_bad_override_header_is_400_and_changes_nothing(client, store):
    before = store.snapshot()
    response = client.post(
        "/flow",
        pipeline_body(),
        headers={"content-type": "application/json", "x-mock-status": "soon"},
    )
    assert response.status == 400
    assert store.snapshot() == before


def test_unknown_control_path_is_404_and_wrong_method_405(client):
    assert client.get("/__mock/nothing").status == 404
    response = client.get("/__mock/reset")
    assert (response.status, response.header("allow")) == (405, "POST")


def test_control_document_is_served_and_valid(client):
    response = client.get("/__mock/openapi.yaml")
    document = yaml.safe_load(response.body)
    assert response.header("content-type") == "application/yaml"
    validate(document)
    assert document == yaml.safe_load(DOCUMENT_PATH.read_text(encoding="utf-8"))


def test_control_document_lists_every_control_operation(app):
    document = yaml.safe_load(DOCUMENT_PATH.read_text(encoding="utf-8"))
    documented = {
        (method.upper(), re.sub(r"\{\w+\}", "*", path.removeprefix("/__mock/")))
        for path, item in document["paths"].items()
        for method in item
    }
    assert documented == set(app.control._routes)
