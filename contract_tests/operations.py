"""The contract's operations, and which one a method and path belong to."""

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi.yaml"

# The server ignores one trailing slash and the letter case of literal segments
# (real-server.md), so the lookup does the same.
_TRAILING_SLASH = re.compile(r"/$")


@dataclass(frozen=True)
class Operation:
    """One method and path of the contract, named by its operationId."""

    operation_id: str
    method: str
    path: str
    pattern: re.Pattern[str]

    @property
    def label(self) -> str:
        """Return `METHOD /path`, the label Schemathesis gives the operation."""
        return f"{self.method} {self.path}"


@functools.cache
def load_spec() -> dict[str, Any]:
    """Return the contract as a dictionary."""
    with open(SPEC_PATH, encoding="utf-8") as stream:
        document: dict[str, Any] = yaml.safe_load(stream)
    return document


def _pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", path)
    regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(regex, re.IGNORECASE)


@functools.cache
def operations() -> tuple[Operation, ...]:
    """Return every operation; paths with more literal text come first."""
    found = [
        Operation(spec["operationId"], method.upper(), path, _pattern(path))
        for path, item in load_spec()["paths"].items()
        for method, spec in item.items()
        if isinstance(spec, dict) and "operationId" in spec
    ]
    return tuple(sorted(found, key=lambda op: -len(re.sub(r"\{[^}]+\}", "", op.path))))


def find(method: str, path: str) -> Operation | None:
    """Return the operation a request targets, or None if no path matches."""
    path = _TRAILING_SLASH.sub("", path) or "/"
    shaped = [op for op in operations() if op.pattern.fullmatch(path)]
    same_method = [op for op in shaped if op.method == method.upper()]
    chosen = same_method or shaped
    return chosen[0] if chosen else None


def by_label(label: str) -> Operation | None:
    """Return the operation with a Schemathesis label such as `POST /flow`."""
    return next((op for op in operations() if op.label == label), None)


def describe(method: str, path: str) -> str:
    """Return the operationId a request targets, or its method and path."""
    operation = find(method, path)
    return operation.operation_id if operation else f"{method.upper()} {path}"


def methods_of(path: str) -> set[str]:
    """Return the methods the contract documents for a path template."""
    item = load_spec()["paths"].get(path, {})
    return {method.upper() for method, spec in item.items() if isinstance(spec, dict)}
