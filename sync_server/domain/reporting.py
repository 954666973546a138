"""An agency's own report for a campaign: its head confirms the list of files the surveyors made, or
files a nil report (the agency holds nothing that qualifies) with the scan of the signed paper.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import false, func, select, true
from sqlmodel import Session, col

from common import schemas as s
from common.errors import NotAllowed, Refused, ValidationFailed, field_error, field_errors
from common.protocol import Change, ChangeStatus
from common.tables import table_of
from common.vocab import ReviewState, Role
from sync_server.auth import Principal
from sync_server.domain import dashboard, photos, review, standing
from sync_server.domain.audit import audit
from sync_server.domain.ingest import push_one
from sync_server.models import Agency, Campaign, FileRecord, ListConfirmation, NilReport, ReviewComment
from sync_server.storage.base import PhotoStore

_R = table_of(FileRecord)


def live_file_count(session: Session, agency_code: str, campaign_id: str) -> int:
    query = select(func.count()).where(
        _R.c.campaign_id == campaign_id, _R.c.deleted == false(), _R.c.agency_code == agency_code
    )
    return int(session.execute(query).scalar_one())


@dataclass(frozen=True)
class FileRef:
    id: str
    file_no: str
    title: str


@dataclass(frozen=True)
class ConfirmBlockers:
    """What keeps an agency head from confirming the list: files sent back for correction, visits
    still open on a tablet, files with conflicting versions. Empty when the list may be confirmed."""

    sent_back: list[FileRef]
    sent_back_total: int
    open_visits: list[standing.OpenVisit]
    conflicted: int

    def __bool__(self) -> bool:
        return bool(self.sent_back_total or self.open_visits or self.conflicted)


class ListNotReady(Exception):
    """The agency's list can't be confirmed yet; :attr:`blockers` say why."""

    def __init__(self, blockers: ConfirmBlockers) -> None:
        super().__init__("the list cannot be confirmed yet")
        self.blockers = blockers


SHOWN_FILES = 10


def confirm_blockers(session: Session, agency_code: str, campaign_id: str) -> ConfirmBlockers:
    """Why the agency's list for the campaign can't be confirmed now (nothing, when it can)."""
    facts = standing.agency_facts(session, campaign_id, [agency_code])[agency_code]
    total = facts.by_state.get(ReviewState.SENT_BACK.value, 0)
    mine = (_R.c.agency_code == agency_code, _R.c.campaign_id == campaign_id, _R.c.deleted == false())
    files: list[Any] = []
    if total:
        query = select(_R.c.id, _R.c.file_no, _R.c.title).where(
            *mine, _R.c.review_state == ReviewState.SENT_BACK.value
        )
        files = list(
            session.execute(query.order_by(func.length(_R.c.file_no), _R.c.file_no).limit(SHOWN_FILES))
        )
    conflicted = session.execute(select(func.count()).where(*mine, _R.c.conflicted == true())).scalar_one()
    return ConfirmBlockers(
        sent_back=[FileRef(rid, no, title) for rid, no, title in files],
        sent_back_total=total,
        open_visits=facts.open_visits,
        conflicted=int(conflicted),
    )


def confirm_list(
    session: Session, principal: Principal, agency_code: str, campaign_id: str, note: str = ""
) -> ListConfirmation:
    """The agency head confirms the agency's list of files for the campaign as complete; refused
    (:class:`ListNotReady`) while a file is sent back, a visit is open or a conflict is unresolved."""
    if principal.role not in (Role.AGENCY_HEAD, Role.ADMIN):
        raise NotAllowed()
    principal.require_agency(agency_code)
    count = live_file_count(session, agency_code, campaign_id)
    if count == 0:
        raise ValidationFailed([field_error("file_count", "too_small", ge=1)])
    blockers = confirm_blockers(session, agency_code, campaign_id)
    if blockers:
        raise ListNotReady(blockers)
    row = ListConfirmation(
        agency_code=agency_code,
        campaign_id=campaign_id,
        user_id=principal.user_id,
        file_count=count,
        note=note,
    )
    session.add(row)
    audit(session, principal, "agency", agency_code, "confirm_list", detail={"campaign_id": campaign_id,
          "file_count": count, "note": note})  # fmt: skip
    session.commit()
    return row


def latest_confirmation(session: Session, agency_code: str, campaign_id: str) -> ListConfirmation | None:
    query = (
        select(ListConfirmation)
        .where(
            col(ListConfirmation.agency_code) == agency_code, col(ListConfirmation.campaign_id) == campaign_id
        )
        .order_by(col(ListConfirmation.at).desc())
    )
    return session.execute(query).scalars().first()


def agency_nil_report(session: Session, agency_code: str, campaign_id: str) -> NilReport | None:
    """The agency's live nil report for the campaign (the latest if there are several)."""
    query = (
        select(NilReport)
        .where(
            col(NilReport.agency_code) == agency_code,
            col(NilReport.campaign_id) == campaign_id,
            col(NilReport.deleted) == false(),
        )
        .order_by(col(NilReport.seq).desc())
    )
    return session.execute(query).scalars().first()


def nil_reports(
    session: Session, campaign_id: str | None, state: ReviewState | None, limit: int = 1000
) -> list[tuple[NilReport, str]]:
    """The live nil reports (of a campaign, in a review state) with their agency's name, newest first."""
    query = (
        select(NilReport, col(Agency.name))
        .join(Agency, col(Agency.code) == col(NilReport.agency_code))
        .where(col(NilReport.deleted) == false())
        .order_by(col(NilReport.seq).desc())
    )
    if campaign_id is not None:
        query = query.where(col(NilReport.campaign_id) == campaign_id)
    if state is not None:
        query = query.where(col(NilReport.review_state) == state.value)
    return [(report, name) for report, name in session.execute(query.limit(limit))]


@dataclass(frozen=True)
class AgencyReport:
    """Where an agency stands in the current campaign, as its head sees it."""

    agency: Agency | None
    campaign: Campaign | None
    line: dashboard.AgencyLine | None = None
    files: int = 0
    confirmation: ListConfirmation | None = None
    blockers: ConfirmBlockers | None = None
    report: NilReport | None = None
    comments: list[ReviewComment] = field(default_factory=list)
    """On the nil report, newest first."""


def agency_report(session: Session, agency_code: str) -> AgencyReport:
    """The agency's standing in the current campaign: its line of the compliance tracker, the files
    listed, the last confirmation, what blocks one, its nil report and the reviewers' comments."""
    agency = session.get(Agency, agency_code)
    campaign = dashboard.pick_campaign(session)
    if campaign is None:
        return AgencyReport(agency, None)
    lines = dashboard.compliance(session, campaign.id, scope=frozenset({agency_code}))
    report = agency_nil_report(session, agency_code, campaign.id)
    return AgencyReport(
        agency,
        campaign,
        line=lines[0] if lines else None,
        files=live_file_count(session, agency_code, campaign.id),
        confirmation=latest_confirmation(session, agency_code, campaign.id),
        blockers=confirm_blockers(session, agency_code, campaign.id),
        report=report,
        comments=review.comments(session, report.id)[::-1] if report else [],
    )


@dataclass(frozen=True)
class NilReportForm:
    """What the agency head types into the nil report form."""

    statement: str
    signer_name: str
    signer_position: str
    doc_number: str
    doc_date: dt.date | None


def store_scan(
    session: Session, store: PhotoStore, principal: Principal, content: bytes, max_bytes: int
) -> s.PhotoRef:
    """Keep a scanned page in the photo store by its SHA-256, once it decodes as a JPEG or PNG."""
    reason = photos.inspect_image(content)
    if reason is not None:
        raise Refused("unsupported_media_type", [field_error("scan", reason)])
    if len(content) > max_bytes:
        raise Refused("payload_too_large", [field_error("scan", "too_big", max_bytes=max_bytes)])
    sha = hashlib.sha256(content).hexdigest()
    photos.append_chunk(session, store, principal, sha, 0, len(content), content, max_bytes)
    return s.PhotoRef(sha256=sha, size=len(content), mime=photos.sniff_mime(content[:16]))


def file_nil_report(
    session: Session,
    principal: Principal,
    agency_code: str,
    campaign_id: str,
    form: NilReportForm,
    scan: s.PhotoRef | None,
) -> NilReport:
    """File (or correct) the agency's nil report for the campaign; it goes (back) to review."""
    principal.require_agency(agency_code)
    current = agency_nil_report(session, agency_code, campaign_id)
    if scan is None and current is not None:
        scan = s.NilReport.model_validate(current.data).scan
    errors = [] if scan is not None else [field_error("scan", "missing")]
    if form.doc_date is None:
        errors.append(field_error("doc_date", "missing"))
    payload: dict[str, Any] = {
        "id": current.id if current else str(uuid.uuid4()),
        "agency_code": agency_code,
        "campaign_id": campaign_id,
        "statement": form.statement,
        "signer_name": form.signer_name,
        "signer_position": form.signer_position,
        "doc_number": form.doc_number,
        "doc_date": form.doc_date.isoformat() if form.doc_date else None,
        "scan": scan.model_dump(mode="json") if scan else None,
    }
    try:
        s.NilReport.model_validate(payload)
    except ValidationError as exc:
        errors.extend(e for e in field_errors(exc) if e.field not in {x.field for x in errors})
    if errors:
        raise ValidationFailed(errors)
    change = Change(
        type="nil_report",
        id=uuid.UUID(payload["id"]),
        rev=(current.rev + 1) if current else 1,
        base_version=current.version if current else None,
        data=payload,
    )
    if push_one(session, principal, change).status != ChangeStatus.APPLIED:
        raise ValidationFailed([field_error("id", "invalid")])
    row = session.get(NilReport, payload["id"])
    assert row is not None
    session.refresh(row)
    return row
