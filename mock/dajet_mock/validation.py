"""Reading a request body as the real server's model binder does, and checking it.

ASP.NET Core binds `[FromBody]` with System.Text.Json: invalid JSON, nesting over
64 levels, or a property of the wrong JSON type give a validation problem keyed by
the JSON path of the bad property; property names match in any letter case (the
web defaults). The contract adds what the server fails on with 500: `null` for
lists or option fields, repeated option names, an `Activation` outside 0 and 1.
A missing or blank `Name` is the action's own check, reported apart.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

from dajet_mock.positions import position_of

__all__ = ["MAX_DEPTH", "BodyCheck", "Verdict", "json_path"]

# System.Text.Json's JsonSerializerOptions.MaxDepth default.
MAX_DEPTH = 64

Errors = dict[str, list[str]]

_CLR_TYPES = {
    "string": "System.String",
    "integer": "System.Int32",
    "boolean": "System.Boolean",
    "array": "System.Collections.Generic.List`1",
    "object": "System.Object",
}

_MODEL_KEYS = ("Name", "Activation", "Options", "Handlers")
_HANDLER_KEYS = ("Name", "Input", "Output", "Options")
_OPTION_KEYS = ("Name", "Type", "Value", "IsRequired")


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a body check found: the model, binding errors, or a blank name."""

    model: dict[str, Any] | None = None
    errors: Errors | None = None
    blank_name: bool = False


def json_path(parts: Iterable[str | int]) -> str:
    """Write a location inside a document the way System.Text.Json does: `$.A[0].B`."""
    text = "$"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _where(body: bytes, parts: list[str | int]) -> str:
    # System.Text.Json ends a message with the path and the reader's position.
    path = json_path(parts)
    position = position_of(body, parts)
    if position is None:
        return f"Path: {path}."
    line, byte = position
    return f"Path: {path} | LineNumber: {line} | BytePositionInLine: {byte}."


def _depth(value: Any) -> int:
    # Iterative, so that a deep document cannot exhaust Python's own stack.
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, level + 1) for child in children)

    return deepest


def _canonical(node: Any, keys: tuple[str, ...]) -> Any:
    if not isinstance(node, dict):
        return node

    by_lower = {key.lower(): key for key in keys}
    return {by_lower.get(key.lower(), key): value for key, value in node.items()}


def _canonical_options(items: Any) -> Any:
    if not isinstance(items, list):
        return items
    return [_canonical(item, _OPTION_KEYS) for item in items]


def _canonical_model(body: dict[str, Any]) -> dict[str, Any]:
    model: dict[str, Any] = _canonical(body, _MODEL_KEYS)
    if "Options" in model:
        model["Options"] = _canonical_options(model["Options"])

    if isinstance(model.get("Handlers"), list):
        handlers = [_canonical(h, _HANDLER_KEYS) for h in model["Handlers"]]
        for handler in handlers:
            if isinstance(handler, dict) and "Options" in handler:
                handler["Options"] = _canonical_options(handler["Options"])
        model["Handlers"] = handlers

    return model


def _is_name_error(error: ValidationError) -> bool:
    path = list(error.absolute_path)
    if not path:
        return bool(error.validator == "required")

    if path != ["Name"]:
        return False

    # `"Name": null` binds to a null string, which the action then refuses.
    return error.validator in ("minLength", "pattern") or error.instance is None


def _message(error: ValidationError) -> str:
    if error.instance is None:
        return "The JSON value must not be null."

    if error.validator == "enum":
        return (
            f"The JSON value {error.instance!r} is not one of "
            f"{error.validator_value!r}."
        )

    if error.validator == "type":
        target = _CLR_TYPES.get(str(error.validator_value), "the declared type")
        return f"The JSON value could not be converted to {target}."

    return f"{error.message}."


def _repeated_options(items: Any, where: list[str | int], errors: Errors) -> None:
    if not isinstance(items, list):
        return

    names = [item.get("Name") for item in items if isinstance(item, dict)]
    repeated = sorted({n for n in names if names.count(n) > 1 and isinstance(n, str)})
    for name in repeated:
        path = json_path([*where, "Options"])
        message = f"The option name '{name}' is repeated; names are unique."
        errors.setdefault(path, []).append(message)


class BodyCheck:
    """Reads and checks one operation's JSON body; built once, used per request."""

    def __init__(self, validator: Validator) -> None:
        self._validator = validator

    def check(self, body: bytes) -> Verdict:
        """Return the bound model, the binding errors, or that the name is blank."""
        if not body.strip():
            return Verdict(errors={"": ["A non-empty request body is required."]})

        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError as error:
            return Verdict(errors={"$": [_syntax_message(error)]})

        if _depth(value) > MAX_DEPTH:
            message = f"The maximum configured depth of {MAX_DEPTH} has been exceeded."
            return Verdict(errors={"$": [message]})

        if not isinstance(value, dict):
            message = "The JSON value could not be converted to the pipeline model."
            return Verdict(errors={"$": [f"{message} {_where(body, [])}"]})

        return self._check_model(_canonical_model(value), body)

    def _check_model(self, model: dict[str, Any], body: bytes) -> Verdict:
        errors: Errors = {}
        blank_name = False
        for error in self._validator.iter_errors(model):
            if _is_name_error(error):
                blank_name = True
                continue

            parts = list(error.absolute_path)
            message = f"{_message(error)} {_where(body, parts)}"
            errors.setdefault(json_path(parts), []).append(message)

        _repeated_options(model.get("Options"), [], errors)
        handlers = model.get("Handlers")
        for index, handler in enumerate(handlers if isinstance(handlers, list) else []):
            if isinstance(handler, dict):
                _repeated_options(handler.get("Options"), ["Handlers", index], errors)

        if errors:
            return Verdict(errors=errors)

        return Verdict(model=model, blank_name=blank_name)


def _syntax_message(error: orjson.JSONDecodeError) -> str:
    return (
        f"The request body is not valid JSON: {error.msg}. Path: $ | "
        f"LineNumber: {error.lineno - 1} | BytePositionInLine: {error.colno - 1}."
    )
