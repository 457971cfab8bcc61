"""What makes a generated `POST /flow` safe to send to a live server.

Schemathesis draws pipelines from the contract's schema: any name, Auto
activation, any handler, any `SleepTimeout`. Before such a case is sent, the suite
rewrites what could do harm or collide, and leaves alone what it is testing:

- a valid name gets the run's prefix (unique, so that no generated pair collides
  into a 409, and recognisable by the cleanup command); an invalid one (blank,
  not a string, missing) stays as it is, since the server must refuse it;
- Auto activation becomes Manual, so that nothing starts unless the suite says so;
- an `Options` list becomes the run-once pipeline options, a `Handlers` list the
  greeting script: no generated pipeline repeats or runs a real handler.

Schemathesis re-checks a case after such edits, so a negative case made valid is
judged as a positive one.
"""

import re
from typing import Any

from contract_tests import naming
from contract_tests.pipelines import MANUAL, pipeline_options, say_hello_handlers

AUTO = 0
_HAS_TEXT = re.compile(r"\S")


def make_safe(body: Any) -> Any:
    """Return a generated `POST /flow` body rewritten to be harmless."""
    if not isinstance(body, dict):
        return body

    safe = dict(body)
    name = safe.get("Name")
    if isinstance(name, str) and _HAS_TEXT.search(name):
        safe["Name"] = naming.pipeline_name(name)

    if _is_auto(safe.get("Activation")):
        safe["Activation"] = MANUAL

    if isinstance(safe.get("Options"), list) or "Options" not in safe:
        safe["Options"] = pipeline_options()

    if isinstance(safe.get("Handlers"), list):
        safe["Handlers"] = say_hello_handlers()

    return safe


def _is_auto(value: object) -> bool:
    return value == AUTO and type(value) is int
