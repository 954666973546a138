"""The tablet's local database (SQLite through SQLModel): records, outbox, photos, checkpoints.

Every local save writes the record and its outbox row in one transaction, so an app killed at any
moment either has both or neither. The outbox holds one row per record: the latest state still to
send, with the server version the edit started from. Drafts (forms being typed) and device
preferences live in the same database, so a draft is dropped in the transaction that saves it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, case, event
from sqlalchemy.orm import registry
from sqlmodel import Field, Session, SQLModel, col, create_engine, func, select

from common.protocol import Change, ChangeResult, ChangeStatus, PulledChange
from common.tables import table_of
from common.text import fold
from mobile_app import store_migrations
from mobile_app.search import search_text


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
    search: str = ""
    """Folded (lower case, no diacritics) text the lists search in: codes, numbers, names, titles."""


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


class Preference(LocalBase, table=True):
    """A device setting (server address, token, language…): survives restarts, needs no network."""

    name: str = Field(primary_key=True, max_length=40)
    value: str


class Draft(LocalBase, table=True):
    """A form being typed, saved as the surveyor types; gone once the record is saved."""

    key: str = Field(primary_key=True, max_length=80)
    kind: str = Field(max_length=30)
    agency_code: str | None = Field(default=None, index=True, max_length=40)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    updated_at: dt.datetime = Field(default_factory=_now)


PULL_CURSOR = "pull_cursor"
PULL_SCOPE = "pull_scope"
"""The agencies the last pull covered (JSON list, or ``null`` for all)."""


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
        self.path = self.data_dir / "saoluu-tablet.db"
        self.engine = create_engine(f"sqlite:///{self.path}", connect_args={"check_same_thread": False})
        event.listen(self.engine, "connect", _sqlite_pragmas)
        store_migrations.migrate(self.path)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as s:
            yield s

    # --- local edits -------------------------------------------------------------------------

    def save(
        self,
        type_: str,
        data: dict[str, Any],
        *,
        deleted: bool = False,
        photos: Sequence[dict[str, Any]] = (),
        drop_draft: str | None = None,
    ) -> LocalRecord:
        """Store a local edit and queue it for sync, atomically.

        ``photos`` (``{sha256, size, mime}``) whose bytes are in :attr:`photo_dir` are queued for
        upload and ``drop_draft`` is deleted, in the same transaction.
        """
        rid = str(data["id"])
        with self.session() as s:
            rec = s.get(LocalRecord, (type_, rid)) or LocalRecord(type=type_, id=rid)
            rec.data = data
            rec.agency_code = data.get("agency_code")
            rec.rev += 1
            rec.deleted = deleted
            rec.errors = None
            rec.updated_at = _now()
            rec.search = search_text(type_, data)
            entry = s.get(OutboxEntry, (type_, rid)) or OutboxEntry(type=type_, id=rid, rev=rec.rev)
            entry.rev, entry.base_version, entry.deleted, entry.data = rec.rev, rec.version, deleted, data
            s.add(rec)
            s.add(entry)
            for ref in photos:
                sha = ref["sha256"]
                path = self.photo_dir / sha
                if path.exists() and s.get(LocalPhoto, sha) is None:  # photos pulled from others stay theirs
                    s.add(LocalPhoto(sha256=sha, path=str(path), size=ref["size"], mime=ref["mime"]))
            if drop_draft is not None and (draft := s.get(Draft, drop_draft)) is not None:
                s.delete(draft)
            s.commit()
            return rec

    def stage_photo(self, content: bytes) -> str:
        """Write photo bytes content-addressed (not yet queued for upload); returns the SHA-256."""
        sha = hashlib.sha256(content).hexdigest()
        path = self.photo_dir / sha
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(content)
            tmp.replace(path)
        return sha

    # --- drafts and preferences ------------------------------------------------------------------

    def save_draft(self, key: str, kind: str, data: dict[str, Any], agency_code: str | None = None) -> None:
        with self.session() as s:
            draft = s.get(Draft, key) or Draft(key=key, kind=kind)
            draft.data, draft.agency_code, draft.updated_at = data, agency_code, _now()
            s.add(draft)
            s.commit()

    def get_draft(self, key: str) -> Draft | None:
        with self.session() as s:
            return s.get(Draft, key)

    def delete_draft(self, key: str) -> None:
        with self.session() as s:
            if (draft := s.get(Draft, key)) is not None:
                s.delete(draft)
                s.commit()

    def drafts(self, kind: str | None = None, agency_code: str | None = None) -> list[Draft]:
        with self.session() as s:
            q = select(Draft).order_by(col(Draft.updated_at).desc())
            if kind is not None:
                q = q.where(Draft.kind == kind)
            if agency_code is not None:
                q = q.where(Draft.agency_code == agency_code)
            return list(s.exec(q).all())

    def get_pref(self, name: str, default: str | None = None) -> str | None:
        with self.session() as s:
            pref = s.get(Preference, name)
            return pref.value if pref is not None else default

    def set_prefs(self, values: dict[str, str | None]) -> None:
        """Set (or, with ``None``, remove) several preferences in one transaction."""
        with self.session() as s:
            for name, value in values.items():
                pref = s.get(Preference, name)
                if value is None:
                    if pref is not None:
                        s.delete(pref)
                    continue
                pref = pref or Preference(name=name, value=value)
                pref.value = value
                s.add(pref)
            s.commit()

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

    def reset(self, keep_prefs: Sequence[str] = (), set_aside_to: Path | None = None) -> None:
        """Empty the device (sign out). With ``set_aside_to``, first copy the database and the photos
        there, so unsynced work is never destroyed, only set aside."""
        if set_aside_to is not None:
            set_aside_to.mkdir(parents=True, exist_ok=True)
            raw = self.engine.raw_connection()
            try:
                with sqlite3.connect(set_aside_to / "saoluu-tablet.db") as dest:
                    driver = raw.driver_connection
                    assert isinstance(driver, sqlite3.Connection)  # the tablet's store is SQLite
                    driver.backup(dest)
            finally:
                raw.close()
            shutil.copytree(self.photo_dir, set_aside_to / "photos", dirs_exist_ok=True)
        with self.session() as s:
            for table in (LocalRecord, OutboxEntry, LocalPhoto, Checkpoint, Draft):
                s.execute(table_of(table).delete())
            s.execute(table_of(Preference).delete().where(col(Preference.name).not_in(keep_prefs)))
            s.commit()
        for path in self.photo_dir.iterdir():
            if path.is_file():
                path.unlink()

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

    def search_records(
        self,
        type_: str,
        agency_code: str | None = None,
        query: str = "",
        *,
        where: dict[str, str] | None = None,
        limit: int | None = None,
    ) -> list[LocalRecord]:
        """Records of a type, newest first, whose folded text contains every word of ``query``.

        ``where`` matches top-level data fields exactly (e.g. ``{"box_id": ...}``).
        """
        with self.session() as s:
            q = select(LocalRecord).where(LocalRecord.type == type_, col(LocalRecord.deleted).is_(False))
            if agency_code is not None:
                q = q.where(LocalRecord.agency_code == agency_code)
            for word in fold(query).split():
                q = q.where(col(LocalRecord.search).contains(word, autoescape=True))
            for key, value in (where or {}).items():
                q = q.where(func.json_extract(LocalRecord.data, f"$.{key}") == value)
            q = q.order_by(col(LocalRecord.updated_at).desc())
            if limit is not None:
                q = q.limit(limit)
            return list(s.exec(q).all())

    def flagged_records(self, type_: str) -> list[LocalRecord]:
        """Records needing the surveyor: in conflict, refused by the server, or sent back."""
        refused = func.coalesce(func.json_array_length(LocalRecord.errors), 0) > 0
        flagged = col(LocalRecord.conflicted).is_(True) | refused | (LocalRecord.review_state == "sent_back")
        with self.session() as s:
            q = select(LocalRecord).where(LocalRecord.type == type_, flagged)
            return list(s.exec(q.order_by(col(LocalRecord.updated_at).desc())).all())

    def agency_summary(
        self, types: Sequence[str], campaign_id: str | None = None
    ) -> dict[str, dict[str, tuple[int, int]]]:
        """``{agency: {type: (records, sent back)}}`` for the given record types, in one query.

        With ``campaign_id``, records of other campaigns are left out (those without one count).
        """
        sent_back = func.sum(case((col(LocalRecord.review_state) == "sent_back", 1), else_=0))
        with self.session() as s:
            q = (
                select(LocalRecord.agency_code, LocalRecord.type, func.count(), sent_back)
                .where(col(LocalRecord.type).in_(types), col(LocalRecord.deleted).is_(False))
                .group_by(LocalRecord.agency_code, LocalRecord.type)
            )
            if campaign_id is not None:
                campaign = func.json_extract(LocalRecord.data, "$.campaign_id")
                q = q.where((campaign == campaign_id) | campaign.is_(None))
            out: dict[str, dict[str, tuple[int, int]]] = {}
            for agency, type_, n, back in s.exec(q).all():
                out.setdefault(agency or "", {})[type_] = (int(n), int(back or 0))
            return out

    def pending_count(self) -> int:
        with self.session() as s:
            return int(s.exec(select(func.count()).select_from(OutboxEntry)).one())

    def pending_photo_totals(self) -> tuple[int, int]:
        """``(photos, bytes)`` still to upload."""
        with self.session() as s:
            q = select(func.count(), func.coalesce(func.sum(LocalPhoto.size), 0)).where(
                col(LocalPhoto.state).in_(("queued", "uploading", "failed"))
            )
            n, size = s.exec(q).one()
            return int(n), int(size)

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

    def apply_pulled(
        self, changes: Sequence[PulledChange], cursor: int, scope: Sequence[str] | None = None
    ) -> bool:
        """Store one pulled page and move the cursor in the same transaction.

        ``scope`` is the agencies the server says the user may see now (None: all). When it has
        grown since the last pull (an agency newly assigned), the cursor goes back to 0: that
        agency's older records were written before the cursor and would otherwise never come.
        Returns True when the pull must start again from 0.
        """
        with self.session() as s:
            for c in changes:
                rec = s.get(LocalRecord, (c.type, c.id))
                pending = s.get(OutboxEntry, (c.type, c.id)) is not None
                if rec is None:
                    rec = LocalRecord(type=c.type, id=c.id)
                if not pending and (rec.version is None or c.version >= rec.version):
                    rec.data, rec.version, rec.deleted = c.data, c.version, c.deleted
                    rec.agency_code = c.agency_code
                    rec.search = search_text(c.type, c.data)
                rec.conflicted = c.conflicted
                rec.review_state = c.review_state
                rec.updated_at = _now()
                s.add(rec)
            cp = s.get(Checkpoint, PULL_CURSOR) or Checkpoint(name=PULL_CURSOR, value="0")
            cp.value = str(max(cursor, int(cp.value)))
            restart = _scope_grew(s, scope) and int(cp.value) > 0
            if restart:
                cp.value = "0"
            s.add(cp)
            s.commit()
            return restart

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


def _scope_grew(s: Session, scope: Sequence[str] | None) -> bool:
    """Save the pull scope; True when it now covers an agency it did not before."""
    now = None if scope is None else sorted(scope)
    row = s.get(Checkpoint, PULL_SCOPE)
    if row is None:
        s.add(Checkpoint(name=PULL_SCOPE, value=json.dumps(now)))
        return False
    before = json.loads(row.value)
    row.value = json.dumps(now)
    s.add(row)
    return before is not None and (now is None or not set(now) <= set(before))
