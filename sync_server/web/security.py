"""Security headers for ``/web`` and error pages (HTML in the user's language) instead of JSON there."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.errors import SaoLuuError
from sync_server.errors import http_status
from sync_server.web.deps import LoginRequired, PageError, error_page

log = logging.getLogger("saoluu.web")
WEB_PREFIX = "/web"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
STATUS_MESSAGES = {403: "error.403", 404: "error.404", 405: "error.405"}


class SecurityHeaders:
    """Adds :data:`HEADERS` to every ``/web`` answer, ``Cache-Control: no-store`` to pages, and a
    ``Server-Timing`` header with the time the server took until the answer started."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == WEB_PREFIX or path.startswith(WEB_PREFIX + "/")):
            await self.app(scope, receive, send)
            return
        static = path.startswith(WEB_PREFIX + "/static/")
        started = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers.extend(h for h in HEADERS if h[0] not in names)
                if not static and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                elapsed = (time.perf_counter() - started) * 1000
                headers.append((b"server-timing", f"app;dur={elapsed:.1f}".encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _is_web(request: Request) -> bool:
    return request.url.path == WEB_PREFIX or request.url.path.startswith(WEB_PREFIX + "/")


Handler = Callable[[Request, Any], Response | Awaitable[Response]]


def _web_first(original: Handler | None) -> Handler:
    """Answer failures under ``/web`` with pages; leave the API's JSON answers as they were."""

    async def handle(request: Request, exc: Exception) -> Response:
        if not _is_web(request) and original is not None:
            result = original(request, exc)
            return await result if isinstance(result, Awaitable) else result
        if isinstance(exc, LoginRequired):
            return RedirectResponse("/web/login?next=" + quote(exc.next_url, safe="/"), status_code=303)
        if isinstance(exc, PageError):
            return error_page(request, exc.status, exc.message_key, exc.details)
        if isinstance(exc, SaoLuuError):
            lang = request.cookies.get("saoluu_lang", "vi")
            details = [f"{d.field}: {d.message.get(lang)}" for d in exc.details]
            status = http_status(exc)
            key = STATUS_MESSAGES.get(status)
            if key is None:  # no page message of its own: say what the error is
                key, details = "error.title", [exc.message.get(lang), *details]
            return error_page(request, status, key, details)
        if isinstance(exc, StarletteHTTPException):
            return error_page(request, exc.status_code, STATUS_MESSAGES.get(exc.status_code, "error.title"))
        if isinstance(exc, RequestValidationError):
            return error_page(request, 400, "error.title")
        log.exception("unhandled error on a page", exc_info=exc)
        return error_page(request, 500, "error.500")

    return handle


def install_error_pages(app: FastAPI) -> None:
    for exc_type in (SaoLuuError, StarletteHTTPException, RequestValidationError, Exception):
        app.add_exception_handler(exc_type, _web_first(app.exception_handlers.get(exc_type)))
    for page_exc in (LoginRequired, PageError):
        app.add_exception_handler(page_exc, _web_first(None))
