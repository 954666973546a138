"""One error shape for the API, the tablet and the web: ``{code, message{vi,en}, details[]}``.

Validation failures become :class:`FieldError` values (field, reason, message in both languages),
whether they come from pydantic or from our own rules, so every caller can show the user what to
fix in their language. The messages are the catalogue's (:mod:`common.words.errors`): an error code's
under ``error.<code>``, a reason's under ``reason.<reason>``.

Errors say what happened, never how HTTP says it. Code outside the HTTP layer raises one of the
outcome kinds below, with a code (one of :data:`ERROR_CODES`) and field errors; it never picks a
status or a header::

    raise NotFound()                                           # was SaoLuuError("not_found", 404)
    raise NotAllowed()                                         # was SaoLuuError("forbidden", 403)
    raise NotAllowed(details=[field_error("code", "code_invalid")])
    raise Conflict("already_exists", [field_error("username", "username_taken", input=name)])
    raise Refused("payload_too_large", [field_error("scan", "too_big", max_bytes=limit)])
    raise ValidationFailed([field_error("text", "missing")])  # the data breaks a rule
    raise RetryLater("storage_unavailable", retry_after=30)

The HTTP layer maps kind and code to a status and headers in one place,
:func:`sync_server.errors.http_status` / :func:`sync_server.errors.http_headers`, used by the API's
JSON answers and by the web's error pages alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError

from common import words
from common.vocab import DEFAULT_LANG, Lang
from common.words.errors import CODES

ERROR_CODES = frozenset(key.removeprefix("error.") for key in CODES)
"""Every code an error answer may carry (their words: :data:`common.words.errors.CODES`)."""

_PYDANTIC_REASONS: dict[str, str] = {
    "missing": "missing",
    "string_too_long": "too_long",
    "string_too_short": "too_short",
    "too_short": "too_few_items",
    "too_long": "too_many_items",
    "enum": "not_in_vocab",
    "literal_error": "not_in_vocab",
    "greater_than_equal": "too_small",
    "greater_than": "too_small",
    "less_than_equal": "too_large",
    "less_than": "too_large",
    "int_parsing": "not_a_number",
    "int_type": "not_a_number",
    "int_from_float": "not_a_number",
    "float_parsing": "not_a_decimal",
    "float_type": "not_a_decimal",
    "bool_parsing": "not_boolean",
    "bool_type": "not_boolean",
    "string_type": "not_text",
    "list_type": "not_a_list",
    "dict_type": "not_an_object",
    "model_type": "not_an_object",
    "model_attributes_type": "not_an_object",
    "string_pattern_mismatch": "bad_format",
    "uuid_parsing": "bad_uuid",
    "uuid_type": "bad_uuid",
    "date_parsing": "bad_date",
    "date_from_datetime_parsing": "bad_date",
    "extra_forbidden": "unknown_field",
}


class Localized(BaseModel):
    vi: str
    en: str

    def get(self, lang: Lang = DEFAULT_LANG) -> str:
        return self.en if lang == "en" else self.vi


class FieldError(BaseModel):
    field: str
    reason: str
    message: Localized


class ErrorBody(BaseModel):
    code: str
    message: Localized
    details: list[FieldError] = []


class ErrorResponse(BaseModel):
    """The body of every 4xx/5xx answer of the API."""

    error: ErrorBody


class SaoLuuError(Exception):
    """A failure the user can act on; the API turns it into an :class:`ErrorResponse`.

    Raise one of its kinds (below), which say what happened; a bare ``SaoLuuError`` is a failure of
    the server itself.
    """

    default_code: ClassVar[str] = "server_error"

    def __init__(
        self, code: str | None = None, details: Sequence[FieldError] = (), message: Localized | None = None
    ) -> None:
        self.code = code or self.default_code
        self.details = list(details)
        self.message = message or error_message(self.code)
        super().__init__(f"{self.code}: {self.message.en}")

    def body(self) -> ErrorResponse:
        return ErrorResponse(error=ErrorBody(code=self.code, message=self.message, details=self.details))


class Refused(SaoLuuError):
    """The request was refused because of what it carries; the code says why (too large, not an
    image, …) and the details which part."""

    default_code = "validation_error"


class ValidationFailed(Refused):
    """The data breaks a rule: the details name each field and reason."""

    def __init__(self, details: Sequence[FieldError]) -> None:
        super().__init__("validation_error", details)


class Malformed(Refused):
    """The request cannot be read as sent (a header contradicts another, a NUL in the address, the
    body cut off), as opposed to data that breaks a rule."""


class NotAuthenticated(SaoLuuError):
    """Who is asking is unknown: no, an expired or a wrong credential (``bad_credentials``)."""

    default_code = "not_authenticated"


class NotAllowed(SaoLuuError):
    """The caller is known but may not do this (role, agency scope, a code already used)."""

    default_code = "forbidden"


class NotFound(SaoLuuError):
    """No such thing, or none the caller may see (existence is not revealed)."""

    default_code = "not_found"


class Conflict(SaoLuuError):
    """The request clashes with the current state: it already exists, it changed meanwhile, or it
    must be done another way (``use_job``)."""

    default_code = "conflict"


class RetryLater(SaoLuuError):
    """Cannot be done now, nothing wrong with the request: try again, after ``retry_after`` seconds
    when known (storage unreachable or full, too many attempts)."""

    default_code = "storage_unavailable"

    def __init__(
        self, code: str | None = None, details: Sequence[FieldError] = (), *, retry_after: int | None = None
    ) -> None:
        super().__init__(code, details)
        self.retry_after = retry_after


def localized(key: str, **ctx: Any) -> Localized:
    """The words of ``key`` (:mod:`common.words`) in both languages, ``{placeholders}`` filled from
    ``ctx`` (a placeholder ``ctx`` lacks cuts the message short before it)."""
    vi, en = words.pair(key)
    return Localized(vi=_fmt(vi, ctx), en=_fmt(en, ctx))


def error_message(code: str) -> Localized:
    return localized(f"error.{code}")


def _fmt(template: str, ctx: Mapping[str, Any]) -> str:
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return template.split("{")[0].rstrip(": ")


def field_error(field: str, reason: str, **ctx: Any) -> FieldError:
    """Build a field error for ``reason`` (``reason.<reason>`` in the catalogue)."""
    return FieldError(field=field, reason=reason, message=localized(f"reason.{reason}", **ctx))


def field_path(loc: Iterable[str | int]) -> str:
    """``("damages", 0, "severity")`` -> ``"damages[0].severity"``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def field_errors(errors: ValidationError | Sequence[Mapping[str, Any]], *, drop: int = 0) -> list[FieldError]:
    """Translate pydantic errors into field errors; ``drop`` strips leading loc parts (e.g. body)."""
    items = errors.errors() if isinstance(errors, ValidationError) else errors
    out: list[FieldError] = []
    for err in items:
        etype = str(err.get("type", "invalid"))
        reason = etype if words.has(f"reason.{etype}") else _PYDANTIC_REASONS.get(etype, "invalid")
        ctx = dict(err.get("ctx") or {})
        raw = err.get("input")
        if isinstance(raw, str | int | float):
            ctx.setdefault("input", str(raw)[:80])
        loc = [p for p in err.get("loc", ()) if isinstance(p, str | int)][drop:]
        where = ctx.pop("field", None)  # model-level rules name the field they are about
        if where:
            loc.append(str(where))
        out.append(field_error(field_path(loc), reason, **ctx))
    return out
