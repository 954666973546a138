"""Failures in HTTP: the one mapping from an error's kind and code to a status and headers, and the
API's JSON answers in the shared error shape (:class:`common.errors.ErrorResponse`).

Domain code raises the kinds of :mod:`common.errors` (``NotFound``, ``NotAllowed``, ``Conflict``,
``Refused``, ``RetryLater``, …) and never chooses a status or a header; :func:`http_status` and
:func:`http_headers` do, for the API's JSON answers here and for the web's error pages
(:mod:`sync_server.web.security`). A new kind or a code with a status of its own is added here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from common.errors import (
    Conflict,
    Malformed,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    Refused,
    RetryLater,
    SaoLuuError,
    ValidationFailed,
    field_errors,
)

log = logging.getLogger("saoluu")

KIND_STATUS: dict[type[SaoLuuError], int] = {
    Malformed: 400,
    ValidationFailed: 422,
    Refused: 422,
    NotAuthenticated: 401,
    NotAllowed: 403,
    NotFound: 404,
    Conflict: 409,
    RetryLater: 503,
    SaoLuuError: 500,
}
"""The status of each kind of error (the nearest kind in the error's class hierarchy)."""

CODE_STATUS: dict[str, int] = {
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "too_many_requests": 429,
    "storage_full": 507,
}
"""Codes whose status is their own, whatever kind carries them (a refusal because the body is too
large is a 413, not a 422)."""

_STATUS_CODES = {
    400: "validation_error",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
}
"""The code of an HTTP error raised by the framework itself (an unknown route, a wrong method)."""


def http_status(err: SaoLuuError) -> int:
    """The HTTP status that says ``err``."""
    if err.code in CODE_STATUS:
        return CODE_STATUS[err.code]
    return next(KIND_STATUS[kind] for kind in type(err).__mro__ if kind in KIND_STATUS)


def http_headers(err: SaoLuuError, status: int) -> dict[str, str]:
    """The headers that go with ``err`` answered with ``status``."""
    headers: dict[str, str] = {}
    if isinstance(err, RetryLater) and err.retry_after is not None:
        headers["Retry-After"] = str(err.retry_after)
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return headers


def error_response(
    err: SaoLuuError, headers: Mapping[str, str] | None = None, *, status: int | None = None
) -> JSONResponse:
    """The JSON answer of ``err`` (the shared error shape); ``headers`` are a route's own (the
    photo upload's ``Upload-Offset``), ``status`` one the framework already chose."""
    status = status or http_status(err)
    return JSONResponse(
        err.body().model_dump(), status_code=status, headers={**http_headers(err, status), **(headers or {})}
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SaoLuuError)
    async def _saoluu(_: Request, exc: SaoLuuError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(ValidationFailed(field_errors(list(exc.errors()), drop=1)))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "server_error")
        return error_response(SaoLuuError(code), status=exc.status_code)

    @app.exception_handler(ClientDisconnect)
    async def _gone(_: Request, exc: ClientDisconnect) -> JSONResponse:
        log.info("client disconnected mid-request")  # a cut network, not a server fault
        return error_response(Malformed())

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return error_response(SaoLuuError())
