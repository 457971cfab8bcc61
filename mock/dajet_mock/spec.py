"""Loading the OpenAPI document and building JSON Schema validators from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from dajet_mock.resources import spec_path

# OpenAPI 3.1 schemas are JSON Schema 2020-12; the document is registered under
# this URI so that "#/components/..." references resolve inside it.
SPEC_URI = "urn:dajet:openapi"

Spec = dict[str, Any]


def load_spec(path: Path | None = None) -> Spec:
    """Read an OpenAPI document, by default the flow API's own."""
    with open(path or spec_path(), encoding="utf-8") as stream:
        document = yaml.load(
            stream, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
    if not isinstance(document, dict) or "paths" not in document:
        raise ValueError(f"{path or spec_path()} is not an OpenAPI document")
    return document


def registry_for(spec: Spec) -> Registry[Any]:
    """Return a reference registry in which the document's own pointers resolve."""
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
    return registry


def anchored(schema: Any) -> Any:
    """Return ``schema`` with its local references pointing into the document.

    A schema taken out of the document (a request body's, a response's) keeps
    ``#/components/...`` references that only resolve relative to the document.
    """
    if isinstance(schema, dict):
        return {
            key: SPEC_URI + value
            if key == "$ref" and isinstance(value, str) and value.startswith("#")
            else anchored(value)
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [anchored(item) for item in schema]
    return schema


def schema_validator(schema: Any, registry: Registry[Any]) -> Validator:
    """Return a validator for a schema of the document, formats checked."""
    return Draft202012Validator(
        anchored(schema),
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def validator_for(spec: Spec, pointer: str) -> Validator:
    """Return a validator for the schema at ``pointer`` (``#/components/...``)."""
    return schema_validator({"$ref": pointer}, registry_for(spec))


METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@dataclass(frozen=True, slots=True)
class Parameter:
    """A templated path segment: its position, name, and whether it is a GUID."""

    index: int
    name: str
    is_uuid: bool


@dataclass(frozen=True, slots=True)
class Route:
    """One operation of the document: method, path template, and body schema."""

    method: str
    template: str
    operation_id: str
    body_schema: Any | None


@dataclass(slots=True)
class Shape:
    """A path template and the routes on it, keyed by method."""

    template: str
    literals: tuple[tuple[int, str], ...]
    parameters: tuple[Parameter, ...]
    routes: dict[str, Route] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """The number of segments of the template."""
        return len(self.literals) + len(self.parameters)


def resolve(spec: Spec, node: Any) -> Any:
    """Follow a local `$ref` of the document, if `node` is one."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _uuid_parameters(spec: Spec, declared: list[Any]) -> set[str]:
    names = set()
    for parameter in (resolve(spec, p) for p in declared):
        is_path = parameter.get("in") == "path"
        if is_path and parameter.get("schema", {}).get("format") == "uuid":
            names.add(parameter["name"])

    return names


def _shape(template: str, uuids: set[str]) -> Shape:
    literals, parameters = [], []
    for index, segment in enumerate(template.strip("/").split("/")):
        if segment.startswith("{") and segment.endswith("}"):
            name = segment[1:-1]
            parameters.append(Parameter(index, name, name in uuids))
        else:
            # Literal parts match in any letter case, as ASP.NET Core routing does.
            literals.append((index, segment.lower()))

    return Shape(template, tuple(literals), tuple(parameters))


def _body_schema(spec: Spec, operation: dict[str, Any]) -> Any | None:
    body = resolve(spec, operation.get("requestBody"))
    if body is None:
        return None

    return body["content"]["application/json"]["schema"]


def _path_shape(spec: Spec, path: str, item: dict[str, Any]) -> Shape:
    operations = [(m, item[m]) for m in METHODS if m in item]
    declared = list(item.get("parameters", []))
    for _, operation in operations:
        declared += operation.get("parameters", [])

    shape = _shape(path, _uuid_parameters(spec, declared))
    for method, operation in operations:
        schema = _body_schema(spec, operation)
        route = Route(method.upper(), path, operation["operationId"], schema)
        shape.routes[route.method] = route

    return shape


def shapes_of(spec: Spec) -> list[Shape]:
    """Return the document's path templates, each with its operations."""
    return [_path_shape(spec, path, item) for path, item in spec["paths"].items()]


def operation_ids(spec: Spec) -> list[str]:
    """Return every `operationId` of the document, in document order."""
    return [
        route.operation_id
        for shape in shapes_of(spec)
        for route in shape.routes.values()
    ]
