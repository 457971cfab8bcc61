"""One function per `operationId` of the flow API: store and arguments in, result out.

The functions never see HTTP objects. Each returns a `Result` saying what to
answer: a status, a body (already-encoded bytes, or a JSON value to encode), and
how the real server labels it. `OPERATIONS` maps every `operationId` to its
function; `check_bindings` refuses a document and a registry that disagree.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any
from uuid import UUID

import orjson

from dajet_mock import heap
from dajet_mock.errors import DuplicateName
from dajet_mock.model import (
    MonitorEntry,
    default_pipeline_info_json,
    pipeline_from_json,
    pipeline_info_json,
    pipeline_record_json,
)
from dajet_mock.problems import problem
from dajet_mock.store import Store

__all__ = ["OPERATIONS", "BindingError", "Call", "Media", "Result", "check_bindings"]


class Media(Enum):
    """How the real server labels a body."""

    NONE = "none"
    JSON = "json"
    # FlowController returns `Content(json)`, which ASP.NET Core labels text/plain.
    TEXT = "text"
    PROBLEM = "problem"
    INVALID_PARAMETERS = "invalid-parameters"


# Not frozen: every request makes one, and a frozen dataclass sets each field
# through object.__setattr__, which makes it four times as slow to create.
@dataclass(slots=True)
class Call:
    """The arguments of one operation: path parameters and the bound body."""

    arguments: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    # The request's declared Content-Length, which one action looks at.
    content_length: int | None = None

    @property
    def uuid(self) -> UUID:
        """The `{uuid}` path parameter."""
        value: UUID = self.arguments["uuid"]
        return value


# Not frozen, as `Call`; a result is read, never changed (`DONE` is shared).
@dataclass(slots=True)
class Result:
    """What an operation answers: status, body, its label, a `Location` if any."""

    status: int
    body: Any = None
    media: Media = Media.NONE
    location: str | None = None


# A JSON body encoded as .NET's indented writer does: two spaces, UTF-8 as is.
def indented(value: Any) -> bytes:
    """Encode a JSON value the way FlowController's serialiser writes it."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2)


# Entries encoded at a time: the JSON values of a whole large monitor at once
# would take several times the memory of its encoded body, all of it at once.
LIST_CHUNK = 1000


def indented_items(items: list[Any]) -> bytes:
    """Encode the items of a non-empty list as `indented` writes them in the list."""
    # `indented` writes `[\n  ...\n]`; the part between the brackets is the items.
    return indented(items)[2:-2]


def indented_list(parts: list[bytes]) -> bytes:
    """Join parts `indented_items` encoded into the list of all their items."""
    if not parts:
        return indented([])
    return b"[\n" + b",\n".join(parts) + b"\n]"


def _monitor_items(entries: list[MonitorEntry]) -> bytes:
    return indented_items([pipeline_info_json(entry) for entry in entries])


DONE = Result(200)

# Encoding a monitor body this large leaves about as much heap behind, in parts
# and JSON values; it is given back (a millisecond or so) rather than kept.
TRIM_AFTER = 2 * 2**20

# Bodies kept per store, so that asking after many uuids cannot exhaust memory.
MEMO_LIMIT = 4096


def _not_found() -> Result:
    return Result(404, problem(404), Media.PROBLEM)


def get_monitor(store: Store, call: Call) -> Result:
    """List the monitor entries, ordered by name; the body is cached per version."""
    version = store.caught_up_version()
    cached = store.memo.get("monitor")
    if cached is None or cached[0] != version:
        version, parts = store.encode_monitor(_monitor_items, LIST_CHUNK)
        cached = store.memo["monitor"] = (version, indented_list(parts))
        del parts
        if len(cached[1]) >= TRIM_AFTER:
            heap.trim()

    return Result(200, cached[1], Media.TEXT)


def get_pipeline_info(store: Store, call: Call) -> Result:
    """Answer one monitor entry, or the default entry for a uuid not built."""
    if call.content_length == 0:
        # FlowController.GetPipelineInfo refuses `Content-Length: 0` itself.
        return Result(400, problem(400), Media.PROBLEM)

    key = ("entry", call.uuid)
    version = store.caught_up_version()
    cached = store.memo.get(key)
    if cached is None or cached[0] != version:
        version, entry = store.monitor_entry_at_version(call.uuid)
        body = (
            default_pipeline_info_json(call.uuid)
            if entry is None
            else pipeline_info_json(entry)
        )
        if len(store.memo) >= MEMO_LIMIT:
            store.memo.clear()
        cached = store.memo[key] = (version, indented(body))

    return Result(200, cached[1], Media.JSON)


def get_pipeline(store: Store, call: Call) -> Result:
    """Answer the stored record, or `null` for an unknown uuid."""
    record = store.record(call.uuid)
    body = None if record is None else pipeline_record_json(record)
    return Result(200, indented(body), Media.JSON)


def get_handlers(store: Store, call: Call) -> Result:
    """List the handler types of the store's catalogue."""
    return Result(200, indented(store.catalogue.handler_list_json()), Media.TEXT)


def get_options(store: Store, call: Call) -> Result:
    """List the options of a handler type or of the pipeline; 404 if unknown."""
    options = store.catalogue.options_json(call.arguments["owner"])
    if options is None:
        return _not_found()

    return Result(200, indented(options), Media.TEXT)


def create_pipeline(store: Store, call: Call) -> Result:
    """Store a new pipeline; 409 for a name in use. The body is validated already."""
    assert call.body is not None
    try:
        pipeline = store.create(pipeline_from_json(call.body))
    except DuplicateName as error:
        detail = f"A pipeline named '{error.name}' exists already."
        return Result(409, problem(409, detail), Media.PROBLEM)

    body = orjson.dumps(str(pipeline.uuid))
    return Result(201, body, Media.JSON, location=pipeline.name)


def _command(action: Callable[[UUID], bool], call: Call) -> Result:
    return DONE if action(call.uuid) else _not_found()


def execute_pipeline(store: Store, call: Call) -> Result:
    """Start a pipeline; 200 even when nothing happens, 404 if unknown."""
    return _command(store.execute, call)


def dispose_pipeline(store: Store, call: Call) -> Result:
    """Stop a pipeline; 200 even when nothing happens, 404 if unknown."""
    return _command(store.dispose, call)


def restart_pipeline(store: Store, call: Call) -> Result:
    """Drop a pipeline's monitor entry and rebuild it; 404 if unknown."""
    return _command(store.restart, call)


def validate_pipeline(store: Store, call: Call) -> Result:
    """Check that a pipeline can be built: 200, or 500 saying why; 404 if unknown."""
    if store.record(call.uuid) is None:
        return _not_found()

    error = store.validate(call.uuid)
    if error is None:
        return DONE

    return Result(500, problem(500, error), Media.PROBLEM)


def delete_pipeline(store: Store, call: Call) -> Result:
    """Delete a pipeline; 200 also for an unknown uuid, as the server answers."""
    store.delete(call.uuid)
    return DONE


def test_flow(store: Store, call: Call) -> Result:
    """Do nothing, as FlowController's leftover `Test` action does."""
    return DONE


Operation = Callable[[Store, Call], Result]

OPERATIONS: dict[str, Operation] = {
    "getMonitor": get_monitor,
    "getPipelineInfo": get_pipeline_info,
    "getPipeline": get_pipeline,
    "getHandlers": get_handlers,
    "getOptions": get_options,
    "createPipeline": create_pipeline,
    "executePipeline": execute_pipeline,
    "disposePipeline": dispose_pipeline,
    "restartPipeline": restart_pipeline,
    "validatePipeline": validate_pipeline,
    "deletePipeline": delete_pipeline,
    "testFlow": test_flow,
}


class BindingError(Exception):
    """The document and the operation registry do not name the same operations."""


def check_bindings(
    operation_ids: Iterable[str], registry: dict[str, Operation]
) -> None:
    """Refuse an operation without a function, or a function without an operation."""
    declared = list(operation_ids)
    for operation_id in declared:
        if operation_id not in registry:
            raise BindingError(f"operation {operation_id!r} has no handler")

    for operation_id in registry:
        if operation_id not in declared:
            raise BindingError(
                f"handler {operation_id!r} has no operation in the document"
            )
