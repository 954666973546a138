"""Database tables (SQLModel). Schema changes go through Alembic migrations in ``migrations/``.

Synced records (fonds, box, file record, nil report, …) share :class:`SyncedRow`'s columns: the
client-made UUID, the server ``version`` (+1 per accepted change), the client's last ``rev``, the
server change sequence ``seq`` used by pull cursors, and the canonical ``data`` as validated by the
shared schema in :mod:`common.schemas`. Typed columns beside ``data`` exist for queries only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def utcnow() -> dt.datetime:
    """Aware UTC now (SQLModel stores datetimes as UTC on every engine)."""
    return dt.datetime.now(dt.UTC)


AFFECTS_PRINCIPAL = "affects_principal"
"""Key of a table's ``info``: True when who a token belongs to (the token, its device, the user,
their role and agencies) is read from the table, so a write to it empties the server's sign-in
cache (:class:`sync_server.auth.PrincipalCache`); False for a table that refers to those tables but
shapes no principal. Every table referring to a table marked True must say which
(tests/api/test_principal_cache.py)."""


def principal_info(affects: bool) -> dict[str, Any]:
    """``__table_args__`` entry saying whether the table affects a principal (see above)."""
    return {"info": {AFFECTS_PRINCIPAL: affects}}


class Agency(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=300)
    kind: str = Field(max_length=20, index=True)
    parent_code: str | None = Field(default=None, max_length=40, index=True)
    in_deposit_list: bool = True
    status: str = Field(default="active", max_length=20)
    successor_code: str | None = Field(default=None, max_length=40)
    seq: int = Field(default=0, sa_type=BigInteger, index=True)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    __tablename__ = "app_user"
    __table_args__ = principal_info(True)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True)
    full_name: str = Field(default="", max_length=200)
    role: str = Field(max_length=20)
    agency_code: str | None = Field(default=None, foreign_key="agency.code", max_length=40)
    password_hash: str = Field(max_length=200)
    active: bool = True
    created_at: dt.datetime = Field(default_factory=utcnow)


class SurveyorAssignment(SQLModel, table=True):
    """Which agencies a surveyor may visit and list."""

    __table_args__ = principal_info(True)

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    agency_code: str = Field(foreign_key="agency.code", primary_key=True, max_length=40)
    seq: int = Field(default=0, sa_type=BigInteger)


class Device(SQLModel, table=True):
    __table_args__ = principal_info(True)

    id: str = Field(primary_key=True, max_length=36)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    name: str = Field(max_length=120)
    created_at: dt.datetime = Field(default_factory=utcnow)
    last_seen_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None


class ApiToken(SQLModel, table=True):
    """A bearer token; only its SHA-256 is stored, so a database leak reveals no token."""

    __table_args__ = principal_info(True)

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    device_id: str | None = Field(default=None, foreign_key="device.id", max_length=36)
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime
    revoked_at: dt.datetime | None = None
    door: str = Field(default="api", max_length=10)
    """Where the token is accepted: ``api`` (a bearer from ``/auth/token``), ``device`` (a tablet's
    bearer) or ``web`` (the web session cookie); a token works at its own door only."""


class EnrollCode(SQLModel, table=True):
    """A one-time code that turns into a device token (hash stored, like tokens)."""

    __table_args__ = principal_info(False)

    code_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime
    used_at: dt.datetime | None = None


class Campaign(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=36)
    year: int = Field(index=True)
    name: str = Field(max_length=300)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    active: bool = True
    seq: int = Field(default=0, sa_type=BigInteger)


class AuditLog(SQLModel, table=True):
    """Append-only history: who changed what, from which device, when, version before/after."""

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow)
    user_id: int | None = Field(default=None, index=True)
    device_id: str | None = Field(default=None, max_length=36)
    entity_type: str = Field(max_length=30)
    entity_id: str = Field(max_length=64)
    action: str = Field(max_length=30)
    version_before: int | None = None
    version_after: int | None = None
    rev: int | None = None
    """The device's edit counter for synced changes (with device/user: the idempotency key)."""
    detail: dict[str, Any] | None = Field(default=None, sa_type=JSON)

    __table_args__ = (
        Index("ix_auditlog_entity", "entity_type", "entity_id", "id"),
        Index("ix_auditlog_at", "at", "device_id", "user_id", "action"),  # sync activity (web dashboard)
    )


class Counter(SQLModel, table=True):
    """Named monotonic counters; ``change_seq`` orders every change for pull cursors."""

    name: str = Field(primary_key=True, max_length=40)
    value: int = Field(default=0, sa_type=BigInteger)


class SyncedRow(SQLModel):
    """Columns every synced record has."""

    id: str = Field(primary_key=True, max_length=36)
    agency_code: str = Field(foreign_key="agency.code", max_length=40, index=True)
    version: int = 1
    rev: int = 0
    deleted: bool = False
    conflicted: bool = False
    seq: int = Field(default=0, sa_type=BigInteger, index=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)
    updated_by: int | None = None
    device_id: str | None = Field(default=None, max_length=36)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)


class Visit(SyncedRow, table=True):
    campaign_id: str | None = Field(default=None, max_length=36)
    started_at: dt.datetime


class Fonds(SyncedRow, table=True):
    number: str = Field(max_length=10)
    name: str = Field(max_length=300)
    kind: str = Field(max_length=20)


class Box(SyncedRow, table=True):
    fonds_id: str = Field(max_length=36, index=True)
    code: str = Field(max_length=80, index=True)


class FileRecord(SyncedRow, table=True):
    agency_code: str = Field(foreign_key="agency.code", max_length=40)
    """Indexed as the first column of ``ix_filerecord_agency_fonds``."""
    campaign_id: str | None = Field(default=None, max_length=36)
    fonds_id: str = Field(max_length=36)
    box_id: str | None = Field(default=None, max_length=36)
    file_no: str = Field(max_length=30)
    title: str = Field(max_length=1000)
    title_folded: str = Field(max_length=1000)
    carrier: str = Field(max_length=20)
    criteria: str = Field(max_length=60)
    """The criterion codes, sorted and joined by commas (``"collected,rare"``)."""
    conservation: bool = False
    """A damage leaves the file hard to read: conservation comes before digitization."""
    leaves: int | None = None
    pages: int | None = None
    max_severity: int = 0
    review_state: str = Field(default="pending", max_length=20)

    __table_args__ = (
        Index("ix_filerecord_agency_fonds", "agency_code", "fonds_id", "id"),
        Index("ix_filerecord_review", "review_state", "agency_code"),
        Index("ix_filerecord_agency_seq", "agency_code", "seq"),  # a surveyor's pull: new rows only
        # web inventory: each unselective filter with the default sort (latest change first)
        Index("ix_filerecord_state_seq", "review_state", "seq"),
        Index("ix_filerecord_carrier_seq", "carrier", "seq"),
        Index("ix_filerecord_severity_seq", "max_severity", "seq"),
        Index("ix_filerecord_title_sort", "title_folded", "id"),
        # the few files for conservation first: a partial index costs the other writes nothing
        Index(
            "ix_filerecord_conservation",
            "agency_code",
            "campaign_id",
            sqlite_where=text("conservation = 1"),
            postgresql_where=text("conservation"),
        ),
        # substring search of the folded title: trigram GIN on PostgreSQL (pg_trgm), a plain
        # narrow index on SQLite whose index-only scan is the cheapest full LIKE pass there
        Index(
            "ix_filerecord_title_trgm",
            "title_folded",
            postgresql_using="gin",
            postgresql_ops={"title_folded": "gin_trgm_ops"},
        ),
    )


class FileDamage(SQLModel, table=True):
    """One row per damage entry of a file record, for counts by damage type and severity."""

    record_id: str = Field(foreign_key="filerecord.id", primary_key=True, max_length=36)
    damage_type: str = Field(primary_key=True, max_length=20)
    agency_code: str = Field(max_length=40)
    severity: int
    readability: str = Field(max_length=20)
    campaign_id: str | None = Field(default=None, max_length=36)
    """Copied from the file record by database triggers (migration 0004), for per-campaign counts."""

    __table_args__ = (Index("ix_filedamage_type_sev", "damage_type", "severity"),)


class NilReport(SyncedRow, table=True):
    campaign_id: str | None = Field(default=None, max_length=36)
    doc_number: str = Field(max_length=50)
    doc_date: dt.date
    review_state: str = Field(default="pending", max_length=20)


class ReviewComment(SyncedRow, table=True):
    entity_type: str = Field(max_length=30)
    entity_id: str = Field(max_length=36, index=True)
    state: str = Field(max_length=20)


class RecordRevision(SQLModel, table=True):
    """An incoming edit that started from an older version: kept, never applied over the record."""

    id: int | None = Field(default=None, primary_key=True)
    entity_type: str = Field(max_length=30)
    entity_id: str = Field(max_length=36, index=True)
    agency_code: str = Field(max_length=40)
    rev: int
    base_version: int | None = None
    server_version: int
    deleted: bool = False
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    user_id: int | None = None
    device_id: str | None = Field(default=None, max_length=36)
    at: dt.datetime = Field(default_factory=utcnow)
    resolved_at: dt.datetime | None = None
    resolution: str | None = Field(default=None, max_length=20)


class Photo(SQLModel, table=True):
    """A stored photo, addressed by the SHA-256 of its bytes."""

    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    mime: str = Field(max_length=40)
    created_at: dt.datetime = Field(default_factory=utcnow)
    uploaded_by: int | None = None


class RecordPhoto(SQLModel, table=True):
    """Which record refers to which photo (see :mod:`sync_server.domain.photos` for who may read it)."""

    entity_id: str = Field(primary_key=True, max_length=36)
    sha256: str = Field(primary_key=True, max_length=64, index=True)
    agency_code: str = Field(max_length=40)


class PhotoHolder(SQLModel, table=True):
    """A user who has proven to hold a photo: they uploaded its bytes (every byte, hash checked)."""

    sha256: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(primary_key=True)


class PhotoClaim(SQLModel, table=True):
    """A user referred to a photo in a record of an agency. The agency's users may read the photo
    once the claimant holds it (:class:`PhotoHolder`): a reference alone grants nothing."""

    sha256: str = Field(primary_key=True, max_length=64)
    agency_code: str = Field(primary_key=True, max_length=40)
    user_id: int = Field(primary_key=True)


class LoginThrottle(SQLModel, table=True):
    """Failed web sign-ins per user name and client address (shared by every server process)."""

    username: str = Field(primary_key=True, max_length=80)
    client: str = Field(primary_key=True, max_length=64)
    failures: int = 0
    first_failed_at: dt.datetime = Field(default_factory=utcnow)
    locked_until: dt.datetime | None = None


class ListConfirmation(SQLModel, table=True):
    """An agency head's confirmation that the agency's file list for a campaign is complete."""

    id: int | None = Field(default=None, primary_key=True)
    agency_code: str = Field(foreign_key="agency.code", max_length=40)
    campaign_id: str = Field(foreign_key="campaign.id", max_length=36)
    user_id: int = Field(foreign_key="app_user.id")
    file_count: int
    note: str = Field(default="", max_length=2000)
    at: dt.datetime = Field(default_factory=utcnow)

    __table_args__ = (
        Index("ix_listconfirmation_campaign", "campaign_id", "agency_code"),
        principal_info(False),
    )


class CampaignCount(SQLModel, table=True):
    """Live counts per campaign, kept exact by database triggers on file records and damage rows
    (migration 0005): ``kind`` ``file`` counts live records by (criteria, carrier), ``agency`` by
    (agency code, review state), ``damage`` damage entries by (type, severity). ``campaign_id`` is
    ``''`` for records without a campaign."""

    campaign_id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(primary_key=True, max_length=10)
    key1: str = Field(primary_key=True, max_length=60)
    key2: str = Field(primary_key=True, max_length=20)
    n: int = 0


class ScanMaster(SQLModel, table=True):
    """A digitized master (PDF) held in the master store under the SHA-256 of its bytes.

    A row exists only once its bytes are stored and verified; masters are never deleted.
    """

    sha256: str = Field(primary_key=True, max_length=64)
    size: int = Field(sa_type=BigInteger)
    pages: int
    min_ppi: int
    """The lowest effective resolution of any page's images (pixels per inch as drawn)."""
    created_at: dt.datetime = Field(default_factory=utcnow)
    created_by: int | None = None
    run_id: int | None = Field(default=None, foreign_key="ingestrun.id")


class FileDigitization(SQLModel, table=True):
    """Where one file record stands in digitization (:class:`common.vocab.DigitizationState`).

    The archive centre's own facts about the file: kept beside the synced record, so they never
    change its version or travel to tablets. A file with no row has not entered digitization.
    """

    record_id: str = Field(primary_key=True, foreign_key="filerecord.id", max_length=36)
    agency_code: str = Field(max_length=40)
    state: str = Field(max_length=20)
    master_sha256: str | None = Field(
        default=None, foreign_key="scanmaster.sha256", max_length=64, index=True
    )
    ingested_at: dt.datetime | None = None
    ingested_by: int | None = None
    ingest_run_id: int | None = Field(default=None, foreign_key="ingestrun.id")
    accepted_on: dt.date | None = None
    """The day the file was accepted as digitized (the quality check, or marked by staff)."""
    checked_at: dt.datetime | None = None
    checked_by: int | None = None
    check_reason: str | None = Field(default=None, max_length=2000)
    """Why the master was sent back for rescanning."""
    updated_at: dt.datetime = Field(default_factory=utcnow)
    plan_year: int | None = None
    """The year of the digitization plan (2026–2033) the file is planned for."""
    batch_id: int | None = Field(default=None, foreign_key="planbatch.id")
    """The batch the file went out with (or is meant to)."""
    planned_at: dt.datetime | None = None
    planned_by: int | None = None

    __table_args__ = (
        Index("ix_filedigitization_state", "state", "agency_code"),
        Index("ix_filedigitization_plan", "plan_year", "state"),
    )


class IngestRun(SQLModel, table=True):
    """One delivery of scanned masters taken in (a folder by the CLI, an upload by the web)."""

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=1000)
    user_id: int | None = None
    started_at: dt.datetime = Field(default_factory=utcnow)
    finished_at: dt.datetime | None = None
    """None while running, or if the run was killed (its items say how far it got)."""
    total: int = 0
    stored: int = 0
    held: int = 0
    refused: int = 0
    bytes_stored: int = Field(default=0, sa_type=BigInteger)


class IngestItem(SQLModel, table=True):
    """One delivered PDF of a run and what became of it (a line of the run report)."""

    run_id: int = Field(foreign_key="ingestrun.id", primary_key=True)
    n: int = Field(primary_key=True)
    name: str = Field(max_length=1000)
    outcome: str = Field(max_length=20)
    reason: str | None = Field(default=None, max_length=40)
    """A field error reason (``reason.<reason>`` in :mod:`common.words.errors`), explained with ``detail``."""
    detail: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    record_id: str | None = Field(default=None, max_length=36, index=True)
    sha256: str | None = Field(default=None, max_length=64)
    size: int | None = Field(default=None, sa_type=BigInteger)
    pages: int | None = None
    min_ppi: int | None = None
    at: dt.datetime = Field(default_factory=utcnow)


class ApprovedList(SQLModel, table=True):
    """A numbered list of approved files frozen by a signed decision (*danh mục tài liệu được phê
    duyệt*). It never changes (database triggers refuse updates and deletes, migration 0012); files
    approved later go into a supplement (``supplement_to``)."""

    number: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    campaign_id: str = Field(foreign_key="campaign.id", max_length=36, index=True)
    agency_codes: list[str] = Field(default_factory=list, sa_type=JSON, nullable=False)
    """The agencies it covers; empty: the whole province."""
    supplement_to: int | None = Field(default=None, foreign_key="approvedlist.number")
    decision_number: str = Field(max_length=50)
    decision_date: dt.date
    signer_name: str = Field(max_length=200)
    signer_position: str = Field(max_length=200)
    scan_sha256: str = Field(max_length=64)
    """The scan of the signed decision, in the master store."""
    scan_size: int = Field(sa_type=BigInteger)
    scan_mime: str = Field(max_length=40)
    files: int
    pages: int
    created_at: dt.datetime = Field(default_factory=utcnow)
    created_by: int | None = None


class ApprovedListItem(SQLModel, table=True):
    """A file of an approved list, as it was when the list was frozen. A file is in one list only."""

    record_id: str = Field(primary_key=True, foreign_key="filerecord.id", max_length=36)
    list_number: int = Field(foreign_key="approvedlist.number")
    n: int
    """Its row in the annex (archival order within the list)."""
    agency_code: str = Field(max_length=40)
    fonds_id: str = Field(max_length=36, index=True)
    version: int
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)

    __table_args__ = (Index("ix_approvedlistitem_list", "list_number", "n"),)


class PlanBatch(SQLModel, table=True):
    """A batch of the digitization plan: files (and their boxes) scanned together in a plan year."""

    id: int | None = Field(default=None, primary_key=True)
    year: int
    name: str = Field(max_length=100)
    note: str = Field(default="", max_length=2000)
    created_at: dt.datetime = Field(default_factory=utcnow)
    created_by: int | None = None

    __table_args__ = (UniqueConstraint("year", "name", name="uq_planbatch_year_name"),)


class BoxCustody(SQLModel, table=True):
    """Where a box of originals is now, by the code on its label. A box without a row has never left
    the repository."""

    code: str = Field(primary_key=True, max_length=80)
    place: str = Field(max_length=20)
    batch_id: int | None = Field(default=None, foreign_key="planbatch.id")
    since: dt.datetime = Field(default_factory=utcnow)
    user_id: int | None = None
    counterpart: str = Field(default="", max_length=200)

    __table_args__ = (Index("ix_boxcustody_place", "place", "since"),)


class BoxMovement(SQLModel, table=True):
    """One check-out or check-in of a box (*sổ giao nhận*): append-only (database triggers refuse
    updates and deletes, migration 0012)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=80)
    at: dt.datetime = Field(default_factory=utcnow)
    user_id: int | None = None
    from_place: str = Field(max_length=20)
    to_place: str = Field(max_length=20)
    batch_id: int | None = Field(default=None, foreign_key="planbatch.id")
    counterpart: str = Field(default="", max_length=200)
    """Who handed the box over or took it (the other signature of the register)."""
    note: str = Field(default="", max_length=2000)
    files: int = 0
    """Planned files of the box that went out with it (check-out)."""

    __table_args__ = (Index("ix_boxmovement_code", "code", "id"),)


class FileMetadata(SQLModel, table=True):
    """The archive centre's metadata of a file after Circular 02/2019 that the survey lacks
    (:data:`common.circular02.STAFF_FIELDS`): beside the synced record, like its digitization, so
    it never changes the record's version or travels to tablets."""

    record_id: str = Field(primary_key=True, foreign_key="filerecord.id", max_length=36)
    agency_code: str = Field(max_length=40)
    file_code: str | None = Field(default=None, max_length=30)
    """A code given by staff; None: the rule's (:func:`sync_server.domain.file_metadata.file_code`)."""
    info_sign: str | None = Field(default=None, max_length=30)
    keywords: str | None = Field(default=None, max_length=100)
    documents: int | None = None
    annotation: str | None = Field(default=None, max_length=2000)
    updated_at: dt.datetime = Field(default_factory=utcnow)
    updated_by: int | None = None


class CopySet(SQLModel, table=True):
    """An insurance copy set (*bộ sao bảo hiểm*): a medium kept at a place, written copy by copy."""

    id: int | None = Field(default=None, primary_key=True)
    number: int = Field(unique=True)
    name: str = Field(max_length=200)
    medium: str = Field(max_length=20)
    location: str = Field(max_length=300)
    note: str | None = Field(default=None, max_length=2000)
    created_at: dt.datetime = Field(default_factory=utcnow)
    created_by: int | None = None


class CopyWrite(SQLModel, table=True):
    """One copy written to a set: a BagIt bag in a folder (:class:`common.vocab.CopyState`)."""

    id: int | None = Field(default=None, primary_key=True)
    set_id: int = Field(foreign_key="copyset.id", index=True)
    target: str = Field(max_length=1000)
    fonds: list[str] = Field(default_factory=list, sa_type=JSON, nullable=False)
    state: str = Field(max_length=20)
    files: int = 0
    bytes: int = Field(default=0, sa_type=BigInteger)
    error: str | None = Field(default=None, max_length=2000)
    started_at: dt.datetime = Field(default_factory=utcnow)
    finished_at: dt.datetime | None = None
    user_id: int | None = None


class CopyItem(SQLModel, table=True):
    """A master written in a copy, and what the latest verification of that copy found of it."""

    write_id: int = Field(foreign_key="copywrite.id", primary_key=True)
    sha256: str = Field(primary_key=True, max_length=64, index=True)
    record_id: str = Field(max_length=36)
    path: str = Field(max_length=1000)
    size: int = Field(sa_type=BigInteger)
    result: str | None = Field(default=None, max_length=20)
    """:class:`common.vocab.CheckResult` of the latest verification; None until verified."""
    checked_at: dt.datetime | None = None


class CopyCheck(SQLModel, table=True):
    """One verification of a copy against its manifest (``verify-copy``)."""

    id: int | None = Field(default=None, primary_key=True)
    write_id: int = Field(foreign_key="copywrite.id", index=True)
    result: str = Field(max_length=20)
    files: int = 0
    bytes: int = Field(default=0, sa_type=BigInteger)
    problems: list[dict[str, Any]] | None = Field(default=None, sa_type=JSON)
    at: dt.datetime = Field(default_factory=utcnow)
    user_id: int | None = None


class FixityRun(SQLModel, table=True):
    """One pass of ``fixity`` over the stored masters."""

    id: int | None = Field(default=None, primary_key=True)
    started_at: dt.datetime = Field(default_factory=utcnow)
    finished_at: dt.datetime | None = None
    total: int = 0
    ok: int = 0
    problems: int = 0
    bytes: int = Field(default=0, sa_type=BigInteger)
    user_id: int | None = None


class FixityCheck(SQLModel, table=True):
    """One stored master re-hashed: intact, changed (``found``), missing or unreadable."""

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="fixityrun.id")
    sha256: str = Field(max_length=64)
    result: str = Field(max_length=20)
    found: str | None = Field(default=None, max_length=64)
    size: int | None = Field(default=None, sa_type=BigInteger)
    detail: str | None = Field(default=None, max_length=300)
    at: dt.datetime = Field(default_factory=utcnow)

    __table_args__ = (
        Index("ix_fixitycheck_sha256", "sha256", "id"),
        Index("ix_fixitycheck_run", "run_id", "result"),
    )


class Handover(SQLModel, table=True):
    """A handover of the digitized database by fonds / work / collection (*bàn giao*): what was in
    its package, to whom, and the package's SHA-256 once it has been produced."""

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=50, unique=True)
    handed_on: dt.date
    recipient: str = Field(max_length=300)
    note: str | None = Field(default=None, max_length=2000)
    partial: bool = False
    fonds: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON, nullable=False)
    """Per fonds: id, agency, number, name, kind and its counts (files, documents, pages, missing)."""
    files: int = 0
    documents: int = 0
    pages: int = 0
    bytes: int = Field(default=0, sa_type=BigInteger)
    missing: int = 0
    """Files of the fonds left out because not accepted with a master (a partial handover)."""
    catalogue_sha256: str = Field(max_length=64)
    catalogue_size: int = Field(sa_type=BigInteger)
    metadata_sha256: str = Field(max_length=64)
    metadata_size: int = Field(sa_type=BigInteger)
    package_sha256: str | None = Field(default=None, max_length=64)
    package_size: int | None = Field(default=None, sa_type=BigInteger)
    packaged_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)
    created_by: int | None = None


class HandoverItem(SQLModel, table=True):
    """A file handed over, with its master and its name in the package."""

    handover_id: int = Field(foreign_key="handover.id", primary_key=True)
    record_id: str = Field(primary_key=True, max_length=36, index=True)
    sha256: str = Field(max_length=64)
    path: str = Field(max_length=1000)
    size: int = Field(sa_type=BigInteger)
    pages: int = 0
