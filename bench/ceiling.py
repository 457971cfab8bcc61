"""The ceiling: an ASGI app that answers a fixed body and does nothing else.

Served by the same server stack as the mock, it shows what that stack itself costs,
so that the mock's figures can be read as a fraction of it.
"""

from __future__ import annotations

from typing import Any

BODY = b'{"Uuid": "9820c413-7ed1-490e-97bd-e449420815c8"}'
HEADERS = [
    (b"content-type", b"application/json; charset=utf-8"),
    (b"content-length", str(len(BODY)).encode()),
]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answer every HTTP request with the same small JSON body."""
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


def main() -> None:
    """Serve the ceiling app on the port given as the only argument."""
    import sys

    from dajet_mock.server import serve_asgi

    serve_asgi(app, host="127.0.0.1", port=int(sys.argv[1]))


if __name__ == "__main__":
    main()
