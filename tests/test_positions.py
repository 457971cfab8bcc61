"""Where a value sits in a JSON text, as System.Text.Json's messages place it."""

import pytest

from dajet_mock.positions import position_of

BODY = b'{\n  "Name": "x",\n  "Options": [{"Name": 1}, {"name": {"a": [1]}}]\n}'


@pytest.mark.parametrize(
    ("text", "path", "position"),
    [
        pytest.param(b'{"Name": 5}', ["Name"], (0, 10), id="number"),
        pytest.param(b'{"Name": "abc"}', ["Name"], (0, 14), id="string"),
        pytest.param(b'{"Name": "a\\"b"}', ["Name"], (0, 15), id="escaped-quote"),
        pytest.param('{"Name": "é"}'.encode(), ["Name"], (0, 13), id="in-bytes"),
        pytest.param(b'{"Name": true }', ["Name"], (0, 13), id="literal"),
        pytest.param(BODY, ["Options", 0, "Name"], (2, 24), id="nested-line"),
        pytest.param(BODY, ["Options", 1, "Name"], (2, 37), id="object-after-brace"),
        pytest.param(b"[1, [2]]", [1], (0, 5), id="array-after-bracket"),
        pytest.param(
            b'{"NAME": 1, "name": 2}', ["Name"], (0, 21), id="last-key-any-case"
        ),
        pytest.param(b'{"a": {"b": [1, 2]}, "Name": 3}', ["Name"], (0, 30), id="skips"),
        pytest.param(b"[7]", [], (0, 1), id="root"),
    ],
)
def test_the_position_is_just_after_the_values_token(text, path, position):
    assert position_of(text, path) == position


@pytest.mark.parametrize(
    ("text", "path"),
    [
        pytest.param(b'{"Name": 5}', ["Other"], id="no-such-key"),
        pytest.param(b"[1]", [3], id="no-such-index"),
        pytest.param(b'{"Name": 5}', [0], id="index-into-object"),
        pytest.param(b'{"Name": ', ["Name"], id="truncated"),
    ],
)
def test_a_path_with_no_value_has_no_position(text, path):
    assert position_of(text, path) is None
