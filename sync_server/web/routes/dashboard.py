"""The dashboard of a campaign (reviewers and administrators)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from common.vocab import Carrier, Criterion, DamageType, Severity
from sync_server.domain import dashboard as domain
from sync_server.domain import plan
from sync_server.domain.preservation import figures as preservation
from sync_server.domain.preservation import fixity
from sync_server.web.charts import (
    ColumnChart,
    Donut,
    bar_chart,
    column_chart,
    donut,
    heat_matrix,
    stacked_bar,
)
from sync_server.web.deps import SignedInPage, StaffPage

router = APIRouter(include_in_schema=False)
STATUS_COLOURS = {
    domain.ComplianceStatus.LISTED: "#1e6b34",
    domain.ComplianceStatus.NIL_REPORT: "#5f9e6e",
    domain.ComplianceStatus.SENT_BACK: "#b36200",
    domain.ComplianceStatus.IN_PROGRESS: "#0b5cad",
    domain.ComplianceStatus.NOT_VISITED: "#8a939c",
}


@router.get("/web/dashboard")
def dashboard(page: StaffPage) -> HTMLResponse:
    campaign = domain.pick_campaign(page.db, page.request.query_params.get("campaign"))
    figures = domain.dashboard(page.db, campaign)
    return page.render(
        "dashboard.html",
        campaign=campaign,
        campaigns=domain.campaigns(page.db),
        d=figures,
        statuses=list(domain.ComplianceStatus),
        status_bar=stacked_bar(
            [
                (s.value, s.label(page.lang), figures.status_counts[s], STATUS_COLOURS[s])
                for s in domain.ComplianceStatus
            ],
            width=1000,
        ),
        status_colours={s.value: c for s, c in STATUS_COLOURS.items()},
        reported=sum(n for s, n in figures.status_counts.items() if s.reported),
        criteria_chart=bar_chart([(c.label(page.lang), figures.by_criterion.get(c, 0)) for c in Criterion]),
        carrier_chart=bar_chart(_nonzero(page, figures.by_carrier), colour="#2b7a78"),
        damage=_damage(page, figures),
        plan=_plan(page),
        rings=_rings(page, figures.preservation),
    )


def _nonzero(page: SignedInPage, counts: dict[Carrier, int]) -> list[tuple[str, int]]:
    return [(c.label(page.lang), n) for c, n in counts.items() if n]


def _damage(page: SignedInPage, figures: domain.Dashboard) -> dict[str, object] | None:
    types = [d for d in DamageType if any(figures.damage.get((d, s), 0) for s in Severity)]
    if not types:
        return None
    values = [[figures.damage.get((d, s), 0) for s in Severity] for d in types]
    return {
        "types": types,
        "values": values,
        "matrix": heat_matrix(
            [d.label(page.lang) for d in types],
            [f"{int(s)} · {s.label(page.lang)}" for s in Severity],
            values,
        ),
    }


PLAN_COLOURS = ("#0b5cad", "#b36200", "#1e6b34")
"""Planned, scanned, accepted."""


def _plan(page: SignedInPage) -> tuple[plan.PlanProgress, ColumnChart]:
    """Plan against done per year 2026–2033: the figures and their chart (pages)."""
    progress = plan.progress(page.db, page.principal)
    years = progress.years
    chart = column_chart(
        [str(y.year) for y in years],
        [
            (page.t("dash.plan_planned"), PLAN_COLOURS[0], [y.planned_pages for y in years]),
            (page.t("dash.plan_scanned"), PLAN_COLOURS[1], [y.scanned_pages for y in years]),
            (page.t("dash.plan_accepted"), PLAN_COLOURS[2], [y.accepted_pages for y in years]),
        ],
    )
    return progress, chart


def _rings(page: SignedInPage, p: preservation.Figures | None) -> dict[str, Donut] | None:
    """The preservation figures as rings: accepted files by verified sets, the latest fixity run."""
    if p is None or not (p.masters or p.fixity_last):
        return None
    split = preservation.by_verified_sets(page.db)
    last = fixity.last_run(page.db)
    checked = last.total if last else 0
    return {
        "sets": donut(
            [
                ("0", page.t("dash.sets_0"), split[0], "#a1162a"),
                ("1", page.t("dash.sets_1"), split[1], "#b36200"),
                ("2", page.t("dash.sets_2"), split[2], "#1e6b34"),
            ]
        ),
        "fixity": donut(
            [
                ("bad", page.t("dash.fixity_bad"), p.fixity_problems, "#a1162a"),
                ("ok", page.t("dash.fixity_ok"), max(checked - p.fixity_problems, 0), "#1e6b34"),
            ]
        ),
    }
