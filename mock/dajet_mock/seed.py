"""Seed documents: pipelines with known uuids that a store starts from."""

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from dajet_mock.model import Pipeline, pipeline_from_json

__all__ = ["Seed", "default_seed"]


def _fail(where: str, message: str) -> ValueError:
    return ValueError(f"seed {where}: {message}")


def _check_type(value: Any, kind: type, where: str, what: str) -> None:
    if not isinstance(value, kind):
        raise _fail(where, f"{what} must be a JSON {kind.__name__}, not {value!r}")


def _check_options(items: Any, where: str) -> None:
    _check_type(items, list, where, "Options")
    for index, option in enumerate(items):
        place = f"{where} Options[{index}]"
        _check_type(option, dict, place, "an option")
        for key in ("Name", "Type", "Value"):
            _check_type(option.get(key), str, place, key)


def _check_handlers(items: Any, where: str) -> None:
    _check_type(items, list, where, "Handlers")
    for index, handler in enumerate(items):
        place = f"{where} Handlers[{index}]"
        _check_type(handler, dict, place, "a handler")
        _check_type(handler.get("Name"), str, place, "Name")
        _check_options(handler.get("Options", []), place)


def _uuid(value: Any, where: str) -> UUID:
    _check_type(value, str, where, "Uuid")
    try:
        return UUID(value)
    except ValueError:
        raise _fail(where, f"Uuid is not a UUID: {value!r}") from None


def _pipeline(entry: Any, where: str, shared: dict[Any, Any]) -> Pipeline:
    _check_type(entry, dict, where, "a pipeline")
    uuid = _uuid(entry.get("Uuid"), where)
    name = entry.get("Name")
    _check_type(name, str, where, "Name")
    if not name.strip():
        raise _fail(where, "Name must not be blank")

    if entry.get("Activation", 1) not in (0, 1) or isinstance(
        entry.get("Activation"), bool
    ):
        raise _fail(where, f"Activation must be 0 or 1: {entry.get('Activation')!r}")

    _check_options(entry.get("Options", []), where)
    _check_handlers(entry.get("Handlers", []), where)
    return pipeline_from_json(entry, uuid, shared)


def _label(index: int, entry: Any) -> str:
    name = entry.get("Name") if isinstance(entry, dict) else None
    return f"Pipelines[{index}]" + (f" {name!r}" if isinstance(name, str) else "")


def _check_unique(pipelines: tuple[Pipeline, ...]) -> None:
    names: set[str] = set()
    uuids: set[UUID] = set()
    for index, pipeline in enumerate(pipelines):
        if pipeline.name in names:
            raise _fail(f"Pipelines[{index}]", f"duplicate Name {pipeline.name!r}")

        if pipeline.uuid in uuids:
            raise _fail(f"Pipelines[{index}]", f"duplicate Uuid {pipeline.uuid}")

        names.add(pipeline.name)
        uuids.add(pipeline.uuid)


@dataclass(frozen=True, slots=True)
class Seed:
    """Pipelines a store is loaded with, read from a seed fixture."""

    pipelines: tuple[Pipeline, ...] = ()

    @classmethod
    def from_json(cls, doc: Any) -> "Seed":
        """Read `{"Pipelines": [...]}`: POST bodies, each with its `Uuid`.

        Raises ValueError naming the first bad entry.
        """
        _check_type(doc, dict, "document", "the seed")
        items = doc.get("Pipelines", [])
        _check_type(items, list, "document", "Pipelines")
        shared: dict[Any, Any] = {}
        pipelines = tuple(
            _pipeline(entry, _label(index, entry), shared)
            for index, entry in enumerate(items)
        )
        _check_unique(pipelines)
        return cls(pipelines)


def default_seed() -> Seed:
    """Return the seed of ``fixtures/seed.json``: the documented pipelines and more."""
    from dajet_mock.resources import fixture_path

    text = fixture_path("seed.json").read_text(encoding="utf-8")
    return Seed.from_json(json.loads(text))
