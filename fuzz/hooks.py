"""Schemathesis hooks for fuzzing the mock from its command line (`tox -e fuzz`).

Loaded through `SCHEMATHESIS_HOOKS=fuzz.hooks`. The command line judges answers
by the same rules as the contract suite: the refined and added checks of
`contract_tests/checks.py`, which say why each exists, and its reading of
`text/plain` bodies as JSON. They are registered here under names of their own,
since `--checks all` would otherwise run Schemathesis's originals beside them.

One rule is the command line's alone. JSON Schema cannot say that options are
unique by `Name`; the contract says so in words and the server refuses repeats
with 400. The suite replaces generated options with harmless ones, so it never
meets the rule; here, generated bodies get unique option names (`map_body`), so
that a body Schemathesis deems valid is valid.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis import CheckContext, Response
from schemathesis.generation.case import Case

from contract_tests import checks
from contract_tests.checks import CheckFunction

# Refined checks that replace a Schemathesis check of the same name take a
# suffix; `fuzz/run.py` excludes the originals.
RENAMED = {
    "content_type_conformance": "content_type_conformance_of_content",
    "response_schema_conformance": "response_schema_conformance_of_content",
    "ensure_resource_availability": "created_pipeline_is_available",
}


def register(check: CheckFunction) -> None:
    """Register one of the suite's checks with Schemathesis's command line."""

    def registered(ctx: CheckContext, response: Response, case: Case) -> bool | None:
        return check(ctx, response, case)

    registered.__name__ = RENAMED.get(check.__name__, check.__name__)
    registered.__doc__ = check.__doc__
    schemathesis.check(registered)


for added in checks.ADDED:
    register(added)


@schemathesis.hook
def map_body(context: Any, body: Any) -> Any:
    """Give every option of a generated body a name no sibling option has."""
    if isinstance(body, dict):
        _unique_names(body.get("Options"))
        handlers = body.get("Handlers")
        for handler in handlers if isinstance(handlers, list) else []:
            if isinstance(handler, dict):
                _unique_names(handler.get("Options"))

    return body


def _unique_names(options: Any) -> None:
    seen: set[str] = set()
    for option in options if isinstance(options, list) else []:
        name = option.get("Name") if isinstance(option, dict) else None
        if not isinstance(name, str):
            continue

        while name in seen:
            name += "'"
        option["Name"] = name
        seen.add(name)
