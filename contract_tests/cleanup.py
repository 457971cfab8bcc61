"""Delete the pipelines an interrupted contract run left on a server.

    python -m contract_tests.cleanup --base-url http://localhost:5000
    python -m contract_tests.cleanup --base-url URL --prefix contract-test-20250822T
    python -m contract_tests.cleanup --base-url URL --dry-run

Every pipeline the suite creates is named `contract-test-<run id>-...`; this
command lists the monitor, stops and deletes each pipeline whose name starts with
the prefix, and prints what it deletes. A pipeline created less than an
activation pass ago is not listed yet, so the command waits for one pass first.
"""

import argparse
import os
import sys

import httpx

from contract_tests import naming, pipelines
from contract_tests.target import DEFAULT_TIMEOUT, Target


def parse(argv: list[str]) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="python -m contract_tests.cleanup")
    parser.add_argument("--base-url", default=os.environ.get("DAJET_BASE_URL"))
    parser.add_argument("--prefix", default=naming.PREFIX)
    parser.add_argument("--dry-run", action="store_true", help="list, delete nothing")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    arguments = parser.parse_args(argv)
    if not arguments.base_url:
        parser.error("give --base-url or set DAJET_BASE_URL")

    if not arguments.prefix.startswith(naming.PREFIX):
        parser.error(f"the prefix must start with {naming.PREFIX!r}")

    return arguments


def leftovers(target: Target, prefix: str) -> list[dict[str, object]]:
    """Return the monitor entries whose name starts with the prefix."""
    entries = pipelines.monitor_after_a_pass(target)
    return [e for e in entries if naming.is_suite_name(e.get("Name"), prefix)]


def main(argv: list[str] | None = None) -> int:
    """Delete (or list) the leftover pipelines; return the exit status."""
    arguments = parse(sys.argv[1:] if argv is None else argv)
    with httpx.Client(base_url=arguments.base_url.rstrip("/"), timeout=30) as client:
        target = Target(arguments.base_url, client, timeout=arguments.timeout)
        found = leftovers(target, arguments.prefix)
        for entry in found:
            verb = "would delete" if arguments.dry_run else "deleting"
            print(f"{verb} {entry['Uuid']} {entry['Name']}")
            if not arguments.dry_run:
                pipelines.remove(target, str(entry["Uuid"]))

    print(f"{len(found)} pipeline(s) with the prefix {arguments.prefix!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
