"""Responses with HTTP details of their own, for the API and the pages alike: bodies made after the
route returned, downloads' file names, photos' caching."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping
from typing import BinaryIO
from urllib.parse import quote

import anyio
from fastapi.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from common.errors import SaoLuuError

IMMUTABLE = {"Cache-Control": "private, max-age=31536000, immutable"}
"""A photo never changes (its name is its hash)."""


class DeferredResponse(Response):
    """A response whose body is made in a worker thread as it is sent: after the route returned,
    so the request no longer holds a database session while photo bytes are read or a thumbnail is
    decoded. A :class:`SaoLuuError` raised meanwhile is answered by ``on_error``."""

    def __init__(
        self,
        produce: Callable[[], bytes],
        media_type: str,
        on_error: Callable[[SaoLuuError], Response],
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(media_type=media_type, headers=headers)
        self.produce = produce
        self.on_error = on_error
        self.extra_headers = dict(headers or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            body = await anyio.to_thread.run_sync(self.produce)
        except SaoLuuError as exc:
            await self.on_error(exc)(scope, receive, send)
            return
        response = Response(body, media_type=self.media_type, headers=self.extra_headers)
        await response(scope, receive, send)


def content_disposition(filename: str) -> str:
    """``attachment`` with ``filename`` per RFC 6266: an ASCII fallback (quotes, backslashes and
    control characters replaced) and the exact name UTF-8 percent-encoded (RFC 5987)."""
    fallback = "".join(c if " " <= c < "\x7f" and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def chunks(stream: BinaryIO | io.BufferedIOBase, size: int = 1024 * 1024) -> Iterator[bytes]:
    """The bytes of ``stream`` in pieces of ``size``, closing it at the end (a streamed body)."""
    with stream:
        while chunk := stream.read(size):
            yield chunk


def pdf_download(stream: BinaryIO | io.BufferedIOBase, size: int, name: str) -> StreamingResponse:
    """A stored PDF streamed as a download named ``name``. Not cached for good: the address names a
    file record, whose master a rescan replaces."""
    headers = {"Content-Disposition": content_disposition(name), "Content-Length": str(size)}
    return StreamingResponse(chunks(stream), media_type="application/pdf", headers=headers)
