"""Names of the pipelines the suite creates: a fixed prefix, the run's id, a counter.

Every pipeline the suite creates on a live server carries this prefix, so that a
person reading the monitor knows where it came from and `contract_tests.cleanup`
can find what an interrupted run left behind.
"""

import itertools
import os
import secrets
import time

PREFIX = "contract-test-"

# Generated names can be long; the suffix keeps their first characters, enough to
# recognise a case in a server's log without flooding it.
SUFFIX_LENGTH = 40


def new_run_id() -> str:
    """Return an id for one run: its UTC start time and a random tag."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    return f"{stamp}-{secrets.token_hex(3)}"


RUN_ID = os.environ.get("DAJET_RUN_ID") or new_run_id()
_counter = itertools.count(1)


def run_prefix(run_id: str = RUN_ID) -> str:
    """Return the prefix of every pipeline name of one run."""
    return f"{PREFIX}{run_id}-"


def pipeline_name(label: str) -> str:
    """Return a new name of this run, unique within it, ending in `label`."""
    return f"{run_prefix()}{next(_counter)}-{label[:SUFFIX_LENGTH]}"


def is_suite_name(name: object, prefix: str = PREFIX) -> bool:
    """Tell whether a pipeline name carries the suite's prefix."""
    return isinstance(name, str) and name.startswith(prefix)
