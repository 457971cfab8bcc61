"""Loading the OpenAPI document and building JSON Schema validators from it."""

from __future__ import annotations

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
