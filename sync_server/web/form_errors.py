"""Why a form was refused, field by field, in the page's language."""

from __future__ import annotations

from pydantic import ValidationError

from common.errors import FieldError, SaoLuuError, field_errors
from sync_server.web.deps import SignedInPage

FORM = "form"
"""The key of an error about the whole form."""


def form_errors(page: SignedInPage, exc: ValidationError | SaoLuuError) -> dict[str, str]:
    """``{field: message}``: each field's first message (a nested field under its top name); a
    refusal naming no field under :data:`FORM`."""
    errors: list[FieldError] = field_errors(exc) if isinstance(exc, ValidationError) else list(exc.details)
    if not errors and isinstance(exc, SaoLuuError):
        return {FORM: exc.message.get(page.lang)}
    out: dict[str, str] = {}
    for e in errors:
        out.setdefault(e.field.split("[")[0].split(".")[0] or FORM, e.message.get(page.lang))
    return out
