"""Shared fixtures: an in-process mock app and a client that calls it directly."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dajet_mock.factory import create_app
from dajet_mock.http import App
from dajet_mock.messages import Request, Response
from dajet_mock.seed import default_seed

DEMO = "9820c413-7ed1-490e-97bd-e449420815c8"
DOCUMENTED = "9bfd0610-0df0-42a0-8d1c-3f74290673e2"
UNKNOWN = "5b0a3d56-2d8e-4f6b-9a53-0f3c4c1a2b7e"
JSON_TYPE = {"content-type": "application/json"}

pytest_plugins = ["pytester"]


def pipeline_body(name: str = "new-pipeline", **extra: Any) -> dict[str, Any]:
    """Return a POST body of a pipeline the default catalogue can build."""
    return {
        "Name": name,
        "Activation": 1,
        "Options": [{"Name": "SleepTimeout", "Type": "System.Int32", "Value": "0"}],
        "Handlers": [
            {
                "Name": "DaJet.Flow.Script.Runner",
                "Options": [
                    {
                        "Name": "Script",
                        "Type": "System.String",
                        "Value": "code/say-hello.djs",
                    }
                ],
            }
        ],
        **extra,
    }


class Client:
    """Calls an app in-process with the app's own request type."""

    def __init__(self, app: App) -> None:
        self.app = app

    def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        body: bytes | str | Any = b"",
    ) -> Response:
        if not isinstance(body, bytes | str):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        if body:
            headers.setdefault("content-length", str(len(body)))
        return self.app(Request(method, path, headers, body))

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Response:
        return self.request("DELETE", path, **kwargs)

    def post(self, path: str, body: Any = b"", **kwargs: Any) -> Response:
        kwargs.setdefault("headers", dict(JSON_TYPE))
        return self.request("POST", path, body=body, **kwargs)


@pytest.fixture
def app() -> App:
    return create_app(seed=default_seed(), manual_clock=True)


@pytest.fixture
def client(app: App) -> Client:
    return Client(app)


@pytest.fixture
def store(app: App) -> Any:
    return app.sessions.get("").store


def json_body(response: Response) -> Any:
    return json.loads(response.body)
