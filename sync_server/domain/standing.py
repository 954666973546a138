"""Where an agency stands in a campaign: the one definition every page and export uses.

An agency is *sent back* when a file or its nil report awaits correction; it has filed a *nil
report*; it is *listed* when it has files and its head confirmed the list or no file awaits review;
it is *in progress* when it has files or a visit; otherwise *not visited*. Only records carrying the
campaign's id count, or every record when no campaign is given (a cumulative report).

The facts are read with Core statements over :mod:`sync_server.domain.exports.tables`, so a page's
session and an export's connection ask the same questions; file counts come from the counts the
database triggers keep (:class:`~sync_server.models.CampaignCount`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Select, false, func, select, true
from sqlmodel import Session

from common.vocab import ReviewState, Vocab
from sync_server.domain.exports import tables as t

Db = Connection | Session


class ComplianceStatus(Vocab):
    """Where an agency stands in a campaign (labels as the tracker shows them)."""

    NOT_VISITED = ("not_visited", "Chưa khảo sát", "Not visited")
    IN_PROGRESS = ("in_progress", "Đang khảo sát", "In progress")
    SENT_BACK = ("sent_back", "Trả lại để sửa", "Sent back")
    LISTED = ("listed", "Đã lập danh mục", "Listed")
    NIL_REPORT = ("nil_report", "Báo cáo không có tài liệu", "Nil report")

    @property
    def reported(self) -> bool:
        return self in (ComplianceStatus.LISTED, ComplianceStatus.NIL_REPORT)


@dataclass(frozen=True)
class OpenVisit:
    """A visit started and not ended yet (on a tablet that has synced it)."""

    started_at: dt.datetime
    surveyor: str | None


@dataclass
class AgencyFacts:
    """What is known of one agency in one campaign (or in all of them)."""

    files: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    fonds: int = 0
    conservation: int = 0
    """Files a damage leaves hard to read: for conservation before digitization."""
    nil_report_id: str | None = None
    nil_state: str | None = None
    nil_doc: tuple[str, dt.date] | None = None
    """Number and date of the nil report's document."""
    confirmed_at: dt.datetime | None = None
    last_visit: dt.datetime | None = None
    open_visits: list[OpenVisit] = field(default_factory=list)
    surveyor: str | None = None


def status_of(facts: AgencyFacts) -> ComplianceStatus:
    sent_back = ReviewState.SENT_BACK.value
    if facts.by_state.get(sent_back) or facts.nil_state in (sent_back, ReviewState.REJECTED.value):
        return ComplianceStatus.SENT_BACK
    if facts.nil_report_id:
        return ComplianceStatus.NIL_REPORT
    if facts.files and (facts.confirmed_at or not facts.by_state.get(ReviewState.PENDING.value)):
        return ComplianceStatus.LISTED
    if facts.files or facts.last_visit:
        return ComplianceStatus.IN_PROGRESS
    return ComplianceStatus.NOT_VISITED


def _in_campaign(query: Any, column: Any, campaign_id: str | None) -> Any:
    return query if campaign_id is None else query.where(column == campaign_id)


def file_counts(db: Db, campaign_id: str | None) -> dict[str, dict[str, int]]:
    """Live files per agency and review state: ``{agency: {state: n}}``."""
    c = t.campaign_count.c
    query = select(c.key1, c.key2, func.sum(c.n)).where(c.kind == "agency", c.n != 0)
    query = _in_campaign(query, c.campaign_id, campaign_id).group_by(c.key1, c.key2)
    out: dict[str, dict[str, int]] = {}
    for code, state, n in db.execute(query):
        if n:
            out.setdefault(code, {})[state] = int(n)
    return out


def conservation_query(campaign_id: str | None) -> Select[Any]:
    """Live files for conservation first per agency: only the rows of their partial index are read."""
    f = t.file_record.c
    query = select(f.agency_code, func.count()).where(f.conservation == true(), f.deleted == false())
    return _in_campaign(query, f.campaign_id, campaign_id).group_by(f.agency_code)


def conservation_counts(db: Db, campaign_id: str | None) -> dict[str, int]:
    """Live files for conservation first, per agency."""
    return {code: int(n) for code, n in db.execute(conservation_query(campaign_id))}


def agency_facts(
    db: Db, campaign_id: str | None, codes: Iterable[str] | None = None
) -> dict[str, AgencyFacts]:
    """The facts of the agencies ``codes`` (every agency with any, when None) in the campaign."""
    only = None if codes is None else set(codes)
    facts: dict[str, AgencyFacts] = {code: AgencyFacts() for code in only or ()}

    def wanted(code: str) -> bool:
        return only is None or code in only

    def of(code: str) -> AgencyFacts:
        return facts.setdefault(code, AgencyFacts())

    for code, states in file_counts(db, campaign_id).items():
        if wanted(code):
            of(code).by_state = states
            of(code).files = sum(states.values())
    for code, count in conservation_counts(db, campaign_id).items():
        if wanted(code):
            of(code).conservation = count
    nr = t.nil_report.c
    nil = select(nr.agency_code, nr.id, nr.review_state, nr.doc_number, nr.doc_date)
    nil = _in_campaign(nil.where(nr.deleted == false()), nr.campaign_id, campaign_id).order_by(nr.seq)
    for code, rid, state, number, date in db.execute(nil):
        if wanted(code):
            of(code).nil_report_id, of(code).nil_state, of(code).nil_doc = rid, state, (number, date)
    lc = t.list_confirmation.c
    confirmed = _in_campaign(select(lc.agency_code, func.max(lc.at)), lc.campaign_id, campaign_id)
    for code, at in db.execute(confirmed.group_by(lc.agency_code)):
        if wanted(code):
            of(code).confirmed_at = at
    v, u = t.visit.c, t.app_user.c
    visits = (
        select(v.agency_code, v.started_at, v.data["ended_at"].as_string(), u.full_name, u.username)
        .select_from(t.visit.outerjoin(t.app_user, u.id == v.updated_by))
        .where(v.deleted == false())
    )
    for code, started, ended, full_name, username in db.execute(
        _in_campaign(visits, v.campaign_id, campaign_id).order_by(v.started_at)
    ):
        if wanted(code):
            agency = of(code)
            agency.last_visit, agency.surveyor = started, full_name or username
            if not ended:
                agency.open_visits.append(OpenVisit(started, agency.surveyor))
    return facts
