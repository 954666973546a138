"""Insurance copy sets (staff): register a set, what each set holds, the files short of two
verified sets. Writing and verifying copies stay command-line work (the page says how)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from common.errors import SaoLuuError
from common.vocab import CopyMedium
from sync_server.domain.preservation import figures, sets
from sync_server.web.deps import SignedInPage, StaffPage
from sync_server.web.form_errors import form_errors

router = APIRouter(include_in_schema=False)
FORM = ("number", "name", "medium", "location", "note")
SHORT_LISTED = 200


def _page(
    page: SignedInPage, status: int = 200, errors: dict[str, str] | None = None, **form: Any
) -> HTMLResponse:
    lines = sets.list_sets(page.db)
    copies = sets.copies_by_set(page.db)
    counts = figures.figures(page.db)
    taken = {line.set.number for line in lines}
    return page.render(
        "copy_sets.html",
        status=status,
        lines=lines,
        copies=copies,
        latest={
            n: max((c for c in cs if c.checked_at), key=_checked, default=None) for n, cs in copies.items()
        },
        f=counts,
        short=figures.short_files(page.db, SHORT_LISTED),
        media=list(CopyMedium),
        errors=errors or {},
        form=form or {"number": str(next(n for n in range(1, 1000) if n not in taken))},
    )


def _checked(line: sets.CopyLine) -> Any:
    return line.checked_at


@router.get("/web/copy-sets")
def copy_sets(page: StaffPage) -> HTMLResponse:
    return _page(page)


@router.post("/web/copy-sets")
def register_set(page: StaffPage) -> Response:
    form = {k: page.field(k) for k in FORM}
    try:
        data = sets.CopySetIn.model_validate({k: v or None for k, v in form.items()})
        row = sets.register_set(page.db, page.principal, data)
    except (ValidationError, SaoLuuError) as exc:
        page.db.rollback()
        return _page(page, 422, form_errors(page, exc), **form)
    return page.redirect("/web/copy-sets", "copies.registered", n=row.number)
