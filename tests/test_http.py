"""The flow API answered in-process: every answer real-server.md describes."""

from __future__ import annotations

import json
from urllib.parse import unquote
from uuid import UUID

import pytest
from conftest import DEMO, DOCUMENTED, JSON_TYPE, UNKNOWN, json_body, pipeline_body

from dajet_mock.model import State
from dajet_mock.operations import OPERATIONS
from dajet_mock.problems import INVALID_PARAMETERS

JSON_MEDIA = "application/json; charset=utf-8"
TEXT_MEDIA = "text/plain; charset=utf-8"


def content_type(response):
    return response.header("content-type")


def snapshot(store):
    return store.snapshot(), [(e.uuid, e.state, e.status) for e in store.monitor()]


@pytest.fixture
def unchanged(store):
    before = snapshot(store)
    yield
    assert snapshot(store) == before


def test_monitor_lists_the_seed_by_name_as_text_plain(client):
    response = client.get("/flow/monitor")
    names = [entry["Name"] for entry in json_body(response)]
    assert response.status == 200
    assert content_type(response) == TEXT_MEDIA
    assert names == sorted(names)
    assert "dajet-script-demo" in names


def test_monitor_body_is_indented_like_dotnet(client):
    body = client.get(f"/flow/monitor/{DEMO}").body.decode()
    assert body.startswith('{\n  "Uuid": ')


@pytest.mark.parametrize(
    "path",
    [
        f"/flow/monitor/{DEMO}",
        f"/FLOW/MONITOR/{DEMO.upper()}",
        f"/flow/monitor/{DEMO}/",
        f"/flow/monitor/{DEMO.replace('-', '')}",
        f"/flow/monitor/{{{DEMO}}}",
        f"/flow/monitor/({DEMO})",
    ],
    ids=["d-form", "upper-case", "trailing-slash", "n-form", "b-form", "p-form"],
)
def test_monitor_entry_accepts_dotnet_guid_forms(client, path):
    response = client.get(path)
    assert response.status == 200
    assert json_body(response)["Uuid"] == DEMO


def test_unknown_monitor_entry_is_the_default_entry(client):
    response = client.get(f"/flow/monitor/{UNKNOWN}")
    assert response.status == 200
    assert content_type(response) == JSON_MEDIA
    assert json_body(response) == {
        "Uuid": UNKNOWN,
        "Name": "",
        "Status": "",
        "Start": "0001-01-01T00:00:00",
        "Finish": "0001-01-01T00:00:00",
        "State": 0,
        "Activation": 1,
    }


def test_monitor_entry_with_content_length_zero_is_400(client, unchanged):
    response = client.get(f"/flow/monitor/{DEMO}", headers={"Content-Length": "0"})
    assert response.status == 400
    assert json_body(response)["status"] == 400


def test_get_pipeline_answers_the_record(client):
    response = client.get(f"/flow/{DOCUMENTED}")
    assert json_body(response) == {
        "Name": "test-flow-script",
        "Activation": 1,
        "TypeCode": 20,
        "Identity": DOCUMENTED,
    }


def test_get_unknown_pipeline_is_null(client):
    response = client.get(f"/flow/{UNKNOWN}")
    assert (response.status, response.body) == (200, b"null")


def test_handlers_and_options_are_text_plain(client):
    handlers = client.get("/flow/handlers")
    options = client.get("/flow/options/DaJet.Flow.Script.Runner")
    assert content_type(handlers) == content_type(options) == TEXT_MEDIA
    assert json_body(options)[0]["Name"] == "Script"


def test_options_of_unknown_owner_is_404_problem(client):
    response = client.get("/flow/options/No.Such.Handler")
    assert response.status == 404
    assert json_body(response)["title"] == "Not Found"


def test_create_answers_201_uuid_and_location(client, store):
    response = client.post("/flow", pipeline_body("test-new"))
    uuid = json_body(response)
    assert response.status == 201
    assert content_type(response) == JSON_MEDIA
    assert response.header("location") == "test-new"
    assert str(store.record(UUID(uuid)).uuid) == uuid


def test_create_percent_encodes_a_cyrillic_name_in_location(client):
    response = client.post("/flow", pipeline_body("Обмен заказами"))
    location = response.header("location")
    assert location.isascii()
    assert unquote(location) == "Обмен заказами"


def test_created_pipeline_is_listed_and_runs_on_the_clock(client, app):
    uuid = json_body(client.post("/flow", pipeline_body()))
    assert client.put(f"/flow/execute/{uuid}").status == 200
    assert json_body(client.get(f"/flow/monitor/{uuid}"))["State"] == State.STARTING
    app.sessions.clock.advance(0.2)
    assert json_body(client.get(f"/flow/monitor/{uuid}"))["State"] == State.WORKING


def test_activation_delay_hides_a_new_pipeline_until_it_passes(client, app):
    app.control.set_timings(app.sessions.get(""), {"activation_delay": 3})
    uuid = json_body(client.post("/flow", pipeline_body()))
    listed = [e["Uuid"] for e in json_body(client.get("/flow/monitor"))]
    assert uuid not in listed
    app.sessions.clock.advance(3)
    listed = [e["Uuid"] for e in json_body(client.get("/flow/monitor"))]
    assert uuid in listed


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/flow/dispose/{}"),
        ("PUT", "/flow/restart/{}"),
        ("GET", "/flow/validate/{}"),
        ("DELETE", "/flow/{}"),
    ],
    ids=["dispose", "restart", "validate", "delete"],
)
def test_commands_on_a_known_pipeline_are_200_empty(client, method, path):
    response = client.request(method, path.format(DEMO))
    assert (response.status, response.body, response.headers) == (200, b"", [])


def test_delete_removes_record_and_monitor_entry(client, store):
    client.delete(f"/flow/{DEMO}")
    assert store.record(UUID(DEMO)) is None
    assert DEMO not in [e["Uuid"] for e in json_body(client.get("/flow/monitor"))]


def test_delete_unknown_pipeline_is_200(client, unchanged):
    assert client.delete(f"/flow/{UNKNOWN}").status == 200


def test_validate_broken_pipeline_is_500_with_the_reason(client):
    body = pipeline_body("broken", Handlers=[])
    uuid = json_body(client.post("/flow", body))
    response = client.get(f"/flow/validate/{uuid}")
    assert response.status == 500
    assert "handlers" in json_body(response)["detail"]


# Every error answer leaves the store as it was.


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/flow/execute/{}"),
        ("PUT", "/flow/dispose/{}"),
        ("PUT", "/flow/restart/{}"),
        ("GET", "/flow/validate/{}"),
    ],
    ids=["execute", "dispose", "restart", "validate"],
)
def test_command_on_unknown_pipeline_is_404_problem(client, unchanged, method, path):
    response = client.request(method, path.format(UNKNOWN))
    problem = json_body(response)
    assert response.status == 404
    assert content_type(response) == JSON_MEDIA
    assert problem["type"] == "https://tools.ietf.org/html/rfc9110#section-15.5.5"
    assert problem["traceId"].startswith("00-")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/flow/monitor/not-a-uuid"),
        ("PUT", "/flow/execute/12345"),
        ("DELETE", "/flow/zzzzzzzz-7ed1-490e-97bd-e449420815c8"),
        ("GET", "/flow/nothing/here/at/all"),
        ("GET", "/"),
    ],
    ids=["monitor", "execute", "delete", "deep", "root"],
)
def test_non_uuid_segment_is_404_without_body(client, unchanged, method, path):
    response = client.request(method, path)
    assert (response.status, response.body, response.headers) == (404, b"", [])


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", f"/flow/{DEMO}", "GET, DELETE"),
        ("GET", "/flow", "POST"),
        ("DELETE", "/flow/monitor", "GET"),
        ("GET", f"/flow/execute/{DEMO}", "PUT"),
        ("HEAD", "/flow/handlers", "GET"),
    ],
    ids=["post-pipeline", "get-flow", "delete-monitor", "get-execute", "head"],
)
def test_wrong_method_is_405_with_allow(client, unchanged, method, path, allow):
    response = client.request(method, path)
    assert response.status == 405
    assert response.header("allow") == allow
    assert response.body == b""


def test_post_without_content_type_is_415_problem(client, unchanged):
    response = client.request("POST", "/flow", body=json.dumps(pipeline_body()))
    assert response.status == 415
    assert json_body(response)["status"] == 415


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/flow"), ("GET", "/flow/monitor"), ("PUT", f"/flow/execute/{DEMO}")],
    ids=["post", "get", "put"],
)
def test_non_json_content_type_is_415_empty(client, unchanged, method, path):
    headers = {"Content-Type": "text/plain"}
    response = client.request(method, path, headers=headers, body=b"{}")
    assert (response.status, response.body) == (415, b"")


def test_vendor_json_content_type_is_accepted(client):
    headers = {"Content-Type": "application/vnd.dajet+json; charset=utf-8"}
    response = client.request("POST", "/flow", headers, pipeline_body())
    assert response.status == 201


def test_body_over_the_limit_is_413(client, unchanged, app):
    body = json.dumps(pipeline_body(Padding="x" * app.max_body)).encode()
    response = client.post("/flow", body)
    assert (response.status, response.body) == (413, b"")


def test_body_marked_too_large_by_the_adapter_is_413(app, unchanged):
    from dajet_mock.messages import Request

    request = Request("POST", "/flow", dict(JSON_TYPE), b"", body_too_large=True)
    assert app(request).status == 413


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (b"{not json", "$"),
        (b"\xff\xfe{}", "$"),
        (b"[" * 65 + b"]" * 65, "$"),
        (b"[]", "$"),
        (b"", ""),
        ({"Name": "x", "Activation": "Manual"}, "$.Activation"),
        ({"Name": "x", "Activation": 7}, "$.Activation"),
        ({"Name": 5}, "$.Name"),
        ({"Name": "x", "Options": None}, "$.Options"),
        ({"Name": "x", "Handlers": None}, "$.Handlers"),
        ({"Name": "x", "Options": [{"Name": "a", "Value": 0}]}, "$.Options[0].Value"),
        ({"Name": "x", "Options": [{"Name": None}]}, "$.Options[0].Name"),
        (
            {"Name": "x", "Handlers": [{"Options": [{"Name": "a"}, {"Name": "a"}]}]},
            "$.Handlers[0].Options",
        ),
    ],
    ids=[
        "malformed",
        "invalid-utf8",
        "too-deep",
        "array",
        "empty",
        "activation-string",
        "activation-outside-enum",
        "name-number",
        "options-null",
        "handlers-null",
        "value-number",
        "option-name-null",
        "repeated-option",
    ],
)
def test_bad_body_is_400_validation_problem(client, unchanged, body, path):
    response = client.post("/flow", body)
    problem = json_body(response)
    assert response.status == 400
    assert problem["title"] == "One or more validation errors occurred."
    assert path in problem["errors"]


def test_a_binding_error_says_where_the_value_is_as_dotnet_does(client, unchanged):
    body = b'{\n  "Name": "x",\n  "Options": [{"Name": 1}]\n}'
    problem = json_body(client.post("/flow", body))
    assert problem["errors"]["$.Options[0].Name"] == [
        "The JSON value could not be converted to System.String. "
        "Path: $.Options[0].Name | LineNumber: 2 | BytePositionInLine: 24."
    ]


def test_very_deep_body_does_not_break_the_mock(client, unchanged):
    response = client.post("/flow", b"[" * 100_000 + b"]" * 100_000)
    assert response.status == 400


@pytest.mark.parametrize(
    "body",
    [{}, {"Name": ""}, {"Name": "   "}, {"Name": None}, {"Activation": 1}],
    ids=["missing", "empty", "blank", "null", "only-activation"],
)
def test_missing_or_blank_name_is_400_string(client, unchanged, body):
    response = client.post("/flow", body)
    assert response.status == 400
    assert response.body.startswith(b'"\\u041D\\u0435')
    assert json_body(response) == INVALID_PARAMETERS


def test_duplicate_name_is_409_problem(client, unchanged):
    response = client.post("/flow", pipeline_body("test-flow-script"))
    problem = json_body(response)
    assert response.status == 409
    assert "test-flow-script" in problem["detail"]


def test_property_names_match_in_any_letter_case(client):
    response = client.post("/flow", {"name": "lower-case", "activation": 0})
    assert response.status == 201


def test_unknown_properties_are_ignored(client):
    assert client.post("/flow", pipeline_body(Colour="blue")).status == 201


# CORS


def test_preflight_is_204_echoing_method_and_headers(client):
    headers = {
        "Origin": "http://localhost:3000",
        "Access-Control-Request-Method": "DELETE",
        "Access-Control-Request-Headers": "content-type,x-custom",
    }
    response = client.request("OPTIONS", "/any/path/at/all", headers=headers)
    assert response.status == 204
    assert response.header("access-control-allow-origin") == "*"
    assert response.header("access-control-allow-methods") == "DELETE"
    assert response.header("access-control-allow-headers") == "content-type,x-custom"


def test_cross_origin_answers_carry_allow_origin_and_hide_location(client):
    headers = {"Origin": "http://localhost:3000", **JSON_TYPE}
    response = client.post("/flow", pipeline_body(), headers=headers)
    assert response.header("access-control-allow-origin") == "*"
    assert response.header("access-control-expose-headers") is None


def test_same_origin_answers_carry_no_cors_headers(client):
    response = client.get("/flow/monitor")
    assert response.header("access-control-allow-origin") is None


# Robustness


def test_unexpected_error_is_500_problem_and_reported(app, client, monkeypatch):
    seen = []
    app.on_error.append(seen.append)
    monkeypatch.setitem(OPERATIONS, "getHandlers", lambda store, call: 1 / 0)
    response = client.get("/flow/handlers")
    assert response.status == 500
    assert json_body(response)["status"] == 500
    assert isinstance(seen[0], ZeroDivisionError)
