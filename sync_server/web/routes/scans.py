"""Upload of scanned masters (staff and digitization operators): PDFs sent in chunks, resumably,
then taken in by the ingest the command line uses; the run's report as a page and an Excel file."""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.datastructures import UploadFile

from common.errors import SaoLuuError, ValidationFailed
from common.vocab import STAFF, Role
from sync_server.domain.photos import OffsetConflict
from sync_server.domain.scans import report, upload
from sync_server.errors import http_status
from sync_server.responses import content_disposition
from sync_server.storage.base import PhotoStore
from sync_server.web.deps import PageError, SignedInPage, page_user

router = APIRouter(include_in_schema=False)
ScanPage = Annotated[SignedInPage, Depends(page_user(*STAFF, Role.DIGITIZATION_OPERATOR))]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _max_bytes(page: SignedInPage) -> int:
    return page.request.app.state.settings.max_scan_bytes


def _masters(page: SignedInPage) -> PhotoStore:
    return page.request.app.state.masters


@router.get("/web/scans")
def upload_page(page: ScanPage) -> HTMLResponse:
    """Choose PDFs, watch them go up, then see the run's report."""
    return page.render(
        "scans/upload.html",
        chunk_bytes=upload.CHUNK_BYTES,
        max_bytes=_max_bytes(page),
        max_mb=_max_bytes(page) // (1024 * 1024),
        runs=report.recent_runs(page.db, page.principal),
    )


def _json_error(page: SignedInPage, exc: SaoLuuError) -> JSONResponse:
    return JSONResponse({"message": page.refusal(exc)}, status_code=http_status(exc))


def _item(page: SignedInPage, name: str, size: str) -> upload.Upload:
    if not size.isdigit():
        raise PageError(400, "error.title")
    return upload.upload(name, int(size), _max_bytes(page))


@router.get("/web/scans/uploads")
def upload_state(page: ScanPage) -> JSONResponse:
    """How many bytes of the caller's upload of a PDF (``name``, ``size``) the server holds."""
    query = page.request.query_params
    try:
        item = _item(page, query.get("name", ""), query.get("size", ""))
        return JSONResponse({"offset": upload.held(_masters(page), page.principal, item)})
    except SaoLuuError as exc:
        return _json_error(page, exc)


@router.post("/web/scans/uploads")
def upload_chunk(page: ScanPage) -> JSONResponse:
    """Append one chunk (the form's ``chunk`` file) at ``offset``; answers the bytes now held (409
    with where to resume when ``offset`` is not what is held)."""
    chunk = page.form.get("chunk") if page.form is not None else None
    offset = page.field("offset")
    if not isinstance(chunk, UploadFile) or not offset.isdigit():
        raise PageError(400, "error.title")
    try:
        item = _item(page, page.field("name"), page.field("size"))
        held = upload.append(_masters(page), page.principal, item, int(offset), chunk.file.read())
    except OffsetConflict as exc:
        return JSONResponse({"offset": exc.held}, status_code=409)
    except SaoLuuError as exc:
        return _json_error(page, exc)
    return JSONResponse({"offset": held})


@router.post("/web/scans/ingest")
def ingest(page: ScanPage) -> Response:
    """Take in the uploaded PDFs named in the form as one run, then show its report."""
    names, sizes = page.fields("name"), page.fields("size")
    try:
        items = [_item(page, n, s) for n, s in zip(names, sizes, strict=True)]
        run = upload.ingest_uploads(page.db, _masters(page), page.principal, items)
    except (ValidationFailed, ValueError) as exc:
        page.db.rollback()
        details = [page.refusal(exc)] if isinstance(exc, SaoLuuError) else []
        raise PageError(422, "ingest.not_ingested", details) from None
    return page.redirect(f"/web/scans/runs/{run.id}", "ingest.ingested", n=run.total)


@router.get("/web/scans/runs/{run_id}")
def run_page(run_id: int, page: ScanPage) -> HTMLResponse:
    """One run's report: a line per PDF, taken in or refused with the reason."""
    run = report.run_of(page.db, page.principal, run_id)
    return page.render("scans/run.html", run=run, lines=list(report.lines(page.db, run_id, page.lang)))


@router.get("/web/scans/runs/{run_id}/report.xlsx")
def run_report(run_id: int, page: ScanPage) -> Response:
    report.run_of(page.db, page.principal, run_id)
    out = io.BytesIO()
    report.write_xlsx(page.db, run_id, out)
    name = f"bao-cao-nhan-ban-so-hoa-{run_id}.xlsx"
    return Response(
        out.getvalue(), media_type=XLSX, headers={"Content-Disposition": content_disposition(name)}
    )
