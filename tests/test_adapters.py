"""The app behind real servers: uvicorn (ASGI) and Werkzeug (WSGI), on loopback."""

from __future__ import annotations

import asyncio
import logging
import re
import time

import httpx
import pytest
from conftest import DEMO, pipeline_body
from servers import uvicorn_thread, werkzeug_thread

from dajet_mock.asgi import ASGIApp

SERVERS = [
    pytest.param(uvicorn_thread, id="asgi-uvicorn"),
    pytest.param(werkzeug_thread, id="wsgi-werkzeug"),
]


@pytest.fixture(params=SERVERS)
def base_url(request, app):
    with request.param(app) as url:
        yield url


def test_monitor_over_a_socket(base_url):
    response = httpx.get(f"{base_url}/flow/monitor/{DEMO}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json()["Uuid"] == DEMO


def test_empty_answers_have_length_zero_and_no_type(base_url):
    response = httpx.put(f"{base_url}/flow/execute/{DEMO}")
    assert response.status_code == 200
    assert response.headers["content-length"] == "0"
    assert "content-type" not in response.headers


def test_no_server_header_from_uvicorn(app):
    with uvicorn_thread(app) as url:
        response = httpx.get(f"{url}/flow/monitor")
    assert "server" not in response.headers


def test_post_and_non_ascii_location_over_a_socket(base_url):
    response = httpx.post(f"{base_url}/flow", json=pipeline_body("Заказы"))
    assert response.status_code == 201
    assert response.headers["location"] == "%D0%97%D0%B0%D0%BA%D0%B0%D0%B7%D1%8B"


def test_chunked_body_over_the_limit_is_413(base_url, app):
    app.max_body = 1000
    before = app.sessions.get("").store.snapshot()

    def chunks():
        for _ in range(20):
            yield b"x" * 100

    headers = {"content-type": "application/json"}
    response = httpx.post(f"{base_url}/flow", content=chunks(), headers=headers)
    assert response.status_code == 413
    assert app.sessions.get("").store.snapshot() == before


def test_declared_body_over_the_limit_is_413(base_url, app):
    app.max_body = 1000
    body = pipeline_body(Padding="x" * 2000)
    response = httpx.post(f"{base_url}/flow", json=body)
    assert response.status_code == 413


def test_preflight_over_a_socket(base_url):
    headers = {
        "Origin": "http://localhost:5173",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    response = httpx.options(f"{base_url}/flow", headers=headers)
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-allow-methods"] == "POST"


def test_latency_fault_delays_the_answer(base_url, app):
    session = app.sessions.get("")
    app.control.inject(session, {"path": "/flow/monitor", "latency": 0.3, "times": 1})
    started = time.monotonic()
    response = httpx.get(f"{base_url}/flow/monitor")
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3


def test_drop_fault_breaks_the_connection(base_url, app):
    session = app.sessions.get("")
    app.control.inject(session, {"path": "/flow/monitor", "drop": True, "times": 1})
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"{base_url}/flow/monitor")
    assert httpx.get(f"{base_url}/flow/monitor").status_code == 200


def test_drop_fault_logs_no_error(app, caplog):
    session = app.sessions.get("")
    app.control.inject(session, {"path": "/flow/handlers", "drop": True})
    with uvicorn_thread(app) as url, pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"{url}/flow/handlers")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def _call(asgi, path):
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "headers": []}
    await asgi(scope, receive, send)
    return sent


@pytest.mark.parametrize("to_writer", [False, True], ids=["records", "writer"])
def test_access_log_is_one_line_per_request(app, caplog, to_writer):
    caplog.set_level(logging.INFO, logger="dajet_mock.access")
    written = []
    asyncio.run(
        _call(ASGIApp(app, written.append if to_writer else None), "/flow/monitor")
    )
    records = [r.getMessage() for r in caplog.records if r.name == "dajet_mock.access"]
    lines, elsewhere = (written, records) if to_writer else (records, written)
    assert elsewhere == []
    assert len(lines) == 1
    assert re.fullmatch(r"GET /flow/monitor 200 \d+\.\dms", lines[0])


def test_no_access_line_is_written_below_info(app, caplog):
    caplog.set_level(logging.WARNING, logger="dajet_mock.access")
    written = []
    asyncio.run(_call(ASGIApp(app, written.append), "/flow/monitor"))
    assert written == []
