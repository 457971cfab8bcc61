"""A real browser on another origin drives the mock, as a frontend page does.

Headless Chromium loads a page from one loopback port; the page's script calls the
mock on another port with `fetch`, so every request is cross-origin and the JSON
ones are preflighted. Chromium refuses any answer whose CORS headers are wrong, so
the page sees a network error instead of a status.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from conftest import default_seed
from servers import socketserver_thread, uvicorn_thread

from dajet_mock.factory import create_app

BROWSER = next(
    filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))),
    None,
)
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no Chromium: `apt-get install chromium` brings it"
)

# The flags keep a headless Chromium off the network beyond loopback.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=10000",
    "--dump-dom",
)

PAGE = """<!doctype html>
<html><body><pre id="result">pending</pre><script>
const MOCK = "__MOCK__";
const PIPELINE = {
  Name: "browser-pipeline",
  Activation: 1,
  Options: [{Name: "SleepTimeout", Type: "System.Int32", Value: "0"}],
  Handlers: [{Name: "DaJet.Flow.Script.Runner", Options: [
    {Name: "Script", Type: "System.String", Value: "code/say-hello.djs"}]}],
};

async function call(method, path, body, headers = {}) {
  const init = {method, headers: {...headers}};
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json; charset=utf-8";
    init.body = JSON.stringify(body);
  }
  try {
    const answer = await fetch(MOCK + path, init);
    const text = await answer.text();
    return {status: answer.status, text, location: answer.headers.get("Location")};
  } catch (error) {
    return {error: String(error)};
  }
}

async function scenario() {
  const steps = {};
  steps.created = await call("POST", "/flow", PIPELINE);
  const uuid = JSON.parse(steps.created.text || "null");
  steps.executed = await call("PUT", "/flow/execute/" + uuid);
  steps.advanced = await call("POST", "/__mock/clock/advance", {seconds: 0.5});
  steps.working = await call("GET", "/flow/monitor/" + uuid);
  steps.unknown = await call("PUT", "/flow/dispose/" + crypto.randomUUID());
  steps.isolated = await call("GET", "/flow/monitor", undefined,
                              {"X-Mock-Session": "browser"});
  steps.deleted = await call("DELETE", "/flow/" + uuid);
  steps.listed = await call("GET", "/flow/monitor");
  return steps;
}

scenario().then(
  steps => { document.getElementById("result").textContent = JSON.stringify(steps); },
  error => { document.getElementById("result").textContent = "failed: " + error; });
</script></body></html>
"""


def page_server(folder: Path) -> contextlib.AbstractContextManager[str]:
    """Serve ``folder`` on a loopback port of its own: the page's origin."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    return socketserver_thread(
        http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    )


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the page without writing a log line to stderr per request."""

    def log_message(self, format: str, *args: Any) -> None:
        return


def run_page(mock_url: str) -> dict[str, Any]:
    """Load the page in Chromium and return what its script found."""
    with tempfile.TemporaryDirectory() as folder, page_server(Path(folder)) as origin:
        (Path(folder) / "index.html").write_text(PAGE.replace("__MOCK__", mock_url))
        profile = Path(folder) / "profile"
        command = [str(BROWSER), *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
        dom = subprocess.run(
            [*command, f"{origin}/index.html"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
    found = re.search(r'<pre id="result">(.*?)</pre>', dom, re.DOTALL)
    assert found, dom
    text = found.group(1).replace("&quot;", '"').replace("&amp;", "&")
    assert not text.startswith(("pending", "failed")), text
    return dict(json.loads(text))


@pytest.fixture(scope="module")
def steps() -> dict[str, Any]:
    app = create_app(seed=default_seed(), manual_clock=True)
    with uvicorn_thread(app) as url:
        return run_page(url)


def test_every_cross_origin_call_gets_through(steps: dict[str, Any]) -> None:
    failed = {name: step for name, step in steps.items() if "error" in step}
    assert not failed


def test_page_creates_and_runs_a_pipeline(steps: dict[str, Any]) -> None:
    assert steps["created"]["status"] == 201
    assert steps["executed"] == {"status": 200, "text": "", "location": None}
    entry = json.loads(steps["working"]["text"])
    assert (entry["Name"], entry["State"]) == ("browser-pipeline", 2)


def test_location_stays_hidden_from_scripts_as_on_the_real_server(
    steps: dict[str, Any],
) -> None:
    assert steps["created"]["location"] is None


def test_errors_reach_the_page_with_their_bodies(steps: dict[str, Any]) -> None:
    assert steps["unknown"]["status"] == 404
    assert json.loads(steps["unknown"]["text"])["title"] == "Not Found"


def test_a_session_header_isolates_the_page(steps: dict[str, Any]) -> None:
    isolated = json.loads(steps["isolated"]["text"])
    assert "browser-pipeline" not in [entry["Name"] for entry in isolated]


def test_delete_removes_the_pipeline_from_the_monitor(steps: dict[str, Any]) -> None:
    assert steps["deleted"]["status"] == 200
    listed = json.loads(steps["listed"]["text"])
    assert "browser-pipeline" not in [entry["Name"] for entry in listed]
