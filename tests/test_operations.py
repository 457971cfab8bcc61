"""The registry of operations against the document's operationIds; list encoding."""

import pytest

from dajet_mock.factory import create_app
from dajet_mock.operations import (
    LIST_CHUNK,
    OPERATIONS,
    BindingError,
    check_bindings,
    indented,
    indented_items,
    indented_list,
)
from dajet_mock.spec import load_spec, operation_ids


def test_every_operation_of_the_document_has_a_function():
    assert sorted(operation_ids(load_spec())) == sorted(OPERATIONS)


def test_operation_without_handler_is_refused_by_name():
    with pytest.raises(BindingError, match="'getNothing' has no handler"):
        check_bindings([*OPERATIONS, "getNothing"], OPERATIONS)


def test_handler_without_operation_is_refused_by_name():
    declared = [name for name in OPERATIONS if name != "getHandlers"]
    with pytest.raises(BindingError, match="'getHandlers' has no operation"):
        check_bindings(declared, OPERATIONS)


def test_the_app_refuses_to_start_on_a_document_that_disagrees():
    spec = load_spec()
    spec["paths"]["/flow/extra"] = {
        "get": {"operationId": "getExtra", "responses": {"200": {"description": "x"}}}
    }
    with pytest.raises(BindingError, match="getExtra"):
        create_app(spec=spec)


@pytest.mark.parametrize("count", [0, 1, LIST_CHUNK, 2 * LIST_CHUNK + 7])
def test_a_list_encoded_in_chunks_is_the_list_encoded_whole(count):
    items = [{"Uuid": str(index), "State": index % 5} for index in range(count)]
    chunks = [
        items[start : start + LIST_CHUNK] for start in range(0, count, LIST_CHUNK)
    ]
    parts = [indented_items(chunk) for chunk in chunks]
    assert indented_list(parts) == indented(items)
