"""The tablet's local database (SQLite through SQLModel): records, outbox, photos, checkpoints.

Every local save writes the record and its outbox row in one transaction, so an app killed at any
moment either has both or neither. The outbox holds one row per record: the latest state still to
send, with the server version the edit started from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, event
from sqlalchemy.orm import registry
from sqlmodel import Field, Session, SQLModel, col, create_engine, func, select

from common.protocol import Change, ChangeResult, ChangeStatus, PulledChange


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class LocalBase(SQLModel, registry=registry()):
    """Tables of the tablet database (kept apart from the server's metadata)."""


class LocalRecord(LocalBase, table=True):
    """Any record the tablet knows: its own and those pulled (agencies, campaigns, comments…)."""

    type: str = Field(primary_key=True, max_length=30)
    id: str = Field(primary_key=True, max_length=64)
    agency_code: str | None = Field(default=None, index=True, max_length=40)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    rev: int = 0
    version: int | None = None
    deleted: bool = False
    conflicted: bool = False
    review_state: str | None = None
    errors: list[dict[str, Any]] | None = Field(default=None, sa_type=JSON)
    updated_at: dt.datetime = Field(default_factory=_now)


class OutboxEntry(LocalBase, table=True):
    type: str = Field(primary_key=True, max_length=30)
    id: str = Field(primary_key=True, max_length=64)
    rev: int
    base_version: int | None = None
    deleted: bool = False
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    queued_at: dt.datetime = Field(default_factory=_now)


class LocalPhoto(LocalBase, table=True):
    """A photo kept on the tablet until the server holds it (queued -> uploading -> done)."""

    sha256: str = Field(primary_key=True, max_length=64)
    path: str
    size: int
    mime: str = Field(max_length=40)
    state: str = Field(default="queued", max_length=12)
    attempts: int = 0
    last_error: str | None = None


class Checkpoint(LocalBase, table=True):
    name: str = Field(primary_key=True, max_length=40)
    value: str


PULL_CURSOR = "pull_cursor"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")  # a tablet may lose power: durability over speed
    cur.close()


class LocalStore:
    """The tablet's data directory: ``saoluu-tablet.db`` and a ``photos/`` folder."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.photo_dir = self.data_dir / "photos"
        self.photo_dir.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(
            f"sqlite:///{self.data_dir / 'saoluu-tablet.db'}", connect_args={"check_same_thread": False}
        )
        event.listen(self.engine, "connect", _sqlite_pragmas)
        LocalBase.metadata.create_all(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as s:
            yield s

    # --- local edits -------------------------------------------------------------------------

    def save(self, type_: str, data: dict[str, Any], *, deleted: bool = False) -> LocalRecord:
        """Store a local edit and queue it for sync, atomically."""
        rid = str(data["id"])
        with self.session() as s:
            rec = s.get(LocalRecord, (type_, rid)) or LocalRecord(type=type_, id=rid)
            rec.data = data
            rec.agency_code = data.get("agency_code")
            rec.rev += 1
            rec.deleted = deleted
            rec.errors = None
            rec.updated_at = _now()
            entry = s.get(OutboxEntry, (type_, rid)) or OutboxEntry(type=type_, id=rid, rev=rec.rev)
            entry.rev, entry.base_version, entry.deleted, entry.data = rec.rev, rec.version, deleted, data
            s.add(rec)
            s.add(entry)
            s.commit()
            return rec

    def add_photo(self, content: bytes, mime: str) -> LocalPhoto:
        """Keep photo bytes on disk (content-addressed) and queue them for upload."""
        sha = hashlib.sha256(content).hexdigest()
        path = self.photo_dir / sha
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(content)
            tmp.replace(path)
        with self.session() as s:
            photo = s.get(LocalPhoto, sha) or LocalPhoto(
                sha256=sha, path=str(path), size=len(content), mime=mime
            )
            s.add(photo)
            s.commit()
            return photo

    # --- reads -------------------------------------------------------------------------------

    def get(self, type_: str, rid: str) -> LocalRecord | None:
        with self.session() as s:
            return s.get(LocalRecord, (type_, rid))

    def records(self, type_: str, agency_code: str | None = None) -> list[LocalRecord]:
        with self.session() as s:
            q = select(LocalRecord).where(LocalRecord.type == type_, col(LocalRecord.deleted).is_(False))
            if agency_code is not None:
                q = q.where(LocalRecord.agency_code == agency_code)
            return list(s.exec(q).all())

    def pending_count(self) -> int:
        with self.session() as s:
            return int(s.exec(select(func.count()).select_from(OutboxEntry)).one())

    def outbox(self, limit: int) -> list[OutboxEntry]:
        with self.session() as s:
            return list(s.exec(select(OutboxEntry).order_by(col(OutboxEntry.queued_at)).limit(limit)).all())

    def photos(self, states: Sequence[str] = ("queued", "uploading", "failed")) -> list[LocalPhoto]:
        with self.session() as s:
            return list(s.exec(select(LocalPhoto).where(col(LocalPhoto.state).in_(states))).all())

    def cursor(self) -> int:
        with self.session() as s:
            cp = s.get(Checkpoint, PULL_CURSOR)
            return int(cp.value) if cp else 0

    # --- sync bookkeeping ----------------------------------------------------------------------

    def outbox_changes(self, entries: Sequence[OutboxEntry]) -> list[Change]:
        return [
            Change(
                type=e.type, id=e.id, rev=e.rev, base_version=e.base_version, deleted=e.deleted, data=e.data
            )
            for e in entries
        ]

    def apply_results(self, results: Sequence[ChangeResult]) -> None:
        """Record the server's answer; an outbox row goes only when its exact revision was answered."""
        with self.session() as s:
            for r in results:
                rid = str(r.id)
                rec = s.get(LocalRecord, (r.type, rid))
                entry = s.get(OutboxEntry, (r.type, rid))
                if rec is not None:
                    if r.status in (ChangeStatus.APPLIED, ChangeStatus.DUPLICATE) and r.version:
                        rec.version = max(rec.version or 0, r.version)
                    elif r.status == ChangeStatus.CONFLICT:
                        rec.conflicted = True
                    elif r.status == ChangeStatus.REJECTED:
                        rec.errors = [e.model_dump() for e in r.errors]
                    s.add(rec)
                if entry is None:
                    continue
                if entry.rev == r.rev:
                    s.delete(entry)
                elif r.status in (ChangeStatus.APPLIED, ChangeStatus.DUPLICATE) and r.version:
                    entry.base_version = r.version  # a newer local edit waits; it builds on this version
                    s.add(entry)
            s.commit()

    def apply_pulled(self, changes: Sequence[PulledChange], cursor: int) -> None:
        """Store one pulled page and move the cursor in the same transaction."""
        with self.session() as s:
            for c in changes:
                rec = s.get(LocalRecord, (c.type, c.id))
                pending = s.get(OutboxEntry, (c.type, c.id)) is not None
                if rec is None:
                    rec = LocalRecord(type=c.type, id=c.id)
                if not pending and (rec.version is None or c.version >= rec.version):
                    rec.data, rec.version, rec.deleted = c.data, c.version, c.deleted
                    rec.agency_code = c.agency_code
                rec.conflicted = c.conflicted
                rec.review_state = c.review_state
                rec.updated_at = _now()
                s.add(rec)
            cp = s.get(Checkpoint, PULL_CURSOR) or Checkpoint(name=PULL_CURSOR, value="0")
            cp.value = str(max(cursor, int(cp.value)))
            s.add(cp)
            s.commit()

    def mark_photo(self, sha256: str, state: str, error: str | None = None) -> None:
        with self.session() as s:
            photo = s.get(LocalPhoto, sha256)
            if photo is None:
                return
            photo.state = state
            photo.last_error = error
            if state == "failed":
                photo.attempts += 1
            s.add(photo)
            s.commit()
