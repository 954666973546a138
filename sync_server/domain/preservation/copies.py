"""``write-copy``: the accepted masters of some fonds written to a copy set as a BagIt bag in a folder.

The bag is written in one pass: each master is read from the master store, hashed and written at
once (a second thread writes while the next chunk is read and hashed; its fsync runs while the next
master is copied); a master whose bytes do not hash to its SHA-256 stops the copy (run ``fixity``).
Then the catalogue and its JSON Lines copy, then the tag files, ``bagit.txt`` last, each fsynced,
then the folders. Which masters are on which set is recorded as they are written (``copyitem``);
the copy is ``running`` until it is ``written`` (or ``failed``): a copy interrupted midway stays
``running`` and has no ``bagit.txt``, and ``verify-copy`` reports it incomplete.

bagit's own ``make_bag`` is not used to write: it bags files already in place, reading and hashing
every one again after the copy; ``bagit`` validates what this writes (``verify-copy``, the tests).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from common.errors import ValidationFailed, field_error
from common.vocab import CopyMedium, CopyState
from sync_server import __version__
from sync_server.auth import Principal
from sync_server.domain.audit import audit
from sync_server.domain.preservation import bag
from sync_server.domain.preservation.content import (
    CATALOGUE,
    JSON_LINES,
    Packed,
    find_fonds,
    fonds_with_masters,
    select_files,
)
from sync_server.domain.preservation.metadata import write_metadata
from sync_server.domain.preservation.sets import get_set, require_staff
from sync_server.models import CopyItem, CopySet, CopyWrite, Fonds, utcnow
from sync_server.storage.base import PhotoStore, StorageUnavailable, sha256_of
from sync_server.storage.local import copy_to_fd, fsync_dir

log = logging.getLogger("saoluu.copies")
ITEMS_PER_COMMIT = 100
FSYNC_PENDING = 4
"""Copied masters whose fsync may still be running while the next ones are copied."""
COPY_TITLE = "DANH MỤC HỒ SƠ SỐ HÓA TRONG BẢN SAO BẢO HIỂM"


@dataclass(frozen=True)
class Step:
    """Progress of a copy: ``done`` of ``total`` masters and bytes, the one just written."""

    done: int
    total: int
    bytes_done: int
    bytes_total: int
    path: str


Progress = Callable[[Step], None]


class CopyBroken(Exception):
    """The copy cannot go on (a master missing or changed in the store, the target unwritable)."""


def write_copy(
    session: Session,
    store: PhotoStore,
    principal: Principal | None,
    set_number: int,
    fonds_refs: list[str],
    target: Path,
    *,
    organization: str,
    progress: Progress | None = None,
) -> CopyWrite:
    """Write the accepted masters of ``fonds_refs`` (every fonds holding one if empty) to the set
    numbered ``set_number`` as a bag in the empty or new folder ``target``; returns the copy,
    ``written`` or ``failed`` (with its ``error``)."""
    require_staff(principal)
    copy_set = get_set(session, set_number)
    fonds = find_fonds(session, fonds_refs) if fonds_refs else fonds_with_masters(session)
    selection = select_files(session, fonds)
    selection.check_codes()
    if not selection.packed:
        raise ValidationFailed([field_error("fonds", "copy_nothing")])
    target = target.resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ValidationFailed([field_error("dir", "copy_target_not_empty", input=str(target))])
    target.mkdir(parents=True, exist_ok=True)
    assert copy_set.id is not None
    row = CopyWrite(
        set_id=copy_set.id,
        target=str(target)[:1000],
        fonds=[f.id for f in fonds],
        state=CopyState.RUNNING.value,
        user_id=principal.user_id if principal else None,
    )
    session.add(row)
    session.flush()
    total = sum(p.size for p in selection.packed)
    detail = {"set": set_number, "target": row.target, "files": len(selection.packed), "bytes": total}
    audit(session, principal, "copy_write", str(row.id), "write:start", detail=detail)
    session.commit()
    writer = _Writer(session, store, row, target, progress or (lambda step: None))
    try:
        payload = writer.masters(selection.packed)
        payload += writer.metadata(fonds)
        fields = _fields(organization, copy_set, row)
        writer.tags(bag.tag_files(payload, fields, utcnow().date()))
    except (CopyBroken, OSError, StorageUnavailable) as exc:
        session.rollback()
        log.error("copy %s to set %s in %s failed: %s", row.id, set_number, target, exc)
        return _finish(session, principal, row, CopyState.FAILED, str(exc)[:2000])
    return _finish(session, principal, row, CopyState.WRITTEN, None)


def _fields(organization: str, copy_set: CopySet, row: CopyWrite) -> list[tuple[str, str]]:
    medium = (
        CopyMedium(copy_set.medium).vi
        if copy_set.medium in CopyMedium._value2member_map_
        else copy_set.medium
    )
    return [
        ("Source-Organization", organization),
        ("External-Identifier", f"saoluu-copy-{row.id}"),
        ("Bag-Group-Identifier", copy_set.name),
        ("Internal-Sender-Description", f"Bộ sao {copy_set.number}: {medium}, {copy_set.location}"),
        ("Bag-Software-Agent", f"SaoLuu {__version__}"),
        ("SaoLuu-Copy-Set", str(copy_set.number)),
        ("SaoLuu-Copy-Write", str(row.id)),
    ]


def _finish(
    session: Session, principal: Principal | None, row: CopyWrite, state: CopyState, error: str | None
) -> CopyWrite:
    row = session.get(CopyWrite, row.id) or row
    row.state, row.error, row.finished_at = state.value, error, utcnow()
    session.add(row)
    action = "write" if state == CopyState.WRITTEN else "write:failed"
    audit(session, principal, "copy_write", str(row.id), action, detail={"files": row.files, "error": error})
    session.commit()
    session.refresh(row)
    return row


class _Writer:
    """The steps of one copy into its folder."""

    def __init__(self, session: Session, store: PhotoStore, row: CopyWrite, target: Path, progress: Progress):
        self.session, self.store, self.row, self.target, self.progress = session, store, row, target, progress
        assert row.id is not None
        self.write_id: int = row.id
        self.folders: set[Path] = {target}

    def _folder(self, path: Path) -> None:
        if path.parent not in self.folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(path.parent)

    def masters(self, packed: list[Packed]) -> list[bag.Entry]:
        """Copy every master, recording each in the database as it is durable."""
        total = sum(p.size for p in packed)
        done_bytes = 0
        pending: list[tuple[Future[None], Packed]] = []
        batch: list[Packed] = []
        with ThreadPoolExecutor(1, thread_name_prefix="copy-fsync") as syncer:
            for n, p in enumerate(packed, 1):
                dest = self.target / p.path
                self._folder(dest)
                fd = self._copy(p, dest)
                pending.append((syncer.submit(_sync_close, fd), p))
                while len(pending) > FSYNC_PENDING or (pending and n == len(packed)):
                    future, synced = pending.pop(0)
                    future.result()
                    batch.append(synced)
                if len(batch) >= ITEMS_PER_COMMIT or n == len(packed):
                    self._record(batch)
                    batch = []
                done_bytes += p.size
                self.progress(Step(n, len(packed), done_bytes, total, p.path))
        return [bag.Entry(p.path, p.sha256, p.size) for p in packed]

    def _copy(self, p: Packed, dest: Path) -> int:
        """Copy one master into ``dest``; returns the open file (to be fsynced and closed)."""
        try:
            source = self.store.open(p.sha256)
        except FileNotFoundError:
            raise CopyBroken(f"master {p.sha256} ({p.code}) is missing from the store") from None
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            with source:
                sha256, size = copy_to_fd(source, fd)
        except BaseException:
            os.close(fd)
            raise
        if (sha256, size) != (p.sha256, p.size):
            os.close(fd)
            raise CopyBroken(f"master {p.sha256} ({p.code}) in the store hashes to {sha256}: run fixity")
        return fd

    def _record(self, batch: list[Packed]) -> None:
        self.session.add_all(
            CopyItem(write_id=self.write_id, sha256=p.sha256, record_id=p.record_id, path=p.path, size=p.size)
            for p in batch
        )
        row = self.session.get(CopyWrite, self.write_id)
        assert row is not None
        row.files += len(batch)
        row.bytes += sum(p.size for p in batch)
        self.session.add(row)
        self.session.commit()

    def metadata(self, fonds: list[Fonds]) -> list[bag.Entry]:
        """The catalogue and its JSON Lines copy, written and fsynced, then hashed."""
        paths = [self.target / bag.PAYLOAD / CATALOGUE, self.target / bag.PAYLOAD / JSON_LINES]
        with open(paths[0], "xb") as catalogue, open(paths[1], "xb") as lines:
            write_metadata(self.session, fonds, COPY_TITLE, catalogue, lines)
            for fh in (catalogue, lines):
                fh.flush()
                os.fsync(fh.fileno())
        self.session.rollback()
        entries = []
        for path in paths:
            with open(path, "rb", buffering=0) as raw:
                sha256, size = sha256_of(raw)
            entries.append(bag.Entry(path.relative_to(self.target).as_posix(), sha256, size))
        return entries

    def tags(self, files: list[tuple[str, bytes]]) -> None:
        """The tag files in order, each durable before the next; then every folder."""
        for folder in sorted(self.folders, key=lambda p: len(p.parts), reverse=True):
            fsync_dir(folder)
        for name, data in files:
            with open(self.target / name, "xb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            fsync_dir(self.target)


def _sync_close(fd: int) -> None:
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
