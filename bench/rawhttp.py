"""A lean HTTP/1.1 keep-alive client on asyncio streams, for the load bench only.

The load generator shares the machine with the server. httpx spends about 3 ms of CPU per request
in pure Python (its connection pool, h11), so 200 simulated tablets on httpx take a third of a 2-core
box and their own event loop queues the answers: the latency printed then measures the generator as
much as the server. This client writes a request and reads ``Content-Length`` bytes back (what
uvicorn sends for every answer of this API), one connection per device as on the tablets.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode


class HTTPError(Exception):
    """The connection failed, timed out or answered something this client does not read."""


@dataclass
class Reply:
    status_code: int
    headers: dict[str, str]
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode(errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


class Connection:
    """One keep-alive connection to ``host:port``, opened on first use and again after a failure."""

    def __init__(self, host: str, port: int, timeout: float = 60.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        content: bytes = b"",
        params: dict[str, Any] | None = None,
    ) -> Reply:
        target = f"{path}?{urlencode(params)}" if params else path
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if content or method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(content)}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + content
        try:
            return await asyncio.wait_for(self._exchange(raw, method == "HEAD"), self.timeout)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            await self.aclose()
            raise HTTPError(f"{type(exc).__name__} {exc}") from exc

    async def _exchange(self, raw: bytes, head: bool) -> Reply:
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        writer.write(raw)
        await writer.drain()
        status = int((await reader.readline()).split(b" ", 2)[1])
        headers: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding"):
            raise ValueError("chunked answers are not read by this client")
        length = 0 if head or status in (204, 304) else int(headers.get("content-length", "0"))
        body = await reader.readexactly(length) if length else b""
        if headers.get("connection", "").lower() == "close":
            await self.aclose()
        return Reply(status, headers, body)

    async def aclose(self) -> None:
        if self._streams is not None:
            writer = self._streams[1]
            self._streams = None
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
