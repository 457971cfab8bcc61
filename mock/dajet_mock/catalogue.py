"""The handler types and script files a simulated server has, and build checks."""

from dataclasses import dataclass
from typing import Any

from dajet_mock.model import Pipeline

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


PIPELINE_OPTIONS = (
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

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> "Catalogue":
        """Read a catalogue fixture: `{"Handlers": [...], "Scripts": [...]}`."""
        handlers = tuple(_handler_type_from_json(item) for item in doc["Handlers"])
        return cls(handlers, frozenset(doc.get("Scripts", [])))

    def handler_type(self, name: str) -> HandlerType | None:
        """Return the handler type of that name, if the server has it."""
        return next((h for h in self.handlers if h.name == name), None)

    def handler_list_json(self) -> list[dict[str, Any]]:
        """Return the body of `GET /flow/handlers`."""
        return [handler.json() for handler in self.handlers]

    def options_json(self, owner: str) -> list[dict[str, Any]] | None:
        """Return the options of a handler type or of the pipeline; None if unknown."""
        if owner == PIPELINE_OWNER:
            return [spec.json() for spec in PIPELINE_OPTIONS]

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


def _spec(
    name: str, type_name: str = "System.String", required: bool = True
) -> dict[str, Any]:
    return {"Name": name, "Type": type_name, "IsRequired": required}


def _pair(system: str, message: str, options: list[Any]) -> list[dict[str, Any]]:
    consumer = {
        "Name": f"DaJet.Flow.{system}.Consumer",
        "Input": "",
        "Output": message,
        "Options": options,
    }
    producer = {
        "Name": f"DaJet.Flow.{system}.Producer",
        "Input": message,
        "Output": "",
        "Options": options,
    }
    return [consumer, producer]


def default_catalogue_json() -> dict[str, Any]:
    """Return the built-in catalogue document, in the fixture's shape."""
    script = {
        "Name": "DaJet.Flow.Script.Runner",
        "Input": "",
        "Output": "",
        "Options": [_spec("Script")],
    }
    rabbit = [
        _spec("HostName"),
        _spec("VirtualHost"),
        _spec("QueueName", required=False),
        _spec("Exchange", required=False),
        _spec("RoutingKey", required=False),
        _spec("UserName"),
        _spec("Password"),
    ]
    kafka = [
        _spec("BootstrapServers"),
        _spec("GroupId", required=False),
        _spec("Topic"),
    ]
    sql = [
        _spec("ConnectionString"),
        _spec("CommandText"),
        _spec("MessagesPerTransaction", "System.Int32", False),
    ]
    handlers = [
        script,
        *_pair("RabbitMQ", "DaJet.Flow.RabbitMQ.Message", rabbit),
        *_pair("Kafka", "DaJet.Flow.Kafka.Message", kafka),
        *_pair("SqlServer", "DaJet.Data.DataObject", sql),
        *_pair("PostgreSql", "DaJet.Data.DataObject", sql),
    ]
    return {
        "Handlers": handlers,
        "Scripts": ["code/say-hello.djs", "code/flow-script.djs"],
    }


def default_catalogue() -> Catalogue:
    """Return the built-in catalogue: the stock script runner, brokers, databases."""
    return Catalogue.from_json(default_catalogue_json())
