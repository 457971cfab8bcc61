"""Faults: matching by method and path glob, counting, and their documents."""

import pytest

from dajet_mock.faults import Fault, FaultError, Faults


@pytest.mark.parametrize(
    ("fault", "method", "path", "expected"),
    [
        (Fault(), "GET", "/flow/monitor", True),
        (Fault(method="PUT", path="/flow/execute/*"), "PUT", "/flow/execute/x", True),
        (Fault(method="PUT", path="/flow/execute/*"), "GET", "/flow/execute/x", False),
        (Fault(path="/flow/execute/*"), "PUT", "/flow/dispose/x", False),
        (Fault(path="/flow"), "POST", "/flow/", False),
    ],
    ids=["any", "glob", "other-method", "other-path", "exact"],
)
def test_fault_matches_method_and_path(fault, method, path, expected):
    assert fault.matches(method, path) is expected


def test_fault_with_times_is_used_up():
    faults = Faults()
    faults.add(Fault(path="/flow/monitor", times=2))
    taken = [faults.take("GET", "/flow/monitor") for _ in range(3)]
    assert [fault is not None for fault in taken] == [True, True, False]


def test_first_added_fault_wins():
    faults = Faults()
    first = faults.add(Fault(status=500))
    faults.add(Fault(status=503))
    assert faults.take("GET", "/x") == first


def test_fault_document_round_trips():
    doc = {"method": "put", "path": "/flow/*", "times": 3, "latency": 0.5}
    fault = Fault.from_json(doc)
    assert (
        Fault.from_json({k: v for k, v in fault.json().items() if k != "id"}) == fault
    )
    assert fault.method == "PUT"


def test_method_must_be_a_word():
    with pytest.raises(FaultError, match="method"):
        Fault.from_json({"method": "GET /x"})
