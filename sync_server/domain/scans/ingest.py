"""Ingest of scanned masters: a delivered folder of PDFs becomes verified masters of file records.

For each PDF, in the order of its path: its name is matched to one approved file record
(:mod:`.names`); it is read in a child process (:mod:`.reader`) for its pages and the effective
resolution of their images, and refused when it is unreadable, encrypted, empty, a bomb, below
200 ppi, holds a page without an image, or disagrees with the record's page count; it is then
copied into the master store, hashed in the same pass, and only once its bytes are stored and
verified is the row that points at them committed (with its audit row and its report line). A PDF
is all or nothing: a run killed midway leaves at most an unreferenced blob, never a row pointing at
a missing master, and a rerun skips what is already held and completes the rest.

A file that already has a master keeps it: the same bytes again are "already held", different ones
are refused unless the quality check sent the file back for rescanning. The same PDF cannot be the
master of two files.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from common.errors import NotAllowed
from common.tables import table_of
from common.vocab import STAFF, IngestOutcome, ReviewState, Role
from sync_server.auth import Principal
from sync_server.domain import digitization
from sync_server.domain.audit import audit
from sync_server.domain.scans.names import PDF_SUFFIX, Indexed, RecordIndex
from sync_server.domain.scans.pdf import PdfFacts, PdfRefused
from sync_server.domain.scans.reader import PdfReader
from sync_server.domain.sequence import lock_changes
from sync_server.models import FileDigitization, FileRecord, IngestItem, IngestRun, ScanMaster, utcnow
from sync_server.storage.base import PhotoStore, StorageUnavailable, sha256_of

INGEST_ROLES = frozenset({*STAFF, Role.DIGITIZATION_OPERATOR})
NAME_MAX = 1000
INCOMING_MAX_AGE = dt.timedelta(days=1)
"""Incoming copies older than this are a killed run's leftovers, swept when a run starts."""


@dataclass
class Delivered:
    """One PDF of the delivery and, once decided, what became of it."""

    n: int
    name: str
    path: Path
    size: int
    record: Indexed | None = None
    outcome: IngestOutcome | None = None
    reason: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    sha256: str | None = None
    facts: PdfFacts | None = None

    def refuse(self, refused: PdfRefused) -> Delivered:
        self.outcome, self.reason = IngestOutcome.REFUSED, refused.reason
        self.detail = {**self.detail, **refused.ctx}  # the matched file's code stays on the line
        return self


Progress = Callable[[Delivered, IngestRun], None]
"""Told about each PDF once it is decided (the run's counters include it)."""


def delivered_pdfs(root: Path) -> list[Delivered]:
    """Every ``.pdf`` under ``root`` (any case; hidden files and folders skipped), by path."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name.lower().endswith(PDF_SUFFIX) and not name.startswith("."):
                path = Path(folder, name)
                found.append((_readable(path.relative_to(root).as_posix()), path))
    found.sort()
    return [Delivered(n, name, path, _size(path)) for n, (name, path) in enumerate(found, 1)]


def _readable(name: str) -> str:
    """A delivered name as text a database and a report can hold (bytes that are not UTF-8 shown
    as replacement characters; at most 1000 characters)."""
    return os.fsencode(name).decode("utf-8", "replace")[:NAME_MAX]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def ingest_folder(
    session: Session,
    store: PhotoStore,
    root: Path,
    actor: Principal | None,
    *,
    progress: Progress | None = None,
    reader: PdfReader | None = None,
) -> IngestRun:
    """Take in every PDF under ``root`` (the command line's delivered folder)."""
    items = delivered_pdfs(root)
    return ingest(session, store, str(root.resolve()), items, actor, progress=progress, reader=reader)


def ingest(
    session: Session,
    store: PhotoStore,
    source: str,
    items: list[Delivered],
    actor: Principal | None,
    *,
    progress: Progress | None = None,
    reader: PdfReader | None = None,
) -> IngestRun:
    """Take in delivered PDFs (named by the naming rule) as one run from ``source``; returns the
    finished run, whose items are the report. ``actor`` None is the server itself (the command line
    without ``--user``). An upload takes in its completed files the same way."""
    if actor is not None and actor.role not in INGEST_ROLES:
        raise NotAllowed()
    with reader or PdfReader() as pdfs:
        pdfs.start()  # the reader process starts while the names are matched
        store.sweep_incoming(INCOMING_MAX_AGE)
        user = actor.user_id if actor else None
        run = IngestRun(source=_readable(source), user_id=user, total=len(items))
        session.add(run)
        session.commit()
        index = RecordIndex(session, [d.name for d in items])
        session.rollback()  # no transaction held while PDFs are read and copied
        job = _Run(session, store, actor, run, progress or (lambda d, r: None))
        for item in items:
            job.match(item, index)
        for item, facts in pdfs.inspect_all(job.to_read(items)):
            job.take(item, facts)
    run = session.get(IngestRun, job.run_id) or run
    run.finished_at = utcnow()
    session.add(run)
    _audit_run(session, actor, run)
    session.commit()
    session.refresh(run)
    return run


class _Run:
    """The steps of one run over its PDFs."""

    def __init__(
        self, session: Session, store: PhotoStore, actor: Principal | None, run: IngestRun, progress: Progress
    ) -> None:
        self.session, self.store, self.actor, self.run, self.progress = session, store, actor, run, progress
        assert run.id is not None
        self.run_id: int = run.id

    def match(self, item: Delivered, index: RecordIndex) -> None:
        """Find the item's record; a name that fits none or several, or an unapproved record, is
        refused at once."""
        matches = index.match(item.name)
        if not matches:
            self.finish(item.refuse(PdfRefused("scan_no_record")))
        elif len(matches) > 1:
            codes = ", ".join(sorted(m.code for m in matches)[:3])
            self.finish(item.refuse(PdfRefused("scan_several_records", n=len(matches), input=codes)))
        else:
            item.record = matches[0]
            item.detail["code"] = item.record.code
            if item.record.review_state != ReviewState.APPROVED:
                state = ReviewState(item.record.review_state).vi
                self.finish(item.refuse(PdfRefused("scan_not_approved", input=state)))

    def to_read(self, items: list[Delivered]) -> Iterator[tuple[Delivered, Path]]:
        return ((d, d.path) for d in items if d.outcome is None)

    def take(self, item: Delivered, facts: PdfFacts | PdfRefused) -> None:
        """Decide on one matched PDF once it has been read, and record the decision."""
        assert item.record is not None
        if isinstance(facts, PdfRefused):
            return self.finish(item.refuse(facts))
        item.facts = facts
        refused = facts.refusal(item.record.pages)
        if refused is not None:
            return self.finish(item.refuse(refused))
        try:
            self._store(item, facts)
        except StorageUnavailable as exc:
            self.session.rollback()
            self.finish(item.refuse(PdfRefused("scan_storage_failed", input=exc.operation)))
        except OSError as exc:
            self.session.rollback()
            self.finish(item.refuse(PdfRefused("scan_unreadable_file", input=exc.strerror or str(exc))))

    def _store(self, item: Delivered, facts: PdfFacts) -> None:
        assert item.record is not None
        before = self.session.get(FileDigitization, item.record.id)
        if before is not None:
            self.session.expunge(before)
        self.session.rollback()
        if before is not None and before.master_sha256 is not None:
            with open(item.path, "rb", buffering=0) as source:  # held or refused is likely:
                item.sha256, item.size = sha256_of(source)  # read, but copy nothing yet
            if not digitization.master_decision(before, item.sha256).store:
                return self._decide(item, facts, copied=False)
        self._copy(item)
        self._decide(item, facts, copied=True)

    def _copy(self, item: Delivered) -> None:
        with open(item.path, "rb", buffering=0) as source:
            blob = self.store.put_file(source)
        item.sha256, item.size = blob.sha256, blob.size

    def _decide(self, item: Delivered, facts: PdfFacts, *, copied: bool) -> None:
        """In one transaction, under the change lock: look again, then attach the master (or not)."""
        assert item.record is not None and item.sha256 is not None
        lock_changes(self.session)
        record = self.session.get(FileRecord, item.record.id)
        row = self.session.get(FileDigitization, item.record.id)
        if record is None or record.deleted or record.review_state != ReviewState.APPROVED:
            now = record.review_state if record and not record.deleted else "deleted"
            return self.finish(item.refuse(PdfRefused("scan_changed", input=now)))
        refused = facts.refusal(record.pages)
        decision = digitization.master_decision(row, item.sha256)
        if refused is not None:
            return self.finish(item.refuse(refused))
        if decision.held:
            item.outcome, item.reason = IngestOutcome.HELD, "scan_already_held"
            return self.finish(item)
        if decision.refusal is not None:
            assert row is not None and row.master_sha256 is not None
            return self.finish(item.refuse(PdfRefused(decision.refusal, input=row.master_sha256[:12])))
        if not copied:  # the file's state changed since it was read: the bytes are wanted after all
            self.session.rollback()
            self._copy(item)
            return self._decide(item, facts, copied=True)
        other = self._master_of_another(item.sha256, record.id)
        if other is not None:
            return self.finish(item.refuse(PdfRefused("scan_same_as_other", input=other)))
        if self.session.get(ScanMaster, item.sha256) is None:
            self.session.add(
                ScanMaster(
                    sha256=item.sha256,
                    size=item.size,
                    pages=facts.pages,
                    min_ppi=facts.min_ppi,
                    created_by=self.actor.user_id if self.actor else None,
                    run_id=self.run_id,
                )
            )
            self.session.flush()
        if record.pages is None:
            item.reason, item.detail["pages"] = "scan_pages_from_master", facts.pages
        attach = {"name": item.name, "run": self.run_id, "pages": facts.pages, "min_ppi": facts.min_ppi}
        digitization.attach_master(self.session, self.actor, record, row, item.sha256, self.run_id, attach)
        item.outcome = IngestOutcome.STORED
        self.finish(item)

    def _master_of_another(self, sha256: str, record_id: str) -> str | None:
        """The code of another file whose master these bytes already are."""
        d, f = table_of(FileDigitization).c, table_of(FileRecord).c
        other = self.session.execute(
            select(f.agency_code, f.file_no, f.id)
            .join_from(table_of(FileDigitization), table_of(FileRecord), f.id == d.record_id)
            .where(d.master_sha256 == sha256, d.record_id != record_id)
            .limit(1)
        ).first()
        return f"{other.agency_code}/{other.file_no} ({other.id[:8]})" if other else None

    def finish(self, item: Delivered) -> None:
        """Write the item's report line and the run's counters with whatever the transaction holds
        (the master and its audit row when stored), and commit them together."""
        assert item.outcome is not None
        run = self.session.get(IngestRun, self.run_id)
        assert run is not None
        run.stored += item.outcome == IngestOutcome.STORED
        run.held += item.outcome == IngestOutcome.HELD
        run.refused += item.outcome == IngestOutcome.REFUSED
        if item.outcome == IngestOutcome.STORED:
            run.bytes_stored += item.size
        facts = item.facts
        self.session.add(
            IngestItem(
                run_id=self.run_id,
                n=item.n,
                name=item.name,
                outcome=item.outcome.value,
                reason=item.reason,
                detail=item.detail or None,
                record_id=item.record.id if item.record else None,
                sha256=item.sha256,
                size=item.size,
                pages=facts.pages if facts else None,
                min_ppi=facts.min_ppi if facts else None,
            )
        )
        self.session.add(run)
        self.session.commit()
        self.progress(item, run)


def _audit_run(session: Session, actor: Principal | None, run: IngestRun) -> None:
    """The run itself in the audit trail (who took in which delivery, with what result)."""
    audit(
        session,
        actor,
        "ingest_run",
        str(run.id),
        "ingest",
        detail={"source": run.source, "stored": run.stored, "held": run.held, "refused": run.refused},
    )
