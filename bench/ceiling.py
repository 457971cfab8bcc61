"""The ceiling: an ASGI app that answers a fixed body and does nothing else.

Served by the same function, hence the same server stack, as the mock, it shows
what that stack itself costs, so that the mock's figures can be read as a
fraction of it.
"""

from __future__ import annotations

import sys
from typing import Any

from dajet_mock.server import bind, serve_asgi

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
    """Serve the ceiling app on 127.0.0.1 and the port given as the only argument."""
    sock = bind("127.0.0.1", int(sys.argv[1]))
    serve_asgi(app, sock).run(sockets=[sock])


if __name__ == "__main__":
    main()
