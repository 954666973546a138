"""Approved lists (*danh mục tài liệu được phê duyệt*): the formal act that selects files for
digitization.

Staff freeze the approved files of a campaign — the whole province, or chosen agencies — into a
list numbered 1, 2, 3… with the approving decision's number, date and signer and the scan of the
signed paper (kept in the master store). A list never changes: its files are copied as they were
(the annex shows them so, whatever happens to the records later) and the database refuses any update
or delete of its rows. A file is in one list only; files approved later go into a *supplement* of a
main list (same campaign), which takes the next number.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import IO, Annotated, Any, BinaryIO

from pydantic import ConfigDict, Field
from sqlalchemy import Select, exists, func, select
from sqlmodel import Session, col

from common.errors import NotFound, ValidationFailed, field_error
from common.schemas import AgencyCode, Day, Name, NoNul
from common.tables import table_of
from common.vocab import STAFF
from sync_server.auth import Principal
from sync_server.db import engine_of
from sync_server.domain import photos
from sync_server.domain.audit import audit
from sync_server.domain.bulk import bulk_insert
from sync_server.domain.exports import annex
from sync_server.domain.exports import tables as t
from sync_server.domain.exports.base import NoProgress, Progress
from sync_server.domain.exports.registry import XLSX
from sync_server.domain.jobs import Job, JobRegistry
from sync_server.domain.sequence import lock_changes
from sync_server.models import Agency, ApprovedList, ApprovedListItem, Campaign
from sync_server.storage.base import PhotoStore

PDF_MAGIC = b"%PDF-"


class ListIn(NoNul):
    """What a freeze needs: the campaign and scope, and the approving decision."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    campaign_id: str = Field(min_length=1, max_length=36)
    agency_codes: list[AgencyCode] = Field(default_factory=list, max_length=5000)
    """Empty: every agency of the province."""
    supplement_to: int | None = Field(default=None, ge=1, le=2**31 - 1)
    decision_number: Annotated[str, Field(min_length=1, max_length=50)]
    decision_date: Day
    signer_name: Name
    signer_position: Name


@dataclass(frozen=True)
class ListView:
    """An approved list's header."""

    number: int
    campaign_id: str
    agency_codes: tuple[str, ...]
    supplement_to: int | None
    decision_number: str
    decision_date: dt.date
    signer_name: str
    signer_position: str
    scan_sha256: str
    scan_size: int
    scan_mime: str
    files: int
    pages: int
    created_at: dt.datetime
    created_by: int | None
    supplements: tuple[int, ...] = ()
    """The numbers of the lists that supplement this one."""


@dataclass(frozen=True)
class AgencyCount:
    code: str
    name: str
    files: int
    pages: int


@dataclass(frozen=True)
class ListDetail:
    header: ListView
    agencies: list[AgencyCount]


@dataclass(frozen=True)
class Preview:
    """What a freeze of this scope would take now."""

    files: int
    pages: int
    agencies: list[AgencyCount]


@dataclass(frozen=True)
class ListItemView:
    n: int
    record_id: str
    agency_code: str
    fonds_id: str
    file_no: str
    title: str
    pages: int | None
    version: int


def _view(row: ApprovedList, supplements: tuple[int, ...] = ()) -> ListView:
    return ListView(
        number=row.number,
        campaign_id=row.campaign_id,
        agency_codes=tuple(row.agency_codes),
        supplement_to=row.supplement_to,
        decision_number=row.decision_number,
        decision_date=row.decision_date,
        signer_name=row.signer_name,
        signer_position=row.signer_position,
        scan_sha256=row.scan_sha256,
        scan_size=row.scan_size,
        scan_mime=row.scan_mime,
        files=row.files,
        pages=row.pages,
        created_at=row.created_at,
        created_by=row.created_by,
        supplements=supplements,
    )


def _eligible(campaign_id: str, agency_codes: list[str], *columns: Any) -> Select[Any]:
    """Approved live files of the campaign in scope that are in no list yet, in archival order."""
    f, fo, i = t.file_record.c, t.fonds.c, t.approved_list_item.c
    query = (
        select(*columns)
        .select_from(t.file_record.join(t.fonds, fo.id == f.fonds_id))
        .where(
            f.campaign_id == campaign_id,
            f.deleted.is_(False),
            f.review_state == "approved",
            ~exists().where(i.record_id == f.id),
        )
    )
    return query.where(f.agency_code.in_(agency_codes)) if agency_codes else query


def _ordered(query: Select[Any]) -> Select[Any]:
    return query.order_by(*t.archival_order(t.file_record.c, t.fonds.c))


def _per_agency(session: Session, query: Select[Any]) -> list[AgencyCount]:
    rows = session.execute(query).all()
    names = dict(
        session.execute(
            select(col(Agency.code), col(Agency.name)).where(col(Agency.code).in_([r[0] for r in rows]))
        ).all()
    )
    return [AgencyCount(code, names.get(code, ""), int(n), int(p or 0)) for code, n, p in rows]


def _check_scope(session: Session, campaign_id: str, agency_codes: list[str]) -> list[str]:
    if session.get(Campaign, campaign_id) is None:
        raise ValidationFailed([field_error("campaign_id", "unknown_reference", input=campaign_id)])
    codes = list(dict.fromkeys(agency_codes))
    known = set(session.execute(select(col(Agency.code)).where(col(Agency.code).in_(codes))).scalars())
    unknown = [field_error("agency_codes", "unknown_agency", input=c) for c in codes if c not in known]
    if unknown:
        raise ValidationFailed(unknown)
    return codes


def preview(session: Session, principal: Principal, campaign_id: str, agency_codes: list[str]) -> Preview:
    """The files a freeze of this scope would take now, per agency (what goes to the signer)."""
    principal.require_role(STAFF)
    codes = _check_scope(session, campaign_id, agency_codes)
    f = t.file_record.c
    query = _eligible(campaign_id, codes, f.agency_code, func.count(), func.sum(func.coalesce(f.pages, 0)))
    agencies = _per_agency(session, query.group_by(f.agency_code).order_by(f.agency_code))
    return Preview(sum(a.files for a in agencies), sum(a.pages for a in agencies), agencies)


def scan_mime(head: bytes) -> str | None:
    """The type of a decision's scan from its first bytes: PDF, JPEG or PNG."""
    return "application/pdf" if head.startswith(PDF_MAGIC) else photos.sniff_mime(head)


def freeze(
    session: Session, store: PhotoStore, principal: Principal, spec: ListIn, scan: BinaryIO
) -> ListView:
    """Freeze the approved files of ``spec``'s scope that are in no list yet into the next numbered
    list, with the decision and its signed ``scan`` (stored in ``store`` first: a failure after
    leaves at most an unreferenced blob). Refused when nothing is left to freeze."""
    principal.require_role(STAFF)
    codes = _check_scope(session, spec.campaign_id, spec.agency_codes)
    if spec.supplement_to is not None:
        base = session.get(ApprovedList, spec.supplement_to)
        if base is None:
            raise ValidationFailed(
                [field_error("supplement_to", "unknown_reference", input=spec.supplement_to)]
            )
        if base.supplement_to is not None:
            raise ValidationFailed([field_error("supplement_to", "list_not_main", input=base.number)])
        if base.campaign_id != spec.campaign_id:
            raise ValidationFailed([field_error("supplement_to", "list_other_campaign", input=base.number)])
    if spec.decision_date > dt.date.today() + dt.timedelta(days=1):
        raise ValidationFailed(
            [field_error("decision_date", "in_future", input=spec.decision_date.isoformat())]
        )
    mime = scan_mime(scan.read(8))
    scan.seek(0)
    if mime is None:
        raise ValidationFailed([field_error("scan", "not_a_decision_scan")])
    f = t.file_record.c
    if not session.execute(_eligible(spec.campaign_id, codes, func.count())).scalar_one():
        raise ValidationFailed([field_error("agency_codes", "list_nothing_to_freeze")])
    session.rollback()  # no transaction held while the scan is copied
    # Starlette types UploadFile.file as BinaryIO; it is a SpooledTemporaryFile, which has readinto
    blob = store.put_file(scan)  # type: ignore[arg-type]

    lock_changes(session)  # freezes take their numbers and their files one at a time
    columns = (f.id, f.agency_code, f.fonds_id, f.version, f.pages, f.data)
    files = session.execute(_ordered(_eligible(spec.campaign_id, codes, *columns))).all()
    if not files:
        raise ValidationFailed([field_error("agency_codes", "list_nothing_to_freeze")])
    number = (session.execute(select(func.max(ApprovedList.number))).scalar_one() or 0) + 1
    row = ApprovedList(
        number=number,
        campaign_id=spec.campaign_id,
        agency_codes=codes,
        supplement_to=spec.supplement_to,
        decision_number=spec.decision_number,
        decision_date=spec.decision_date,
        signer_name=spec.signer_name,
        signer_position=spec.signer_position,
        scan_sha256=blob.sha256,
        scan_size=blob.size,
        scan_mime=mime,
        files=len(files),
        pages=sum(r.pages or 0 for r in files),
        created_by=principal.user_id,
    )
    session.add(row)
    session.flush()
    items = [
        {
            "record_id": r.id,
            "list_number": number,
            "n": n,
            "agency_code": r.agency_code,
            "fonds_id": r.fonds_id,
            "version": r.version,
            "data": r.data,
        }
        for n, r in enumerate(files, 1)
    ]
    bulk_insert(session.connection(), table_of(ApprovedListItem), items)
    audit(
        session,
        principal,
        "approved_list",
        str(number),
        "freeze",
        detail={
            "campaign_id": spec.campaign_id,
            "agency_codes": codes,
            "supplement_to": spec.supplement_to,
            "decision_number": spec.decision_number,
            "decision_date": spec.decision_date.isoformat(),
            "files": len(files),
            "scan": blob.sha256,
        },
    )
    session.commit()
    return get_list(session, principal, number).header


def lists(session: Session, principal: Principal, campaign_id: str | None = None) -> list[ListView]:
    """Every approved list (of a campaign), by number."""
    principal.require_role(STAFF)
    query = select(ApprovedList).order_by(col(ApprovedList.number))
    if campaign_id:
        query = query.where(col(ApprovedList.campaign_id) == campaign_id)
    rows = list(session.execute(query).scalars())
    supplements: dict[int, list[int]] = {}
    for r in rows:
        if r.supplement_to is not None:
            supplements.setdefault(r.supplement_to, []).append(r.number)
    return [_view(r, tuple(supplements.get(r.number, ()))) for r in rows]


def _row(session: Session, number: int) -> ApprovedList:
    row = session.get(ApprovedList, number)
    if row is None:
        raise NotFound()
    return row


def get_list(session: Session, principal: Principal, number: int) -> ListDetail:
    """A list's header and its files and pages per agency."""
    principal.require_role(STAFF)
    row = _row(session, number)
    later = select(col(ApprovedList.number)).where(col(ApprovedList.supplement_to) == number)
    supplements = tuple(session.execute(later.order_by(col(ApprovedList.number))).scalars())
    i = t.approved_list_item.c
    pages = func.sum(func.coalesce(i.data["pages"].as_integer(), 0))
    query = (
        select(i.agency_code, func.count(), pages)
        .where(i.list_number == number)
        .group_by(i.agency_code)
        .order_by(i.agency_code)
    )
    return ListDetail(_view(row, supplements), _per_agency(session, query))


def items(
    session: Session, principal: Principal, number: int, limit: int = 100, offset: int = 0
) -> list[ListItemView]:
    """The files of a list in its order, as they were frozen."""
    principal.require_role(STAFF)
    _row(session, number)
    query = (
        select(ApprovedListItem)
        .where(col(ApprovedListItem.list_number) == number)
        .order_by(col(ApprovedListItem.n))
        .limit(limit)
        .offset(offset)
    )
    return [
        ListItemView(
            n=r.n,
            record_id=r.record_id,
            agency_code=r.agency_code,
            fonds_id=r.fonds_id,
            file_no=str(r.data.get("file_no", "")),
            title=str(r.data.get("title", "")),
            pages=r.data.get("pages"),
            version=r.version,
        )
        for r in session.execute(query).scalars()
    ]


def open_scan(
    session: Session, store: PhotoStore, principal: Principal, number: int
) -> tuple[ListView, io.BufferedIOBase]:
    """The list and a stream of the signed decision's scan."""
    principal.require_role(STAFF)
    row = _view(_row(session, number))
    try:
        return row, store.open(row.scan_sha256)
    except FileNotFoundError:
        raise NotFound() from None


SCAN_SUFFIX = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def scan_filename(view: ListView) -> str:
    """The file name the signed decision's scan is downloaded as."""
    return f"quyet-dinh-danh-muc-so-{view.number}.{SCAN_SUFFIX.get(view.scan_mime, 'bin')}"


def list_of(session: Session, record_id: str) -> int | None:
    """The number of the approved list a file is in, if any."""
    item = session.get(ApprovedListItem, record_id)
    return item.list_number if item is not None else None


def annex_rows(session: Session, principal: Principal, number: int) -> int:
    """How many files the annex of list ``number`` holds (it exists: else not found)."""
    principal.require_role(STAFF)
    _row(session, number)
    return annex.count(session.connection(), number)


def write_annex(session: Session, principal: Principal, number: int, out: IO[bytes]) -> str:
    """Write the annex of list ``number`` (.xlsx) to ``out`` now; returns its file name."""
    annex_rows(session, principal, number)
    annex.write(session.connection(), number, out, NoProgress())
    return annex.filename(number)


def annex_job(session: Session, registry: JobRegistry, principal: Principal, number: int) -> Job:
    """Make the annex of list ``number`` in the background (its own connection)."""
    annex_rows(session, principal, number)
    engine = engine_of(session)

    def work(out: IO[bytes], progress: Progress) -> None:
        with engine.connect() as conn:
            annex.write(conn, number, out, progress)

    return registry.submit("approved_list_annex", principal.user_id, annex.filename(number), XLSX, work)
