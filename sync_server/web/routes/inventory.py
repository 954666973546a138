"""The inventory of file records across agencies: filters in the query string, keyset pages,
bulk approval."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TypeVar

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from common.vocab import Carrier, Criterion, DamageType, ReviewState, Severity
from sync_server.domain import dashboard, digitization, inventory
from sync_server.web.deps import SignedInPage, StaffPage, SurveyPage, local_path

router = APIRouter(include_in_schema=False)
E = TypeVar("E", bound=Enum)
MAX_SELECTED = 500


def _enum(cls: type[E], value: str | None) -> E | None:
    try:
        return cls(value) if value else None
    except ValueError:
        return None


def parse_filter(page: SignedInPage) -> tuple[inventory.InventoryFilter, inventory.Sort]:
    """The filter and sort a URL asks for; values that are not understood are ignored."""
    q = page.request.query_params
    severity = q.get("severity", "")
    sort = _enum(inventory.Sort, q.get("sort")) or inventory.Sort.RECENT
    f = inventory.InventoryFilter(
        agency=(q.get("agency") or "").strip().upper() or None,
        fonds=q.get("fonds") or None,
        campaign=q.get("campaign") or None,
        criterion=_enum(Criterion, q.get("criterion")),
        damage=_enum(DamageType, q.get("damage")),
        severity=int(severity) if severity in {"0", *(str(int(s)) for s in Severity)} else None,
        carrier=_enum(Carrier, q.get("carrier")),
        state=_enum(ReviewState, q.get("state")),
        conflicted=q.get("conflicted") == "1",
        conservation=q.get("conservation") == "1",
        q=(q.get("q") or "")[:200],
    )
    return f, sort


@router.get("/web/inventory")
def inventory_page(page: SurveyPage) -> HTMLResponse:
    f, sort = parse_filter(page)
    params = page.request.query_params
    result = inventory.list_inventory(
        page.db, page.principal, f, sort, after=params.get("after"), before=params.get("before")
    )
    choices = inventory.filter_choices(page.db, page.principal, f)
    try:
        number = max(1, int(params.get("page", "1")))
    except ValueError:
        number = 1
    return page.render(
        "inventory.html",
        f=f,
        sort=sort,
        result=result,
        page_number=number,
        agencies=choices.agencies,
        fonds=choices.fonds,
        campaigns=dashboard.campaigns(page.db),
        sorts=list(inventory.Sort),
        criteria=list(Criterion),
        damages=list(DamageType),
        severities=list(Severity),
        carriers=list(Carrier),
        states=list(ReviewState),
        can_review=page.is_staff,
    )


@router.post("/web/inventory/approve")
def approve_selected(page: StaffPage) -> Response:
    """Approve every selected record; back to the same inventory page with a message."""
    back = local_path(page.field("back"), "/web/inventory")
    ids = page.fields("ids")[:MAX_SELECTED]
    if not ids:
        return page.redirect(back, "inv.nothing_selected")
    approved, _ = inventory.approve_many(page.db, page.principal, ids)
    return page.redirect(back, "inv.approved", n=approved)


@router.post("/web/inventory/digitized")
def digitized_selected(page: StaffPage) -> Response:
    """Mark the selected records digitized today (those already marked keep their day)."""
    back = local_path(page.field("back"), "/web/inventory")
    ids = page.fields("ids")[:MAX_SELECTED]
    if not ids:
        return page.redirect(back, "inv.nothing_selected")
    changed = digitization.mark_digitized(page.db, page.principal, ids, dt.date.today(), keep_earlier=True)
    return page.redirect(back, "dig.marked", n=changed)
