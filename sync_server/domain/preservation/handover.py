"""Handovers of the digitized database by fonds / work / collection (*bàn giao cơ sở dữ liệu*).

A handover is recorded first (:func:`create_handover`): its number, day, recipient, the fonds and
their counts, the masters it holds, and its catalogue and JSON Lines copy (stored in the master
store, so every download of the package is the same bytes). A fonds with approved files that are
not accepted with a master is refused with the list of them, unless the handover is explicitly
partial (recorded as such, with how many files were left out).

Its package is a BagIt bag streamed as a tar (:func:`package`): ``<number>/data/…`` (the masters
named by file code, the catalogue, the JSON Lines), then ``manifest-sha256.txt``, ``bag-info.txt``,
``tagmanifest-sha256.txt`` and ``bagit.txt``. Everything in it is known before the first byte is
sent — hashes, sizes, tags — so its size is too; each master is re-hashed as it is sent (a master
that changed in the store breaks the stream and is logged as an ERROR), and the SHA-256 of the
whole tar is recorded the first time it is sent to the end (later downloads are checked against it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field, StringConstraints
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from common.errors import NotFound, Refused, ValidationFailed, field_error
from common.schemas import NoNul
from common.text import fold
from sync_server import __version__
from sync_server.auth import Principal
from sync_server.domain.audit import audit
from sync_server.domain.preservation import bag, tarstream
from sync_server.domain.preservation.content import CATALOGUE, JSON_LINES, Selection, find_fonds, select_files
from sync_server.domain.preservation.sets import require_staff
from sync_server.models import Fonds, Handover, HandoverItem, utcnow
from sync_server.storage.base import PhotoStore, StoredBlob

log = logging.getLogger("saoluu.handover")
CHUNK = 4 * 1024 * 1024
"""Bytes read from a master and sent at a time."""
HANDOVER_TITLE = "DANH MỤC HỒ SƠ SỐ HÓA BÀN GIAO"
NUMBER_PATTERN = r"^[0-9A-Za-zÀ-ỹĐđ][0-9A-Za-zÀ-ỹĐđ./_ -]*$"


class HandoverIn(NoNul):
    """A handover as staff record it."""

    fonds: Annotated[list[str], Field(min_length=1, max_length=500)]
    """Fonds, works or collections: ``AGENCY/NUMBER`` or their ids."""
    recipient: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    number: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=50, pattern=NUMBER_PATTERN)] | None
    ) = None
    """The handover's number (e.g. the minutes' "01/BB-TTLT"); None: ``BG-<year>-<n>``."""
    handed_on: dt.date | None = None
    """The day of the handover (default today)."""
    partial: bool = False
    """Hand over what is accepted and leave out the rest (recorded as partial)."""
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None


def plan(session: Session, principal: Principal | None, refs: list[str]) -> Selection:
    """What a handover of ``refs`` would hold and which files it lacks (nothing is recorded)."""
    require_staff(principal)
    return select_files(session, find_fonds(session, refs))


def _next_number(session: Session, day: dt.date) -> str:
    taken = set(
        session.execute(
            select(col(Handover.number)).where(col(Handover.number).like(f"BG-{day.year}-%"))
        ).scalars()
    )
    n = len(taken) + 1
    while f"BG-{day.year}-{n:03d}" in taken:
        n += 1
    return f"BG-{day.year}-{n:03d}"


def _store_metadata(session: Session, store: PhotoStore, fonds: list[Fonds]) -> tuple[StoredBlob, StoredBlob]:
    from sync_server.domain.preservation.metadata import write_metadata  # openpyxl: not to send a package

    with tempfile.TemporaryFile() as catalogue, tempfile.TemporaryFile() as lines:
        write_metadata(session, fonds, HANDOVER_TITLE, catalogue, lines)
        session.rollback()
        catalogue.seek(0)
        lines.seek(0)
        return store.put_file(catalogue), store.put_file(lines)


def _per_fonds(fonds: list[Fonds], selection: Selection) -> list[dict[str, Any]]:
    out = []
    for f in fonds:
        mine = [p for p in selection.packed if p.fonds_id == f.id]
        out.append(
            {
                "id": f.id,
                "agency_code": f.agency_code,
                "number": f.number,
                "name": f.name,
                "kind": f.kind,
                "files": len(mine),
                "documents": sum(p.documents or 0 for p in mine),
                "pages": sum(p.pages for p in mine),
                "bytes": sum(p.size for p in mine),
                "missing": sum(1 for m in selection.missing if m.fonds_id == f.id),
            }
        )
    return out


def create_handover(
    session: Session, store: PhotoStore, principal: Principal | None, data: HandoverIn
) -> Handover:
    """Record a handover of the accepted masters of ``data.fonds``; refused with the list of the
    files not accepted with a master unless ``data.partial``."""
    require_staff(principal)
    fonds = find_fonds(session, data.fonds)
    selection = select_files(session, fonds)
    selection.check_codes()
    if selection.missing and not data.partial:
        raise Refused("handover_incomplete", selection.missing_errors())
    if not selection.packed:
        raise ValidationFailed([field_error("fonds", "handover_empty")])
    day = data.handed_on or dt.date.today()
    number = data.number or _next_number(session, day)
    if session.execute(select(col(Handover.id)).where(col(Handover.number) == number)).first():
        raise ValidationFailed([field_error("number", "handover_number_taken", input=number)])
    catalogue, lines = _store_metadata(session, store, fonds)
    per_fonds = _per_fonds(fonds, selection)
    row = Handover(
        number=number,
        handed_on=day,
        recipient=data.recipient,
        note=data.note,
        partial=bool(selection.missing),
        fonds=per_fonds,
        files=len(selection.packed),
        documents=sum(f["documents"] for f in per_fonds),
        pages=sum(f["pages"] for f in per_fonds),
        bytes=sum(p.size for p in selection.packed),
        missing=len(selection.missing),
        catalogue_sha256=catalogue.sha256,
        catalogue_size=catalogue.size,
        metadata_sha256=lines.sha256,
        metadata_size=lines.size,
        created_by=principal.user_id if principal else None,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    session.add_all(
        HandoverItem(
            handover_id=row.id,
            record_id=p.record_id,
            sha256=p.sha256,
            path=p.path,
            size=p.size,
            pages=p.pages,
        )
        for p in selection.packed
    )
    detail = {"number": number, "files": row.files, "missing": row.missing, "partial": row.partial}
    audit(session, principal, "handover", str(row.id), "create", detail=detail)
    session.commit()
    session.refresh(row)
    return row


def get_handover(session: Session, handover_id: int) -> Handover:
    row = session.get(Handover, handover_id)
    if row is None:
        raise NotFound(details=[field_error("handover", "unknown_reference", input=str(handover_id))])
    return row


def list_handovers(session: Session, principal: Principal | None) -> list[Handover]:
    """Every handover, the latest first."""
    require_staff(principal)
    return list(session.execute(select(Handover).order_by(col(Handover.id).desc())).scalars())


@dataclass(frozen=True)
class _Member:
    name: str
    size: int
    sha256: str | None
    """Checked as it is sent (blobs of the store); None for tag files made here."""
    data: bytes | None = None


class PackageBroken(Exception):
    """A blob of the package did not hash to what it should while it was being sent."""


class Package:
    """The tar of one handover: its name and size are known before :meth:`chunks` sends it."""

    def __init__(self, engine: Engine, store: PhotoStore, row: Handover, members: list[_Member], root: str):
        self.engine, self.store, self.members, self.root = engine, store, members, root
        assert row.id is not None
        self.handover_id: int = row.id
        self.recorded = row.package_sha256
        self.mtime = row.created_at.timestamp()
        self.filename = f"{root}.tar"
        self.size = tarstream.archive_size(((f"{root}/{m.name}", m.size) for m in members), self.mtime)

    def chunks(self) -> Iterator[bytes]:
        """The tar, chunk by chunk; its SHA-256 is recorded (or checked) once it is all sent."""
        digest, written = hashlib.sha256(), 0
        for m in self.members:
            for chunk in self._member(m):
                digest.update(chunk)
                written += len(chunk)
                yield chunk
        tail = tarstream.end(written)
        digest.update(tail)
        yield tail
        self._record(digest.hexdigest(), written + len(tail))

    def _member(self, m: _Member) -> Iterator[bytes]:
        yield tarstream.header(f"{self.root}/{m.name}", m.size, self.mtime)
        if m.data is not None:
            yield m.data
        else:
            assert m.sha256 is not None
            yield from self._blob(m)
        yield tarstream.padding(m.size)

    def _blob(self, m: _Member) -> Iterator[bytes]:
        assert m.sha256 is not None
        digest, sent = hashlib.sha256(), 0
        with self.store.open(m.sha256) as source:
            while sent < m.size and (chunk := source.read(min(CHUNK, m.size - sent))):
                digest.update(chunk)
                sent += len(chunk)
                yield chunk
        if sent != m.size or digest.hexdigest() != m.sha256:
            log.error(
                "handover %s: %s (%s) changed in the store: run fixity", self.handover_id, m.name, m.sha256
            )
            raise PackageBroken(m.name)

    def _record(self, sha256: str, size: int) -> None:
        if self.recorded is not None:
            if self.recorded != sha256:
                log.error(
                    "handover %s: package now hashes to %s, %s recorded",
                    self.handover_id,
                    sha256,
                    self.recorded,
                )
            return
        with Session(self.engine) as session:
            row = session.get(Handover, self.handover_id)
            if row is None or row.package_sha256 is not None:
                return
            row.package_sha256, row.package_size, row.packaged_at = sha256, size, utcnow()
            session.add(row)
            audit(session, None, "handover", str(row.id), "package", detail={"sha256": sha256, "size": size})
            session.commit()


def bag_name(number: str) -> str:
    """The handover number as a folder name: ``01/BB-TTLT`` → ``01-BB-TTLT``."""
    ascii_ = "".join(c if c.isascii() else fold(c) for c in number)
    return re.sub(r"[^0-9A-Za-z._-]+", "-", ascii_).strip("-.") or "handover"


def _fields(organization: str, row: Handover) -> list[tuple[str, str]]:
    names = "; ".join(f"{f['agency_code']}/{f['number']} {f['name']}" for f in row.fonds)
    return [
        ("Source-Organization", organization),
        ("External-Identifier", row.number),
        ("External-Description", f"Bàn giao cơ sở dữ liệu tài liệu lưu trữ số hóa: {names}"),
        ("Internal-Sender-Identifier", f"saoluu-handover-{row.id}"),
        ("Bag-Software-Agent", f"SaoLuu {__version__}"),
        ("SaoLuu-Recipient", row.recipient),
        ("SaoLuu-Partial", "yes" if row.partial else "no"),
    ]


def package(
    session: Session,
    engine: Engine,
    store: PhotoStore,
    principal: Principal | None,
    handover_id: int,
    *,
    organization: str,
) -> Package:
    """The package of a recorded handover, ready to stream (``engine`` records its SHA-256 at the end)."""
    require_staff(principal)
    row = get_handover(session, handover_id)
    items = session.execute(
        select(col(HandoverItem.path), col(HandoverItem.sha256), col(HandoverItem.size))
        .where(col(HandoverItem.handover_id) == handover_id)
        .order_by(HandoverItem.path)
    ).all()
    payload = [bag.Entry(path, sha256, size) for path, sha256, size in items]
    payload.append(bag.Entry(f"{bag.PAYLOAD}/{CATALOGUE}", row.catalogue_sha256, row.catalogue_size))
    payload.append(bag.Entry(f"{bag.PAYLOAD}/{JSON_LINES}", row.metadata_sha256, row.metadata_size))
    members = [_Member(e.path, e.size, e.sha256) for e in payload]
    tags = bag.tag_files(payload, _fields(organization, row), row.handed_on)
    members += [_Member(name, len(data), None, data) for name, data in tags]
    session.expunge(row)
    return Package(engine, store, row, members, bag_name(row.number))
