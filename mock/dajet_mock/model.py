"""Pipelines, monitor entries, their states, and the JSON shapes the server writes."""

import sys
import uuid as uuidlib
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any, TypeVar
from uuid import UUID

__all__ = [
    "NO_TIME",
    "Activation",
    "Handler",
    "MonitorEntry",
    "Option",
    "Pipeline",
    "State",
    "default_pipeline_info_json",
    "format_dotnet_time",
    "pipeline_from_json",
    "pipeline_info_json",
    "pipeline_record_json",
]

# .NET writes `default(DateTime)` this way: no fraction, no offset.
NO_TIME = "0001-01-01T00:00:00"

_T = TypeVar("_T")

# Equal parts of pipelines built together, each kept once (see `pipeline_from_json`).
Shared = dict[Any, Any] | None

# The record's `TypeCode` in the real server's database: 20 marks a pipeline.
PIPELINE_TYPE_CODE = 20


class State(IntEnum):
    """Where a monitor entry is in its lifecycle, as the server numbers it."""

    BROKEN = -1
    IDLE = 0
    STARTING = 1
    WORKING = 2
    DISPOSING = 3
    SLEEPING = 4


class Activation(IntEnum):
    """Whether a pipeline starts as soon as it is built (Auto) or by hand."""

    AUTO = 0
    MANUAL = 1


@dataclass(frozen=True, slots=True)
class Option:
    """A named setting of a pipeline or handler; the value stays a string."""

    name: str
    type: str
    value: str


@dataclass(frozen=True, slots=True)
class Handler:
    """One step of a pipeline, named by its .NET type."""

    name: str
    options: tuple[Option, ...]


@dataclass(frozen=True, slots=True)
class Pipeline:
    """A stored pipeline definition, as the server keeps it in its database."""

    uuid: UUID
    name: str
    activation: Activation
    options: tuple[Option, ...]
    handlers: tuple[Handler, ...]


@dataclass(slots=True)
class MonitorEntry:
    """What the server reports about a pipeline it has built in memory."""

    uuid: UUID
    name: str
    status: str
    start: datetime | None
    finish: datetime | None
    state: State
    activation: Activation


def _intern(text: str) -> str:
    # Option names, types and handler names are few, and repeat across thousands
    # of pipelines: one copy each keeps a large store small. The copy interned is
    # our own (see `_own`), not the parsed document's.
    return sys.intern(_own(text))


def _own(text: str) -> str:
    # A fresh copy: the parsed document's own string would keep the whole block
    # of memory it was parsed into from going back to the system.
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")


def _share(value: _T, shared: Shared) -> _T:
    # The pipelines of one seed often have the same handlers and options. Frozen
    # and equal, they can be one object, as an interned string is.
    return value if shared is None else shared.setdefault(value, value)


def _option_from_json(body: dict[str, Any], shared: Shared) -> Option:
    option = Option(
        name=_intern(body.get("Name", "")),
        type=_intern(body.get("Type", "")),
        value=_share(_own(body.get("Value", "")), shared),
    )
    return _share(option, shared)


def _options_from_json(
    items: list[dict[str, Any]], shared: Shared
) -> tuple[Option, ...]:
    return _share(tuple(_option_from_json(item, shared) for item in items), shared)


def _handler_from_json(body: dict[str, Any], shared: Shared) -> Handler:
    handler = Handler(
        name=_intern(body.get("Name", "")),
        options=_options_from_json(body.get("Options", []), shared),
    )
    return _share(handler, shared)


def _activation_from_json(value: Any) -> Activation:
    # The real server stores any number other than 0 as Manual.
    return Activation.AUTO if value == 0 else Activation.MANUAL


def pipeline_from_json(
    body: dict[str, Any], uuid: UUID | None = None, shared: Shared = None
) -> Pipeline:
    """Build a pipeline from a validated POST body, with the server's defaults.

    A body without `Uuid` gets a fresh one, as the server gives every new record.
    Pipelines built with the same `shared` dictionary share their equal options,
    handlers and lists of them, which it keeps.
    """
    handlers = tuple(
        _handler_from_json(item, shared) for item in body.get("Handlers", [])
    )
    return Pipeline(
        uuid=uuid if uuid is not None else uuidlib.uuid4(),
        name=_own(body.get("Name", "")),
        activation=_activation_from_json(body.get("Activation", 1)),
        options=_options_from_json(body.get("Options", []), shared),
        handlers=_share(handlers, shared),
    )


def option_json(option: Option) -> dict[str, Any]:
    """Return an option as it appears in a pipeline body."""
    return {"Name": option.name, "Type": option.type, "Value": option.value}


def pipeline_json(pipeline: Pipeline) -> dict[str, Any]:
    """Return a pipeline as a POST body with its `Uuid`, the shape of a seed entry."""
    return {
        "Uuid": str(pipeline.uuid),
        "Name": pipeline.name,
        "Activation": int(pipeline.activation),
        "Options": [option_json(option) for option in pipeline.options],
        "Handlers": [
            {"Name": handler.name, "Options": [option_json(o) for o in handler.options]}
            for handler in pipeline.handlers
        ],
    }


def format_dotnet_time(moment: datetime | None) -> str:
    """Write a time the way .NET serialises `DateTime.Now`: 7 fraction digits."""
    if moment is None:
        return NO_TIME

    # isoformat gives "YYYY-MM-DDTHH:MM:SS.ffffff" then the offset, if any.
    text = moment.isoformat(timespec="microseconds")
    return f"{text[:26]}0{text[26:]}"


def pipeline_info_json(entry: MonitorEntry) -> dict[str, Any]:
    """Return a monitor entry as the server's `PipelineInfo`."""
    return {
        "Uuid": str(entry.uuid),
        "Name": entry.name,
        "Status": entry.status,
        "Start": format_dotnet_time(entry.start),
        "Finish": format_dotnet_time(entry.finish),
        "State": int(entry.state),
        "Activation": int(entry.activation),
    }


def default_pipeline_info_json(uuid: UUID) -> dict[str, Any]:
    """Return what the server answers about a uuid it has no monitor entry for."""
    entry = MonitorEntry(uuid, "", "", None, None, State.IDLE, Activation.MANUAL)
    return pipeline_info_json(entry)


def pipeline_record_json(pipeline: Pipeline) -> dict[str, Any]:
    """Return a pipeline as the server's stored record (`GET /flow/{uuid}`)."""
    return {
        "Name": pipeline.name,
        "Activation": int(pipeline.activation),
        "TypeCode": PIPELINE_TYPE_CODE,
        "Identity": str(pipeline.uuid),
    }
