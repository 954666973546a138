"""The digitization plan 2026–2033 (staff): suggest a plan by risk within a yearly capacity in pages
(with per-year overrides), see each year's load as a chart and the files in risk order with their
reasons, apply it; move chosen files or a whole fonds to another year and batch; create batches."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from common.errors import SaoLuuError
from sync_server.domain import plan as domain
from sync_server.web.charts import column_chart
from sync_server.web.deps import SignedInPage, StaffPage

router = APIRouter(include_in_schema=False)
SHOWN_FILES = 200
MAX_PAGES = 10**9
PLANNED_COLOUR, NEW_COLOUR = "#0b5cad", "#2b7a78"


def _whole(text: str | None, top: int = MAX_PAGES) -> int | None:
    """A whole number 0..``top`` from a form or the URL; None when absent or not one."""
    text = (text or "").strip().replace(".", "").replace(",", "")
    if not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if value <= top else None


def _asked(values: Mapping[str, str]) -> dict[str, Any] | None:
    """The suggestion asked for by ``values`` (capacity, cap_<year>, from), or None."""
    capacity = _whole(values.get("capacity"))
    if capacity is None:
        return None
    overrides = {y: v for y in domain.PLAN_YEARS if (v := _whole(values.get(f"cap_{y}"))) is not None}
    first = _whole(values.get("from"), domain.LAST_YEAR)
    return {
        "capacity": capacity,
        "capacities": overrides,
        "from_year": first if first in domain.PLAN_YEARS else None,
    }


def _load_chart(page: SignedInPage, found: domain.Suggestion) -> Any:
    years = found.years
    return column_chart(
        [str(y.year) for y in years],
        [
            (page.t("plan.load_planned"), PLANNED_COLOUR, [y.planned_pages for y in years]),
            (page.t("plan.load_new"), NEW_COLOUR, [y.new_pages for y in years]),
        ],
        stacked=True,
        marks=[y.capacity for y in years],
    )


def _render(page: SignedInPage, status: int = 200, error: str | None = None) -> HTMLResponse:
    query = page.request.query_params
    asked = _asked(query)
    found = chart = None
    if asked is not None:
        found = domain.suggest(
            page.db, page.principal, asked["capacity"], **{k: v for k, v in asked.items() if k != "capacity"}
        )
        chart = _load_chart(page, found)
    progress = domain.progress(page.db, page.principal)
    current = column_chart(
        [str(p.year) for p in progress.years],
        [(page.t("plan.load_planned"), PLANNED_COLOUR, [p.planned_pages for p in progress.years])],
    )
    return page.render(
        "plan.html",
        status=status,
        error=error,
        asked=asked,
        values=dict(query),
        years=domain.PLAN_YEARS,
        found=found,
        files=found.files[:SHOWN_FILES] if found else [],
        chart=chart,
        current=current,
        progress=progress,
        batches=domain.batches(page.db, page.principal),
        fonds=domain.listed_fonds(page.db, page.principal),
    )


@router.get("/web/plan")
def plan_page(page: StaffPage) -> HTMLResponse:
    return _render(page)


def _back(page: SignedInPage) -> str:
    """The plan page with the suggestion the form came from (its query kept in ``back``)."""
    back = page.field("back")
    return "/web/plan" + (f"?{back}" if back and "\n" not in back and "//" not in back else "")


@router.post("/web/plan/apply")
def apply(page: StaffPage) -> Response:
    """Compute the suggestion again and put its placed files in the plan."""
    asked = _asked(
        {name: page.field(name) for name in ("capacity", "from", *(f"cap_{y}" for y in domain.PLAN_YEARS))}
    )
    if asked is None:
        return _render(page, 422, page.t("plan.need_capacity"))
    done = domain.apply(page.db, page.principal, asked.pop("capacity"), **asked)
    return page.redirect("/web/plan", "plan.applied", files=len(done.placed))


@router.post("/web/plan/move")
def move(page: StaffPage) -> Response:
    """Move the chosen files, or every listed file of a fonds, to a year (and batch)."""
    year = _whole(page.field("year"), domain.LAST_YEAR) or 0
    batch = _whole(page.field("batch_id"), 2**31 - 1)
    ids, fonds = page.fields("ids"), page.field("fonds_id")
    try:
        done = domain.move(
            page.db,
            page.principal,
            year,
            record_ids=ids if not fonds else None,
            fonds_id=fonds or None,
            batch_id=batch or None,
        )
    except SaoLuuError as exc:
        page.db.rollback()
        return _render(page, 422, page.refusal(exc))
    return page.redirect(
        _back(page),
        "plan.moved",
        added=done.added,
        moved=done.moved,
        unchanged=done.unchanged,
        skipped=done.skipped,
    )


@router.post("/web/plan/batches")
def create_batch(page: StaffPage) -> Response:
    year = _whole(page.field("year"), domain.LAST_YEAR) or 0
    try:
        made = domain.create_batch(page.db, page.principal, year, page.field("name"), page.field("note"))
    except SaoLuuError as exc:
        page.db.rollback()
        return _render(page, 422, page.refusal(exc))
    return page.redirect("/web/plan", "plan.batch_made", name=made.name, year=str(made.year))
