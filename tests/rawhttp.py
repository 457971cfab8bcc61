"""A bare HTTP/1.1 client over asyncio streams, for what a polite client never sends.

Tests use it to send broken framing, stall half-way through a request, and drive
many keep-alive connections at a low cost per request.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

import orjson


@dataclass
class Answer:
    """A response as read off the wire: status, lower-case headers, body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        return orjson.loads(self.body)


def request_bytes(
    method: str, path: str, body: bytes | None = None, **headers: str
) -> bytes:
    """Return a request's bytes; `Content-Length` is added for a body."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    if body is not None:
        headers.setdefault("content_length", str(len(body)))
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


class Connection:
    """One keep-alive connection to a server on the loopback interface."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, base_url: str) -> Connection:
        host, port = base_url.removeprefix("http://").split(":")
        assert host == "127.0.0.1", "tests talk to the loopback interface only"
        reader, writer = await asyncio.open_connection(host, int(port))
        return cls(reader, writer)

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def answer(self) -> Answer:
        """Read one response; raise ConnectionError if the server closed first."""
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")[:-2]
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        body = await self.reader.readexactly(length)
        return Answer(int(status_line.split()[1]), headers, body)

    async def request(self, method: str, path: str, body: Any = None) -> Answer:
        """Send a request (a JSON value for a body) and read its response."""
        if body is None:
            await self.send(request_bytes(method, path))
        else:
            data = orjson.dumps(body)
            await self.send(
                request_bytes(method, path, data, content_type="application/json")
            )
        return await self.answer()

    async def closed_by_server(self) -> bool:
        """Tell whether the server closed the connection (reads to the end)."""
        return await self.reader.read() == b""

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError):
            await self.writer.wait_closed()
