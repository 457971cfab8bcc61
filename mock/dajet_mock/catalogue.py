"""The handler types and script files a simulated server has, and build checks."""

import json
from dataclasses import dataclass
from typing import Any

from dajet_mock.model import Pipeline
from dajet_mock.resources import fixture_path

__all__ = [
    "PIPELINE_OWNER",
    "Catalogue",
    "HandlerType",
    "OptionSpec",
    "default_catalogue",
]

# `GET /flow/options/{owner}` takes this name for the pipeline's own options.
PIPELINE_OWNER = "DaJet.Flow.Pipeline"

SCRIPT_OPTION = "Script"


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """An option a handler type (or the pipeline) accepts."""

    name: str
    type: str
    is_required: bool

    def json(self) -> dict[str, Any]:
        """Return the option as `GET /flow/options/{owner}` lists it."""
        return {
            "Name": self.name,
            "Type": self.type,
            "Value": "",
            "IsRequired": self.is_required,
        }


@dataclass(frozen=True, slots=True)
class HandlerType:
    """A handler type the server can build, with the messages it takes and gives."""

    name: str
    input: str
    output: str
    options: tuple[OptionSpec, ...]

    def json(self) -> dict[str, Any]:
        """Return the handler type as `GET /flow/handlers` lists it."""
        return {
            "Name": self.name,
            "Input": self.input,
            "Output": self.output,
            "Options": [],
        }


PIPELINE_OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec("SleepTimeout", "System.Int32", False),
    OptionSpec("ShowStackTrace", "System.Boolean", False),
)


def _option_spec_from_json(doc: dict[str, Any]) -> OptionSpec:
    return OptionSpec(doc["Name"], doc["Type"], bool(doc.get("IsRequired", False)))


def _handler_type_from_json(doc: dict[str, Any]) -> HandlerType:
    options = tuple(_option_spec_from_json(item) for item in doc.get("Options", []))
    return HandlerType(
        doc["Name"], doc.get("Input", ""), doc.get("Output", ""), options
    )


def _int32_error(value: str) -> str | None:
    # .NET's int.Parse takes surrounding blanks and a sign, nothing else.
    text = value.strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isascii() or not digits.isdigit():
        return f"The input string '{value}' was not in a correct format."

    if not 0 <= int(text) <= 2**31 - 1:
        return f"SleepTimeout must be a non-negative 32-bit integer: '{value}'."

    return None


def _boolean_error(value: str) -> str | None:
    if value.strip().lower() in ("true", "false"):
        return None

    return f"String '{value}' was not recognized as a valid Boolean."


_PIPELINE_OPTION_CHECKS = {
    "SleepTimeout": _int32_error,
    "ShowStackTrace": _boolean_error,
}


def sleep_timeout(pipeline: Pipeline) -> int:
    """Return the pipeline's `SleepTimeout` in seconds; 0 if absent or invalid."""
    for option in pipeline.options:
        if option.name == "SleepTimeout" and _int32_error(option.value) is None:
            return int(option.value.strip())

    return 0


@dataclass(frozen=True)
class Catalogue:
    """What a simulated server has: its handler types and its script files."""

    handlers: tuple[HandlerType, ...]
    scripts: frozenset[str]
    pipeline_options: tuple[OptionSpec, ...] = PIPELINE_OPTIONS

    @classmethod
    def from_json(cls, doc: Any) -> "Catalogue":
        """Read a catalogue fixture: `{"Handlers": [...], "Scripts": [...]}`.

        Raises ValueError, naming the bad entry, when the document has another shape.
        """
        try:
            handlers = tuple(_handler_type_from_json(item) for item in doc["Handlers"])
            scripts = frozenset(str(script) for script in doc.get("Scripts", []))
            pipeline = doc.get("Pipeline", {}).get("Options")
            options = PIPELINE_OPTIONS
            if pipeline is not None:
                options = tuple(_option_spec_from_json(item) for item in pipeline)
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"not a handler catalogue: {error!r}") from error

        return cls(handlers, scripts, options)

    def handler_type(self, name: str) -> HandlerType | None:
        """Return the handler type of that name, if the server has it."""
        return next((h for h in self.handlers if h.name == name), None)

    def handler_list_json(self) -> list[dict[str, Any]]:
        """Return the body of `GET /flow/handlers`."""
        return [handler.json() for handler in self.handlers]

    def options_json(self, owner: str) -> list[dict[str, Any]] | None:
        """Return the options of a handler type or of the pipeline; None if unknown."""
        if owner == PIPELINE_OWNER:
            return [spec.json() for spec in self.pipeline_options]

        handler = self.handler_type(owner)
        return None if handler is None else [spec.json() for spec in handler.options]

    def build_error(self, pipeline: Pipeline) -> str | None:
        """Return why the server could not build this pipeline, or None if it can."""
        if not pipeline.handlers:
            return "Pipeline does not have any handlers."

        return self._option_error(pipeline) or self._handler_error(pipeline)

    def _option_error(self, pipeline: Pipeline) -> str | None:
        for option in pipeline.options:
            check = _PIPELINE_OPTION_CHECKS.get(option.name)
            error = check(option.value) if check is not None else None
            if error is not None:
                return error

        return None

    def _handler_error(self, pipeline: Pipeline) -> str | None:
        for handler in pipeline.handlers:
            if self.handler_type(handler.name) is None:
                return f"Failed to resolve handler {handler.name}."

            for option in handler.options:
                if option.name == SCRIPT_OPTION and option.value not in self.scripts:
                    return f"Could not find file '{option.value}'."

        return None


def default_catalogue() -> Catalogue:
    """Return the catalogue of ``fixtures/catalogue.json``: script runner, brokers,
    databases, and the scripts of the documented pipelines."""
    global _DEFAULT
    if _DEFAULT is None:
        text = fixture_path("catalogue.json").read_text(encoding="utf-8")
        _DEFAULT = Catalogue.from_json(json.loads(text))
    return _DEFAULT


_DEFAULT: Catalogue | None = None
