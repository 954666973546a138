"""Handovers of the digitized database (staff): choose fonds, see what would be handed over (and
what is missing), record the handover, download its package (.tar, streamed) and minutes (.xlsx)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from pydantic import ValidationError

from common.errors import Refused, SaoLuuError, field_errors
from common.protocol import MAX_INT64
from sync_server.domain.exports.registry import XLSX
from sync_server.domain.preservation import content, handover, minutes
from sync_server.responses import content_disposition
from sync_server.web.deps import SignedInPage, StaffPage

router = APIRouter(include_in_schema=False)
HandoverId = Annotated[int, Path(ge=1, le=MAX_INT64)]
FORM = ("recipient", "number", "handed_on", "note")


def _page(
    page: SignedInPage,
    chosen: list[str],
    status: int = 200,
    errors: list[str] | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    selection = None
    if chosen:
        try:
            selection = handover.plan(page.db, page.principal, chosen)
        except SaoLuuError as exc:
            page.db.rollback()
            errors = [*(errors or []), page.refusal(exc)]
    return page.render(
        "handovers.html",
        status=status,
        candidates=content.fonds_with_approved(page.db),
        chosen=set(chosen),
        selection=selection,
        plan_pages=sum(p.pages for p in selection.packed) if selection else 0,
        plan_mb=round(sum(p.size for p in selection.packed) / 1048576, 1) if selection else 0,
        errors=errors or [],
        form=form or {"handed_on": dt.date.today().isoformat()},
        handovers=handover.list_handovers(page.db, page.principal),
    )


@router.get("/web/handovers")
def handovers(page: StaffPage) -> HTMLResponse:
    return _page(page, page.request.query_params.getlist("fonds"))


@router.post("/web/handovers")
def record_handover(page: StaffPage) -> Response:
    """Record a handover of the chosen fonds; refused (with the files missing) unless partial."""
    chosen = page.fields("fonds")
    form = {k: page.field(k) for k in FORM}
    partial = page.field("partial") == "1"
    try:
        data = handover.HandoverIn.model_validate(
            {"fonds": chosen, "partial": partial, **{k: v or None for k, v in form.items()}}
        )
        row = handover.create_handover(page.db, page.request.app.state.masters, page.principal, data)
    except ValidationError as exc:
        return _page(
            page,
            chosen,
            422,
            [_line(page, e.field, e.message.get(page.lang)) for e in field_errors(exc)],
            form,
        )
    except SaoLuuError as exc:
        page.db.rollback()
        lines = [e.message.get(page.lang) for e in exc.details] or [exc.message.get(page.lang)]
        if isinstance(exc, Refused):
            lines = [exc.message.get(page.lang), *lines]
        return _page(page, chosen, 422, lines, form)
    return page.redirect(f"/web/handovers#handover-{row.id}", "ho.created", number=row.number)


def _line(page: SignedInPage, field: str, message: str) -> str:
    key = {"recipient": "ho.recipient", "number": "ho.number", "handed_on": "ho.day", "note": "ho.note"}
    name = field.split(".")[0]
    return f"{page.t(key[name])}: {message}" if name in key else message


@router.get("/web/handovers/{handover_id}/package")
def download_package(handover_id: HandoverId, page: StaffPage) -> StreamingResponse:
    """The handover's BagIt bag as a tar, streamed (``Content-Length`` exact)."""
    state = page.request.app.state
    pkg = handover.package(
        page.db,
        state.engine,
        state.masters,
        page.principal,
        handover_id,
        organization=state.settings.organization,
    )
    headers = {"Content-Length": str(pkg.size), "Content-Disposition": content_disposition(pkg.filename)}
    return StreamingResponse(pkg.chunks(), media_type="application/x-tar", headers=headers)


@router.get("/web/handovers/{handover_id}/minutes")
def download_minutes(handover_id: HandoverId, page: StaffPage) -> Response:
    """The minutes of the handover (*biên bản bàn giao*, .xlsx)."""
    row = handover.get_handover(page.db, handover_id)
    buf = io.BytesIO()
    minutes.write_minutes(row, page.request.app.state.settings.organization, buf)
    headers = {"Content-Disposition": content_disposition(minutes.minutes_filename(row))}
    return Response(buf.getvalue(), media_type=XLSX, headers=headers)
