"""Where a value sits in a JSON text, as System.Text.Json's messages place it.

The real server's binding errors end with `LineNumber: L | BytePositionInLine: B`:
the reader's position just after the token it failed on (after the opening
bracket of an object or array), lines counted from 0, bytes from the line's
start. A parser gives values, not positions, so the text is walked again along
the path of the bad value; this happens only for a body already refused.
"""

from collections.abc import Sequence

import orjson

__all__ = ["Position", "position_of"]

# Line number and byte position in that line, both from 0.
Position = tuple[int, int]

_WHITESPACE = b" \t\r\n"


def position_of(text: bytes, path: Sequence[str | int]) -> Position | None:
    """Return the position just after the token of the value at `path`.

    Object keys match in any letter case, as the server binds them; of
    repeated keys the last counts, as in the parsed value. None if `text`
    holds no value there or is not JSON.
    """
    try:
        end = _token_end(text, _find(text, _skip_space(text, 0), path))
    except (IndexError, ValueError):
        return None
    return _line_and_byte(text, end)


def _find(text: bytes, start: int, path: Sequence[str | int]) -> int:
    for part in path:
        opening = text[start : start + 1]
        if isinstance(part, int) and opening == b"[":
            start = _nth_item(text, start, part)
        elif isinstance(part, str) and opening == b"{":
            start = _last_member(text, start, part.lower())
        else:
            raise ValueError(f"no {part!r} in the value at byte {start}")

    return start


def _nth_item(text: bytes, start: int, index: int) -> int:
    items = _children(text, start, keyed=False)
    return items[index][1]


def _last_member(text: bytes, start: int, key: str) -> int:
    found = [value for name, value in _children(text, start, keyed=True) if name == key]
    if not found:
        raise ValueError(f"no member {key!r} at byte {start}")
    return found[-1]


def _children(text: bytes, start: int, keyed: bool) -> list[tuple[str, int]]:
    """Return (lower-case key or "", start of value) of an object's or array's items."""
    children: list[tuple[str, int]] = []
    at = _skip_space(text, start + 1)
    while text[at : at + 1] not in (b"}", b"]"):
        key = ""
        if keyed:
            key_end = _string_end(text, at)
            key = str(orjson.loads(text[at:key_end])).lower()
            at = _skip_space(text, _skip_space(text, key_end) + 1)
        children.append((key, at))
        at = _skip_space(text, _value_end(text, at))
        if text[at : at + 1] == b",":
            at = _skip_space(text, at + 1)

    return children


def _token_end(text: bytes, start: int) -> int:
    if text[start : start + 1] in (b"{", b"["):
        return start + 1
    return _value_end(text, start)


def _value_end(text: bytes, start: int) -> int:
    # Iterative over brackets, so that nesting costs no Python stack.
    depth, at = 0, start
    while True:
        byte = text[at : at + 1]
        if not byte:
            raise ValueError("the text ends inside a value")

        if byte == b'"':
            at = _string_end(text, at)
        elif byte in (b"{", b"["):
            depth, at = depth + 1, at + 1
        elif byte in (b"}", b"]"):
            depth, at = depth - 1, at + 1
        elif byte in (b",", b":") or byte in _WHITESPACE:
            at += 1
        else:
            at = _scalar_end(text, at)

        if depth == 0:
            return at


def _string_end(text: bytes, start: int) -> int:
    at = start + 1
    while text[at] != 0x22:  # the closing quote
        at += 2 if text[at] == 0x5C else 1  # a backslash escapes the next byte

    return at + 1


def _scalar_end(text: bytes, start: int) -> int:
    at = start
    while at < len(text) and text[at] not in b" \t\r\n,}]":
        at += 1

    return at


def _skip_space(text: bytes, at: int) -> int:
    while at < len(text) and text[at] in _WHITESPACE:
        at += 1

    return at


def _line_and_byte(text: bytes, end: int) -> Position:
    line_start = text.rfind(b"\n", 0, end) + 1
    return text.count(b"\n", 0, end), end - line_start
