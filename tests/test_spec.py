"""The contract checks itself: valid OpenAPI, examples that fit, links that resolve."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from dajet_mock.spec import (
    load_spec,
    registry_for,
    resolve,
    schema_validator,
    validator_for,
)

ROOT = Path(__file__).resolve().parent.parent
SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

SPEC = load_spec()
REGISTRY = registry_for(SPEC)


def deref(node: Any) -> Any:
    return resolve(SPEC, node)


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in SPEC["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def media_examples() -> Iterator[Any]:
    """Yield one param per example of a request or response media type."""
    for path, method, operation in operations():
        bodies = [("request", deref(operation.get("requestBody", {})))]
        bodies += [(code, deref(r)) for code, r in operation["responses"].items()]
        for where, body in bodies:
            for media, content in body.get("content", {}).items():
                for name, example in content.get("examples", {}).items():
                    label = f"{method.upper()} {path} {where} {media} {name}"
                    yield pytest.param(content["schema"], deref(example), id=label)


def parameter_examples() -> Iterator[Any]:
    for path, item in SPEC["paths"].items():
        parameters = [deref(p) for p in item.get("parameters", [])]
        for parameter in parameters:
            for name, example in parameter.get("examples", {}).items():
                label = f"{path} {parameter['name']} {name}"
                yield pytest.param(parameter["schema"], example, id=label)


def schema_examples() -> Iterator[Any]:
    for name, schema in SPEC["components"]["schemas"].items():
        for index, example in enumerate(schema.get("examples", [])):
            pointer = {"$ref": f"#/components/schemas/{name}"}
            yield pytest.param(pointer, {"value": example}, id=f"{name}[{index}]")


def assert_valid(schema: dict[str, Any], value: Any) -> None:
    validator = schema_validator(schema, REGISTRY)
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)
    ]
    assert not errors, errors


def test_spec_is_valid_openapi() -> None:
    validate(SPEC)


def test_every_operation_is_named_summarised_and_described() -> None:
    ids = [operation["operationId"] for _, _, operation in operations()]
    assert len(ids) == len(set(ids)) == 12
    for _, _, operation in operations():
        assert operation["summary"] and operation["description"]


@pytest.mark.parametrize(("schema", "example"), list(media_examples()))
def test_media_example_fits_its_schema(schema: dict[str, Any], example: Any) -> None:
    assert_valid(schema, example["value"])


@pytest.mark.parametrize(("schema", "example"), list(parameter_examples()))
def test_parameter_example_fits_its_schema(
    schema: dict[str, Any], example: dict[str, Any]
) -> None:
    assert_valid(schema, example["value"])


@pytest.mark.parametrize(("schema", "example"), list(schema_examples()))
def test_schema_example_fits_its_schema(
    schema: dict[str, Any], example: dict[str, Any]
) -> None:
    assert_valid(schema, example["value"])


def link_params() -> Iterator[Any]:
    for path, method, operation in operations():
        for code, response in operation["responses"].items():
            for name, link in deref(response).get("links", {}).items():
                yield pytest.param(link, id=f"{method.upper()} {path} {code} {name}")


@pytest.mark.parametrize("link", list(link_params()))
def test_link_names_an_operation_and_its_parameters(link: dict[str, Any]) -> None:
    targets = {op["operationId"]: (path, op) for path, _, op in operations()}
    assert link["operationId"] in targets
    path, operation = targets[link["operationId"]]
    declared = SPEC["paths"][path].get("parameters", []) + operation.get(
        "parameters", []
    )
    names = {deref(p)["name"] for p in declared}
    assert set(link["parameters"]) <= names
    assert all(value == "$response.body" for value in link["parameters"].values())


def test_create_links_to_every_operation_that_takes_a_uuid() -> None:
    created = SPEC["paths"]["/flow"]["post"]["responses"]["201"]["links"]
    linked = {link["operationId"] for link in created.values()}
    takes_uuid = {op["operationId"] for path, _, op in operations() if "{uuid}" in path}
    assert linked == takes_uuid


def test_the_contract_rejects_a_blank_name() -> None:
    validator = validator_for(SPEC, "#/components/schemas/PipelineModel")
    for name in ("", " ", "\t\n"):
        assert not validator.is_valid({"Name": name})
    assert not validator.is_valid({})
    assert validator.is_valid({"Name": "конвейер"})


@pytest.mark.parametrize(
    ("moment", "valid"),
    [
        ("0001-01-01T00:00:00", True),
        ("2025-08-22T21:06:50.1234567+03:00", True),
        ("2025-08-22T21:06:50+00:00", True),
        ("2025-08-22T21:06:50", False),
        ("2025-08-22 21:06:50+03:00", False),
    ],
    ids=lambda value: str(value),
)
def test_dates_take_the_forms_dotnet_writes(moment: str, valid: bool) -> None:
    validator = validator_for(SPEC, "#/components/schemas/DotNetDateTime")
    assert validator.is_valid(moment) is valid


@pytest.mark.skipif(
    not SPECTRAL.exists(), reason="Spectral is not installed: run `npm ci` first"
)
def test_spectral_finds_nothing() -> None:
    result = subprocess.run(
        [str(SPECTRAL), "lint", "--fail-severity=hint", "openapi.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
