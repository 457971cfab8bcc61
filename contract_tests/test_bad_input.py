"""Unknown and malformed uuids, and every bad input real-server.md describes."""

import json
import uuid as uuids
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from contract_tests import pipelines
from contract_tests.target import Target
from contract_tests.violations import expect, expect_empty, expect_json, expect_status

INVALID_PARAMETERS = "Неверно указаны параметры!"
changes_state = pytest.mark.changes_state


def _unknown() -> str:
    return str(uuids.uuid4())


def _is_problem(response: httpx.Response, status: int) -> bool:
    media_type = response.headers.get("Content-Type", "").split(";")[0]
    try:
        body = response.json()
    except ValueError:
        return False

    return (
        media_type == "application/json"
        and isinstance(body, dict)
        and (body.get("status") == status and "title" in body and "type" in body)
    )


def _expect_problem(response: httpx.Response, status: int, rule: str) -> None:
    expect_status(response, status, rule)
    expect(
        response,
        _is_problem(response, status),
        rule,
        f"expected an application/json problem body, got {response.text!r}",
    )


COMMANDS = [
    pytest.param("PUT", "/flow/execute/{}", id="execute", marks=changes_state),
    pytest.param("PUT", "/flow/dispose/{}", id="dispose", marks=changes_state),
    pytest.param("PUT", "/flow/restart/{}", id="restart", marks=changes_state),
    pytest.param("GET", "/flow/validate/{}", id="validate"),
]


@pytest.mark.parametrize(("method", "path"), COMMANDS)
def test_command_on_unknown_pipeline_is_404(
    target: Target, method: str, path: str
) -> None:
    """A command on a uuid no pipeline has answers 404 with a problem body."""
    response = target.request(method, path.format(_unknown()))
    _expect_problem(response, 404, "unknown_pipeline_is_404")


def test_monitor_entry_of_unknown_pipeline_is_default(target: Target) -> None:
    """The monitor answers an unknown uuid with the default entry carrying it."""
    unknown = _unknown()
    response = target.request("GET", f"/flow/monitor/{unknown}")
    expect_status(response, 200, "unknown_pipeline_has_default_entry")
    body = expect_json(response, "unknown_pipeline_has_default_entry")
    default = {
        "Uuid": unknown,
        "Name": "",
        "Status": "",
        "State": 0,
        "Activation": 1,
        "Start": "0001-01-01T00:00:00",
        "Finish": "0001-01-01T00:00:00",
    }
    expect(
        response,
        body == default,
        "unknown_pipeline_has_default_entry",
        f"expected {default}, got {body}",
    )


def test_record_of_unknown_pipeline_is_null(target: Target) -> None:
    """The stored record of an unknown uuid is 200 with the body `null`."""
    response = target.request("GET", f"/flow/{_unknown()}")
    expect_status(response, 200, "unknown_pipeline_record_is_null")
    expect(
        response,
        expect_json(response, "unknown_pipeline_record_is_null") is None,
        "unknown_pipeline_record_is_null",
        f"got {response.text!r}",
    )


@changes_state
def test_delete_of_unknown_pipeline_is_200(target: Target) -> None:
    """Deleting a uuid no pipeline has answers 200 with an empty body."""
    response = target.request("DELETE", f"/flow/{_unknown()}")
    expect_status(response, 200, "delete_is_idempotent")
    expect_empty(response, "delete_is_idempotent")


MALFORMED = ["not-a-uuid", "1234", "9bfd0610-0df0-42a0-8d1c-3f74290673e2x", "null"]
ROUTES = [
    pytest.param("GET", "/flow/monitor/{}", id="getPipelineInfo"),
    pytest.param("GET", "/flow/{}", id="getPipeline"),
    pytest.param("GET", "/flow/validate/{}", id="validatePipeline"),
    pytest.param("DELETE", "/flow/{}", id="deletePipeline", marks=changes_state),
    pytest.param("PUT", "/flow/execute/{}", id="executePipeline", marks=changes_state),
]


@pytest.mark.parametrize("segment", MALFORMED)
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_malformed_uuid_matches_no_route(
    target: Target, method: str, path: str, segment: str
) -> None:
    """A segment that is not a GUID matches no route: 404, no content."""
    response = target.request(method, path.format(segment))
    expect_status(response, 404, "malformed_uuid_is_empty_404")
    expect_empty(response, "malformed_uuid_is_empty_404")


@pytest.mark.parametrize(
    "form",
    [str.upper, lambda u: f"{{{u}}}", lambda u: u.replace("-", "")],
    ids=["upper-case", "braced", "32-digit"],
)
def test_other_guid_forms_are_routed(target: Target, form: Any) -> None:
    """Upper-case, braced and 32-digit uuids reach the route like the usual form."""
    response = target.request("GET", f"/flow/{form(_unknown())}")
    expect_status(response, 200, "guid_forms_are_routed")


def test_path_ignores_letter_case_and_trailing_slash(target: Target) -> None:
    """Literal path parts match in any letter case; one trailing slash is ignored."""
    response = target.request("GET", "/FLOW/Monitor/")
    expect_status(response, 200, "path_matching_is_lenient")


def test_unknown_option_owner_is_404(target: Target) -> None:
    """The options of a handler type the server lacks: 404 with a problem body."""
    response = target.request("GET", "/flow/options/No.Such.Handler")
    _expect_problem(response, 404, "unknown_owner_is_404")


def test_monitor_entry_with_empty_content_length_is_400(target: Target) -> None:
    """A `GET /flow/monitor/{uuid}` carrying `Content-Length: 0` gets 400."""
    headers = {"Content-Length": "0"}
    response = target.request("GET", f"/flow/monitor/{_unknown()}", headers=headers)
    _expect_problem(response, 400, "empty_content_length_is_400")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        pytest.param("GET", "/flow", {"POST"}, id="GET-flow"),
        pytest.param(
            "DELETE", "/flow/monitor", {"GET"}, id="DELETE-monitor", marks=changes_state
        ),
        pytest.param(
            "POST",
            "/flow/{}",
            {"GET", "DELETE"},
            id="POST-pipeline",
            marks=changes_state,
        ),
    ],
)
def test_method_a_path_does_not_take_is_405(
    target: Target, method: str, path: str, allow: set[str]
) -> None:
    """A method no route of the path takes: 405, `Allow` naming those it takes."""
    response = target.request(method, path.format(_unknown()))
    expect_status(response, 405, "unsupported_method")
    listed = {
        m.strip() for m in response.headers.get("Allow", "").split(",") if m.strip()
    }
    expect(
        response,
        listed == allow,
        "allow_conformance",
        f"Allow {response.headers.get('Allow')!r}, expected {sorted(allow)}",
    )


def test_non_json_content_type_on_get_is_415(target: Target) -> None:
    """Any flow request labelled with a type that is not JSON gets an empty 415."""
    headers = {"Content-Type": "text/plain"}
    response = target.request("GET", "/flow/monitor", headers=headers)
    expect_status(response, 415, "non_json_is_415")
    expect_empty(response, "non_json_is_415")


@changes_state
class TestCreate:
    """`POST /flow` with bodies the contract refuses or treats specially."""

    def _stays_unstored(self, target: Target, tracker: Any, name: str) -> None:
        # Should the pipeline appear after all, the tracker learns its name again
        # so that the cleanup finds and deletes it.
        tracker.expect_name(name)
        target.stays(
            lambda: target.request("GET", "/flow/monitor"),
            lambda r: name not in [e.get("Name") for e in r.json()],
            "refused_pipeline_is_not_stored",
            f"a refused pipeline {name!r} appeared in the monitor",
        )

    @pytest.mark.parametrize(
        "content",
        [
            b'{"Name": ',
            b'{"Name": "x", "Activation": "Manual"}',
            b'{"Name": "x", "Options": [{"Name": "SleepTimeout", "Value": 0}]}',
        ],
        ids=["malformed-json", "activation-as-string", "option-value-as-number"],
    )
    def test_wrong_json_is_400_validation_problem(
        self, create: Any, content: bytes
    ) -> None:
        """Malformed JSON or a wrong JSON type: 400, errors keyed by JSON path."""
        response, _ = create(
            None, content=content, headers={"Content-Type": "application/json"}
        )
        _expect_problem(response, 400, "wrong_json_is_400")
        errors = response.json().get("errors")
        expect(
            response,
            isinstance(errors, dict) and bool(errors),
            "wrong_json_is_400",
            f"no errors object in {response.text!r}",
        )

    @pytest.mark.parametrize(
        "name", [None, "", "   "], ids=["missing", "empty", "blank"]
    )
    def test_missing_or_blank_name_is_400_string(
        self, create: Any, name: str | None
    ) -> None:
        """A missing, empty or blank name: 400 with the JSON string of the server."""
        body = pipelines.harmless("unnamed")
        del body["Name"]
        if name is not None:
            body["Name"] = name

        response, _ = create(body)
        expect_status(response, 400, "blank_name_is_400")
        expect(
            response,
            response.json() == INVALID_PARAMETERS,
            "blank_name_is_400",
            f"body {response.text!r}",
        )

    def test_no_content_type_is_415_problem(self, create: Any) -> None:
        """A `POST /flow` without Content-Type: 415 with a problem body."""
        body = pipelines.harmless("no-content-type")
        content = httpx.Request("POST", "/", json=body).content
        response, _ = create(body, content=content, headers={"Content-Type": ""})
        _expect_problem(response, 415, "no_content_type_is_415")

    @pytest.mark.parametrize(
        "media_type", ["text/plain", "application/x-www-form-urlencoded"]
    )
    def test_non_json_content_type_is_empty_415(
        self, create: Any, media_type: str
    ) -> None:
        """A `POST /flow` labelled with a type that is not JSON: 415, empty body."""
        body = pipelines.harmless("not-json")
        content = httpx.Request("POST", "/", json=body).content
        response, _ = create(
            body, content=content, headers={"Content-Type": media_type}
        )
        expect_status(response, 415, "non_json_is_415")
        expect_empty(response, "non_json_is_415")

    def test_json_suffix_media_type_counts_as_json(self, create: Any) -> None:
        """`application/*+json` counts as JSON."""
        body = pipelines.harmless("plus-json")
        content = httpx.Request("POST", "/", json=body).content
        headers = {"Content-Type": "application/vnd.dajet+json"}
        response, _ = create(body, content=content, headers=headers)
        expect_status(response, 201, "json_suffix_is_json")

    def test_unknown_properties_are_ignored(self, create: Any) -> None:
        """Properties the model does not list are ignored."""
        response, _ = create({**pipelines.harmless("extra"), "Colour": "blue"})
        expect_status(response, 201, "unknown_properties_are_ignored")

    def test_duplicate_name_is_409(self, create: Any) -> None:
        """A name in use: 409 with a problem body, and nothing stored."""
        body = pipelines.harmless("duplicate")
        expect_status(create(body)[0], 201, "create_is_201")
        _expect_problem(create(body)[0], 409, "duplicate_name_is_409")

    def test_non_ascii_name_is_percent_encoded_in_location(self, create: Any) -> None:
        """A Cyrillic name is created; `Location` carries it percent-encoded."""
        body = pipelines.harmless("конвейер")
        response, _ = create(body)
        expect_status(response, 201, "non_ascii_name_is_created")
        location = response.headers.get("Location", "")
        expect(
            response,
            location.isascii() and unquote(location) == body["Name"],
            "location_conformance",
            f"Location {location!r} for {body['Name']!r}",
        )

    @pytest.mark.parametrize(
        "change",
        [
            {"Options": None},
            {"Handlers": None},
            {"Options": [{"Name": "SleepTimeout", "Type": None, "Value": "0"}]},
            {
                "Options": pipelines.pipeline_options()
                + pipelines.pipeline_options()[:1]
            },
            {"Activation": 7},
        ],
        ids=[
            "null-options",
            "null-handlers",
            "null-option-field",
            "repeated-option",
            "activation-out-of-range",
        ],
    )
    def test_invalid_model_is_400_and_stores_nothing(
        self, target: Target, tracker: Any, create: Any, change: dict[str, Any]
    ) -> None:
        """An invalid model: 400 with a problem body, and no pipeline stored."""
        body = {**pipelines.harmless("invalid"), **change}
        response, _ = create(body)
        _expect_problem(response, 400, "invalid_model_is_400")
        self._stays_unstored(target, tracker, body["Name"])


@changes_state
def test_a_body_over_the_limit_is_413(target: Target, create: Any) -> None:
    """A pipeline one byte over the server's body limit is refused: 413, empty.

    The body is a harmless pipeline padded with spaces, so that a server whose
    limit is larger than the suite was told creates nothing the run cannot
    delete.
    """
    if target.max_body is None:
        pytest.skip("the server's body limit is unknown: give --max-body BYTES")

    body = pipelines.harmless("over-the-limit")
    text = json.dumps(body).encode()
    padded = text + b" " * (target.max_body + 1 - len(text))
    response, _ = create(
        body, content=padded, headers={"Content-Type": "application/json"}
    )
    expect_status(response, 413, "body_over_the_limit_is_413")
    expect_empty(response, "body_over_the_limit_is_413")
