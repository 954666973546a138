"""The compliance tracker: every agency of the deposit list and where it stands in a campaign."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from openpyxl import Workbook
from openpyxl.styles import Font

from common.dates import show_date
from common.vocab import AgencyKind
from sync_server.domain import dashboard as domain
from sync_server.responses import content_disposition
from sync_server.web.deps import PageError, SignedInPage, StaffPage

router = APIRouter(include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _query(page: SignedInPage) -> dict[str, Any]:
    """The tracker's filters from the query string (unknown values are ignored)."""
    params = page.request.query_params
    kind = params.get("kind") if params.get("kind") in {k.value for k in AgencyKind} else None
    statuses = {s.value: s for s in domain.ComplianceStatus}
    return {
        "kind": kind,
        "parent": params.get("parent") or None,
        "status": statuses.get(params.get("status", "")),
    }


def _lines(page: SignedInPage) -> tuple[Any, list[domain.AgencyLine], dict[str, Any]]:
    campaign = domain.pick_campaign(page.db, page.request.query_params.get("campaign"))
    filters = _query(page)
    lines = domain.compliance(page.db, campaign.id, **filters) if campaign else []
    return campaign, lines, filters


@router.get("/web/compliance")
def tracker(page: StaffPage) -> HTMLResponse:
    campaign, lines, filters = _lines(page)
    agencies = domain.deposit_agencies(page.db)
    names = {a.code: a.name for a in agencies}
    parents = sorted({a.parent_code for a in agencies if a.parent_code}, key=lambda c: names.get(c, c))
    return page.render(
        "compliance.html",
        campaign=campaign,
        campaigns=domain.campaigns(page.db),
        lines=lines,
        filters=filters,
        kinds=list(AgencyKind),
        parents=[(code, names.get(code, code)) for code in parents],
        names=names,
        statuses=list(domain.ComplianceStatus),
    )


EXPORT_COLUMNS = (
    "comp.code",
    "comp.agency",
    "comp.kind",
    "comp.parent",
    "comp.status",
    "comp.last_visit",
    "dash.surveyor",
    "comp.files",
)


@router.get("/web/compliance/export")
def export_not_reported(page: StaffPage) -> Response:
    """The agencies that have not reported yet (with the tracker's filters), for reminders."""
    campaign, lines, _ = _lines(page)
    if campaign is None:
        raise PageError(404, "dash.no_campaign")
    pending = [line for line in lines if not line.status.reported]
    names = {line.code: line.name for line in lines}
    rows = [
        [
            line.code,
            line.name,
            page.label("agency_kind", line.kind),
            names.get(line.parent_code or "", line.parent_code or ""),
            line.status.label(page.lang),
            show_date(line.facts.last_visit),
            line.facts.surveyor or "",
            line.facts.files,
        ]
        for line in pending
    ]
    header = [page.t(key) for key in EXPORT_COLUMNS]
    stem = f"chua-bao-cao-{campaign.year}"
    if page.request.query_params.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(_csv_safe(r) for r in rows)
        return Response(
            "\ufeff" + out.getvalue(),  # BOM: Excel opens UTF-8 with the diacritics intact
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": content_disposition(f"{stem}.csv")},
        )
    return Response(
        _xlsx(page.t("comp.sheet"), f"{page.t('comp.export')} – {campaign.name}", header, rows),
        media_type=XLSX,
        headers={"Content-Disposition": content_disposition(f"{stem}.xlsx")},
    )


def _csv_safe(row: list[Any]) -> list[Any]:
    """Cells starting like a formula are prefixed with ' so spreadsheets show them as text."""
    return [f"'{v}" if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v for v in row]


def _xlsx(sheet: str, title: str, header: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(_csv_safe(row))
    for letter, width in zip("ABCDEFGH", (18, 48, 28, 36, 24, 18, 24, 10), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
