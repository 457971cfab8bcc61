"""Routing by the document: GUID forms, letter case, 404 and 405."""

from uuid import UUID

import pytest

from dajet_mock.routing import Router, parse_guid
from dajet_mock.spec import load_spec, shapes_of

GUID = UUID("9820c413-7ed1-490e-97bd-e449420815c8")
ROUTER = Router(shapes_of(load_spec()))


@pytest.mark.parametrize(
    "text",
    [
        "9820c413-7ed1-490e-97bd-e449420815c8",
        "9820C413-7ED1-490E-97BD-E449420815C8",
        "9820c4137ed1490e97bde449420815c8",
        "{9820c413-7ed1-490e-97bd-e449420815c8}",
        "(9820c413-7ed1-490e-97bd-e449420815c8)",
    ],
    ids=["d", "d-upper", "n", "b", "p"],
)
def test_guid_forms_parse_to_one_uuid(text):
    assert parse_guid(text) == GUID


@pytest.mark.parametrize(
    "text",
    [
        "",
        "monitor",
        "9820c413-7ed1-490e-97bd-e449420815c",
        "9820c413_7ed1_490e_97bd_e449420815c8",
        "{9820c413-7ed1-490e-97bd-e449420815c8)",
        "{9820c4137ed1490e97bde449420815c8}",
        "urn:uuid:9820c413-7ed1-490e-97bd-e449420815c8",
        "9820c413-7ed1-490e-97bd-e449420815cg",
    ],
    ids=[
        "empty",
        "word",
        "short",
        "underscores",
        "mixed-braces",
        "braced-n",
        "urn",
        "not-hex",
    ],
)
def test_other_segments_are_not_guids(text):
    assert parse_guid(text) is None


def test_route_binds_uuid_and_operation():
    match = ROUTER.match("PUT", "/Flow/Execute/9820C4137ED1490E97BDE449420815C8")
    assert match.route is not None
    assert match.route.operation_id == "executePipeline"
    assert match.arguments == {"uuid": GUID}


def test_owner_is_taken_as_it_is():
    match = ROUTER.match("GET", "/flow/options/DaJet.Flow.Script.Runner")
    assert match.arguments == {"owner": "DaJet.Flow.Script.Runner"}


def test_path_of_two_methods_allows_both():
    match = ROUTER.match("PUT", f"/flow/{GUID}")
    assert match.route is None
    assert match.allow == ("GET", "DELETE")


def test_only_one_trailing_slash_is_ignored():
    assert ROUTER.match("GET", "/flow/monitor/").route is not None
    assert ROUTER.match("GET", "/flow/monitor//").route is None
