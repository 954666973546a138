"""What every request passes before any route reads it: a body size limit per route, credentials
checked before a large body is read, and no NUL character in the address.

* A body longer than its route's limit is refused with 413: at once when ``Content-Length`` says
  so (nothing is read), else as soon as the bytes received pass the limit.
* A body larger than :data:`UNCHECKED_BODY` (or of unknown length) sent to a route that needs a
  signed-in user is read only once the caller's token (API bearer, tablet bearer or web session
  cookie) is known to be live: a stranger's upload is answered 401 (or sent to the sign-in page)
  unread, and nothing is spooled to disk.
* A NUL character in the path or the query string is refused with 400 on every route.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

import anyio
from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.errors import Malformed, NotAuthenticated, Refused, SaoLuuError, field_error
from sync_server.auth import Principal, PrincipalCache, resolve_token
from sync_server.config import Settings
from sync_server.domain.scans.upload import CHUNK_BYTES
from sync_server.errors import error_response, http_status

DEFAULT_BODY = 1024 * 1024
"""Any other request's body (forms, JSON of a few records, an export's parameters)."""
MULTIPART_SLACK = 64 * 1024
"""Room for a form's other fields and multipart headers beside an uploaded file."""
UNCHECKED_BODY = 64 * 1024
"""Bodies up to this size are read before the route checks credentials (as FastAPI does)."""
PUBLIC_WITH_BODY = frozenset({"/api/v1/auth/token", "/api/v1/devices/enroll", "/web/login"})
"""The routes that take a body from anyone (their bodies are small: :data:`DEFAULT_BODY`)."""
SESSION_COOKIE = "saoluu_session"
NUL = "bad_characters"

WebError = Callable[[Request, int, str], Response]


@dataclass(frozen=True)
class _Route:
    method: str
    path: re.Pattern[str]
    limit: Callable[[Settings], int]


ROUTE_LIMITS = (
    _Route("PATCH", re.compile(r"/api/v1/scans/uploads"), lambda s: CHUNK_BYTES),
    _Route("POST", re.compile(r"/web/scans/uploads"), lambda s: CHUNK_BYTES + MULTIPART_SLACK),
    _Route("PATCH", re.compile(r"/api/v1/photos/[^/]+"), lambda s: s.max_photo_bytes),
    _Route("POST", re.compile(r"/api/v1/sync/push"), lambda s: s.max_push_bytes),
    _Route(
        "POST", re.compile(r"/api/v1/admin/agencies/import"), lambda s: s.max_import_bytes + MULTIPART_SLACK
    ),
    _Route("POST", re.compile(r"/web/admin/agencies/import"), lambda s: s.max_import_bytes + MULTIPART_SLACK),
    _Route("POST", re.compile(r"/web/agency/nil-report"), lambda s: s.max_photo_bytes + MULTIPART_SLACK),
    _Route(
        "POST", re.compile(r"/api/v1/approved-lists"), lambda s: s.max_decision_scan_bytes + MULTIPART_SLACK
    ),
)


def body_limit(settings: Settings, method: str, path: str) -> int:
    """The largest body a request to ``method path`` may send."""
    for route in ROUTE_LIMITS:
        if route.method == method and route.path.fullmatch(path):
            return route.limit(settings)
    return DEFAULT_BODY


class BodyTooLarge(Refused, HTTPException):
    """More body than the route takes. Also an ``HTTPException``, which FastAPI lets through as it
    is while it reads a body (any other error there becomes its own 400)."""

    def __init__(self, limit: int) -> None:
        HTTPException.__init__(self, 413)
        Refused.__init__(self, "payload_too_large", [field_error("body", "body_too_large", max_bytes=limit)])


class RequestGuard:
    """The ASGI middleware described in the module docstring."""

    def __init__(
        self,
        app: ASGIApp,
        settings: Settings,
        engine: Engine,
        principals: PrincipalCache,
        web_error: WebError,
    ) -> None:
        self.app = app
        self.settings = settings
        self.engine = engine
        self.principals = principals
        self.web_error = web_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        limit = body_limit(self.settings, request.method, request.url.path)
        refusal = await self._refusal(request, limit)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, _limited(receive, limit), send)

    async def _refusal(self, request: Request, limit: int) -> Response | None:
        """The answer to a request refused before the app reads it, or None."""
        path = request.scope.get("path", "")
        web = path == "/web" or path.startswith("/web/")
        if "\x00" in path or "\x00" in unquote(request.scope.get("query_string", b"").decode("latin-1")):
            return self._refuse(request, web, Malformed(details=[field_error("url", NUL)]))
        declared = request.headers.get("content-length", "")
        chunked = "transfer-encoding" in request.headers
        length = int(declared) if declared.isdigit() else None if chunked else 0  # None: unknown
        if length is not None and length > limit:
            return self._refuse(request, web, BodyTooLarge(limit))
        small = length is not None and length <= UNCHECKED_BODY
        if small or path in PUBLIC_WITH_BODY or await self._signed_in(request, web):
            return None
        if web:
            return RedirectResponse("/web/login", status_code=303, headers={"Connection": "close"})
        return self._refuse(request, web, NotAuthenticated())

    async def _signed_in(self, request: Request, web: bool) -> bool:
        """Whether the request carries a live token for its door (read in a worker thread, unless
        this process read it lately)."""
        if web:
            secret = request.cookies.get(SESSION_COOKIE)
        else:
            scheme, _, secret = request.headers.get("authorization", "").partition(" ")
            secret = secret.strip() if scheme.lower() == "bearer" else None
        if not secret:
            return False
        principal = self.principals.get(secret)
        if principal is None:
            generation = self.principals.generation
            principal = await anyio.to_thread.run_sync(self._resolve, secret)
            if principal is not None and not web:
                self.principals.put(secret, principal, generation)
        if principal is None:
            return False
        return principal.door == "web" if web else principal.door in ("api", "device")

    def _resolve(self, secret: str) -> Principal | None:
        with Session(self.engine) as session:
            return resolve_token(session, secret)

    def _refuse(self, request: Request, web: bool, error: SaoLuuError) -> Response:
        if web:
            return self.web_error(request, http_status(error), "error.title")
        response = error_response(error)
        response.headers["Connection"] = "close"  # the unread body is not waited for
        return response


def _limited(receive: Receive, limit: int) -> Receive:
    """``receive`` that fails with 413 once more than ``limit`` body bytes have arrived."""
    received = 0

    async def guarded() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
        return message

    return guarded


__all__ = ["DEFAULT_BODY", "RequestGuard", "body_limit"]
