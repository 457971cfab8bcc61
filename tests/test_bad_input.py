"""Bad input over a real socket: each case gets its answer in bounded time, alone.

Each row sends one malformed, oversized, mislabelled or stalled request to uvicorn
on loopback and expects the answer the README and openapi.yaml give for it. While
it is in flight another client must be served, and afterwards the store must be
as it was. The answers' bodies are checked in depth in-process (test_http.py);
here the concern is the server: bounded time, no starvation, no change.
"""

from __future__ import annotations

import asyncio
import time

import orjson
import pytest
from conftest import DEMO, pipeline_body
from rawhttp import Answer, Connection, request_bytes
from servers import uvicorn_thread

from dajet_mock.factory import create_app
from dajet_mock.http import DEFAULT_MAX_BODY
from dajet_mock.seed import default_seed

# The server closes a request that has not arrived whole after this long.
REQUEST_TIMEOUT = 1.0
# Every answer, a 408 included, comes within this bound.
BOUND = REQUEST_TIMEOUT + 2.0
# While a bad request is in flight, another client is answered within this.
OTHERS_BOUND = 1.0

CLOSED = None  # The connection closes with no answer.
STALL = 2 * REQUEST_TIMEOUT  # Seconds a stalled client waits before giving up.


def post(body: bytes, **headers: str) -> bytes:
    headers.setdefault("content_type", "application/json")
    return request_bytes("POST", "/flow", body, **headers)


def post_json(value: object) -> bytes:
    return post(orjson.dumps(value))


def with_field(**fields: object) -> bytes:
    body = pipeline_body("bad-input")
    for name, value in fields.items():
        body[name] = value
    return post_json(body)


def with_handler(**fields: object) -> bytes:
    body = pipeline_body("bad-input")
    body["Handlers"][0].update(fields)
    return post_json(body)


def with_option(**fields: object) -> bytes:
    body = pipeline_body("bad-input")
    body["Options"][0].update(fields)
    return post_json(body)


def chunked(size: int) -> bytes:
    head = (
        b"POST /flow HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"x" * 65536
    whole, rest = divmod(size, len(chunk))
    chunks = [b"%x\r\n%s\r\n" % (len(chunk), chunk)] * whole
    chunks.append(b"%x\r\n%s\r\n" % (rest, b"x" * rest))
    return head + b"".join(chunks) + b"0\r\n\r\n"


VALID = orjson.dumps(pipeline_body("bad-input"))
HEAD_ONLY = b"GET /flow/monitor HTTP/1.1\r\nHost: 127.0.0.1\r\n"

# id, what the client sends (bytes, or seconds to pause), the status expected.
ROWS = [
    ("malformed-json", [post(b'{"Name": "x",, }')], 400),
    ("truncated-json", [post(VALID[: len(VALID) // 2])], 400),
    ("name-array", [with_field(Name=["x"])], 400),
    ("activation-string", [with_field(Activation="Manual")], 400),
    ("activation-float", [with_field(Activation=0.5)], 400),
    ("options-object", [with_field(Options={"Name": "x"})], 400),
    ("handlers-string", [with_field(Handlers="DaJet.Flow.Script.Runner")], 400),
    ("handler-name-number", [with_handler(Name=7)], 400),
    ("handler-options-string", [with_handler(Options="Script")], 400),
    ("option-name-number", [with_option(Name=1)], 400),
    ("option-type-boolean", [with_option(Type=True)], 400),
    ("option-value-number", [with_option(Value=0)], 400),
    ("activation-null", [with_field(Activation=None)], 400),
    ("options-null", [with_field(Options=None)], 400),
    ("handler-name-null", [with_handler(Name=None)], 400),
    ("option-type-null", [with_option(Type=None)], 400),
    ("option-value-null", [with_option(Value=None)], 400),
    ("long-string-activation", [with_field(Activation="9" * 500_000)], 400),
    ("long-unknown-field-no-name", [post_json({"Note": "x" * 500_000})], 400),
    ("unknown-fields-only", [post_json({"Colour": "red", "Size": 3})], 400),
    ("nesting-100000-deep", [post(b"[" * 100_000 + b"]" * 100_000)], 400),
    ("invalid-utf8", [post(b'{"Name": "\xff\xfe\xfd"}')], 400),
    ("over-limit-declared", [post(b"", content_length=str(DEFAULT_MAX_BODY + 1))], 413),
    ("over-limit-chunked", [chunked(DEFAULT_MAX_BODY + 1)], 413),
    ("no-content-type", [request_bytes("POST", "/flow", VALID)], 415),
    ("text-content-type", [post(VALID, content_type="text/plain")], 415),
    ("non-uuid", [request_bytes("GET", "/flow/monitor/not-a-uuid")], 404),
    ("wrong-method", [request_bytes("PATCH", "/flow")], 405),
    ("upper-case-uuid", [request_bytes("GET", f"/flow/monitor/{DEMO.upper()}")], 200),
    ("braced-uuid", [request_bytes("GET", f"/flow/monitor/%7B{DEMO}%7D")], 200),
    ("not-http", [b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"], 400),
    (
        "slow-headers-then-stall",
        [HEAD_ONLY[:10], 0.3, HEAD_ONLY[10:30], 0.3, HEAD_ONLY[30:]],
        408,
    ),
    ("body-stalls-half-way", [post(VALID, content_length="4096")], 408),
    ("connects-and-says-nothing", [], CLOSED),
]


@pytest.fixture(scope="module")
def served():
    app = create_app(seed=default_seed(), manual_clock=True)
    with uvicorn_thread(app, request_timeout=REQUEST_TIMEOUT) as url:
        yield app, url


def _state(app):
    store = app.sessions.get("").store
    return store.snapshot(), [(e.uuid, e.state, e.status) for e in store.monitor()]


async def _send(connection: Connection, parts: list[bytes | float]) -> None:
    for part in parts:
        if isinstance(part, float):
            await asyncio.sleep(part)
        else:
            await connection.send(part)


async def _bad_client(url: str, parts: list[bytes | float]) -> Answer | None:
    connection = await Connection.open(url)
    try:
        await _send(connection, parts)
        return await asyncio.wait_for(connection.answer(), STALL + BOUND)
    except (asyncio.IncompleteReadError, ConnectionError):
        return CLOSED
    finally:
        await connection.close()


async def _other_client(url: str) -> float:
    await asyncio.sleep(0.1)
    started = time.monotonic()
    connection = await Connection.open(url)
    try:
        answer = await connection.request("GET", "/flow/monitor")
        assert answer.status == 200
        return time.monotonic() - started
    finally:
        await connection.close()


async def _case(url: str, parts: list[bytes | float]) -> tuple[Answer | None, float]:
    started = time.monotonic()
    bad = asyncio.create_task(_bad_client(url, parts))
    others = await asyncio.wait_for(_other_client(url), OTHERS_BOUND)
    answer = await bad
    assert others < OTHERS_BOUND
    return answer, time.monotonic() - started


@pytest.mark.parametrize(
    ("parts", "status"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS]
)
def test_bad_input_gets_its_answer_in_bounded_time(served, parts, status):
    app, url = served
    before = _state(app)
    answer, elapsed = asyncio.run(_case(url, parts))
    assert (answer.status if answer else CLOSED) == status
    assert elapsed < BOUND
    assert _state(app) == before


def test_408_closes_the_connection(served):
    _, url = served

    async def stalled() -> tuple[int, bool]:
        connection = await Connection.open(url)
        try:
            await connection.send(HEAD_ONLY)
            answer = await connection.answer()
            return answer.status, await connection.closed_by_server()
        finally:
            await connection.close()

    assert asyncio.run(stalled()) == (408, True)
