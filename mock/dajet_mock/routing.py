"""Matching a request path to the document's routes, as ASP.NET Core routing does.

Literal parts match in any letter case, one trailing slash is ignored, and a
`{uuid}` segment takes a .NET GUID in its D, N, B or P form (any letter case),
normalised to lower-case D. A path no template fits is 404; a path that fits
templates none of which takes the method is 405, with the methods they take.
"""

import re
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from dajet_mock.spec import Route, Shape

__all__ = ["Match", "Router", "parse_guid"]

_HEX = "[0-9a-fA-F]"
_D_FORM = re.compile(f"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}")
_N_FORM = re.compile(f"{_HEX}{{32}}")
_WRAPPERS = {"{": "}", "(": ")"}


_PARSED: dict[str, UUID | None] = {}

# Clients ask about the same few pipelines over and over; parsing a UUID costs
# more than the rest of routing, so the latest segments are remembered.
_PARSED_LIMIT = 4096

# Longer paths are matched afresh, so that the memory of matches stays small.
_REMEMBERED_PATH = 128


def parse_guid(text: str) -> UUID | None:
    """Return the UUID of a segment in a .NET `Guid` route form, or None."""
    if text in _PARSED:
        return _PARSED[text]

    if len(_PARSED) >= _PARSED_LIMIT:
        _PARSED.clear()
    uuid = _PARSED[text] = _parse_guid(text)
    return uuid


def _parse_guid(text: str) -> UUID | None:
    size = len(text)
    if size == 38 and _WRAPPERS.get(text[0]) == text[-1]:
        text, size = text[1:-1], 36

    if size == 36 and _D_FORM.fullmatch(text):
        return UUID(text)

    if size == 32 and _N_FORM.fullmatch(text):
        return UUID(hex=text)

    return None


@dataclass(frozen=True, slots=True)
class Match:
    """The outcome of routing: a route and its arguments, or the methods allowed.

    A router hands the same match out again for the same request line: read it,
    never change it.
    """

    route: Route | None
    arguments: dict[str, Any]
    allow: tuple[str, ...]


NO_MATCH = Match(None, {}, ())


class Router:
    """Routes of one document, grouped by the number of path segments."""

    def __init__(self, shapes: list[Shape]) -> None:
        self._by_size: dict[int, list[Shape]] = {}
        for shape in shapes:
            self._by_size.setdefault(shape.size, []).append(shape)
        # A match depends on the method and path alone, and clients repeat both;
        # the latest ones are remembered, as parsed GUIDs are.
        self._matched: dict[tuple[str, str], Match] = {}

    def match(self, method: str, path: str) -> Match:
        """Return the route for a method and a percent-decoded path."""
        if len(path) > _REMEMBERED_PATH:
            return self._match(method, path)

        key = (method, path)
        found = self._matched.get(key)
        if found is None:
            if len(self._matched) >= _PARSED_LIMIT:
                self._matched.clear()
            found = self._matched[key] = self._match(method, path)
        return found

    def _match(self, method: str, path: str) -> Match:
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]

        segments = path[1:].split("/")
        lowered = [segment.lower() for segment in segments]
        allow: list[str] = []
        for shape in self._by_size.get(len(segments), ()):
            arguments = _bind(shape, segments, lowered)
            if arguments is None:
                continue

            route = shape.routes.get(method)
            if route is not None:
                return Match(route, arguments, ())

            allow += shape.routes

        return Match(None, {}, tuple(allow)) if allow else NO_MATCH


def _bind(
    shape: Shape, segments: list[str], lowered: list[str]
) -> dict[str, Any] | None:
    for index, literal in shape.literals:
        if lowered[index] != literal:
            return None

    arguments: dict[str, Any] = {}
    for parameter in shape.parameters:
        segment = segments[parameter.index]
        value: Any = parse_guid(segment) if parameter.is_uuid else segment or None
        if value is None:
            return None

        arguments[parameter.name] = value

    return arguments
