"""What a scenario test raises when a server breaks a rule of the contract.

A violation names the operation, the status code it answered and the rule, so that
a failure reads as "which operation broke which rule", the deviations file can
list it, and the conformance summary can count it.
"""

import httpx

from contract_tests import operations


class ContractViolationError(AssertionError):
    """A response that breaks a named rule of the contract."""

    def __init__(self, operation: str, status: int | None, rule: str, detail: str):
        self.operation = operation
        self.status = status
        self.rule = rule
        self.detail = detail
        answered = "" if status is None else f" (answered {status})"
        super().__init__(f"{operation}{answered} broke {rule}: {detail}")


def operation_of(response: httpx.Response) -> str:
    """Return the operationId of the request a response answers."""
    request = response.request
    return operations.describe(request.method, request.url.path)


def expect(response: httpx.Response, held: bool, rule: str, detail: str) -> None:
    """Raise a violation of `rule` by this response unless the rule `held`."""
    __tracebackhide__ = True
    if not held:
        raise ContractViolationError(
            operation_of(response), response.status_code, rule, detail
        )


def expect_status(response: httpx.Response, expected: int, rule: str) -> None:
    """Raise a violation unless the response has the expected status code."""
    __tracebackhide__ = True
    detail = f"expected {expected}, got {response.status_code}: {_excerpt(response)}"
    expect(response, response.status_code == expected, rule, detail)


def expect_empty(response: httpx.Response, rule: str) -> None:
    """Raise a violation unless the response has no body and no Content-Type.

    RFC 9110 section 8.3: a response without content has no Content-Type to
    give; the contract documents these answers as empty.
    """
    __tracebackhide__ = True
    content_type = response.headers.get("Content-Type")
    detail = f"expected no content, got {content_type!r} {_excerpt(response)}"
    expect(response, not response.content and content_type is None, rule, detail)


def expect_json(response: httpx.Response, rule: str) -> object:
    """Return the response's JSON body; a violation if it is not JSON."""
    __tracebackhide__ = True
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    detail = f"expected a JSON body, got {media_type!r} {_excerpt(response)}"
    expect(response, media_type in {"application/json", "text/plain"}, rule, detail)
    try:
        return response.json()
    except ValueError:
        raise ContractViolationError(
            operation_of(response), response.status_code, rule, detail
        ) from None


def _excerpt(response: httpx.Response) -> str:
    text = response.text
    return repr(text if len(text) <= 200 else text[:200] + "...")


def violations_in(error: BaseException | None) -> list[ContractViolationError]:
    """Return the violations an exception carries, inside exception groups too."""
    if isinstance(error, ContractViolationError):
        return [error]

    if isinstance(error, BaseExceptionGroup):
        return [v for inner in error.exceptions for v in violations_in(inner)]

    return []
