"""A file's metadata after Circular 02/2019 on its record page (staff): shown, and edited through
the form of ``_file_metadata.html`` (field names from :mod:`common.circular02`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from common import circular02 as c02
from common.errors import SaoLuuError
from sync_server.domain import file_metadata
from sync_server.web.deps import SignedInPage, StaffPage
from sync_server.web.form_errors import form_errors

Render = Callable[..., HTMLResponse]
TEXTAREAS = frozenset({c02.ANNOTATION.key})


def metadata_context(page: SignedInPage, rid: str) -> dict[str, Any]:
    """What the record page's metadata section shows (staff only; nothing for others)."""
    if not page.is_staff:
        return {}
    view = file_metadata.read_metadata(page.db, page.principal, rid)
    return {"metadata": view, "metadata_fields": c02.STAFF_FIELDS, "metadata_textareas": TEXTAREAS}


def _messages(page: SignedInPage, exc: ValidationError | SaoLuuError) -> dict[str, str]:
    out = form_errors(page, exc)
    if isinstance(exc, ValidationError) and any(
        e["loc"][:1] == (c02.FILE_CODE.key,) and e["type"] == "string_pattern_mismatch" for e in exc.errors()
    ):
        out[c02.FILE_CODE.key] = page.t("meta.code_format")
    return out


def add_metadata_routes(router: APIRouter, render: Render) -> None:
    """The metadata form's POST route on the record pages' router (``render`` shows the record)."""

    @router.post("/web/records/{rid}/metadata")
    def edit_metadata(rid: str, page: StaffPage) -> Response:
        """Set the staff fields; refused input changes nothing and is shown again with its errors."""
        form = {f.key: page.field(f.key) for f in c02.STAFF_FIELDS}
        try:
            data = file_metadata.MetadataIn.model_validate({k: (v or None) for k, v in form.items()})
            file_metadata.edit_metadata(page.db, page.principal, rid, data)
        except (ValidationError, SaoLuuError) as exc:
            page.db.rollback()
            return render(page, rid, status=422, metadata_errors=_messages(page, exc), metadata_form=form)
        return page.redirect(f"/web/records/{rid}#metadata-title", "meta.saved")
