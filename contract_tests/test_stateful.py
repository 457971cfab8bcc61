"""Sequences that follow the contract's links: create, then act on the new uuid.

`POST /flow` links to every operation that takes a uuid (`$response.body`), so
Schemathesis's state machine chains create → monitor → execute → dispose →
delete and the others, judging each answer with the same checks as the
generated tests plus the stateful ones (`ensure_resource_availability`, and
`deleted_pipeline_is_gone` in place of `use_after_free`).
"""

from typing import Any

import pytest
from hypothesis import settings
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case

from contract_tests import generated
from contract_tests.pipelines import Tracker
from contract_tests.target import Target

schema = generated.load_schema()
SCENARIOS = 12


def machine_for(target: Target) -> Any:
    """Return a state machine class that sends to `target` and cleans up after."""
    base = schema.as_state_machine()

    class FlowStateMachine(base):  # type: ignore[misc, valid-type]
        def setup(self) -> None:
            self.tracker = Tracker(target)

        def teardown(self) -> None:
            self.tracker.clean()

        def before_call(self, case: Case[Any]) -> None:
            generated.prepare(case, self.tracker)

        def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
            return {"base_url": target.url, "timeout": target.timeout}

        def after_call(self, response: Response, case: Case[Any]) -> None:
            super().after_call(response, case)
            self.tracker.watch(response, generated.name_of(case))

        def validate_response(
            self, response: Response, case: Case[Any], **kwargs: Any
        ) -> None:
            __tracebackhide__ = True
            generated.validate(case, response, target, recorder=self.recorder)

    return FlowStateMachine


@pytest.mark.changes_state
def test_linked_sequences_keep_the_contract(target: Target) -> None:
    """Every step of every linked sequence gets an answer that keeps the contract."""
    machine_for(target).run(
        settings=settings(max_examples=SCENARIOS, deadline=None, database=None)
    )
