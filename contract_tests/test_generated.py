"""Every operation, exercised with cases Schemathesis generates from the contract.

Positive and negative cases, the contract's examples and its coverage cases
(boundaries, missing parameters, methods a path does not take), each judged by
every Schemathesis check, the refined ones and the suite's own
(contract_tests/checks.py).
"""

from typing import Any

from hypothesis import HealthCheck, settings
from schemathesis.generation.case import Case

from contract_tests import generated
from contract_tests.pipelines import Tracker
from contract_tests.target import Target

schema = generated.load_schema()


@schema.parametrize()
# The tracker is meant to live across all the cases of one operation: it collects
# every pipeline they create and deletes them when the test ends.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_operation(case: Case[Any], target: Target, tracker: Tracker) -> None:
    """A generated case gets an answer that keeps the contract."""
    generated.run(case, target, tracker)
