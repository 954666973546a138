"""What a copy or a handover holds: the approved files of some fonds, each accepted master named by
its file code, and the files still missing (not accepted, or accepted without a master held).

A package's payload is ``data/<agency>.<fonds>/<file code>.pdf`` per master, then the catalogue and
its JSON Lines copy (:mod:`.metadata`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlmodel import Session, col

from common.errors import FieldError, ValidationFailed, field_error
from common.tables import table_of
from common.vocab import DigitizationState, ReviewState
from sync_server.domain.exports.tables import archival_order, natural
from sync_server.domain.file_metadata import FileFacts, code_part
from sync_server.domain.preservation.bag import PAYLOAD
from sync_server.models import FileDigitization, FileMetadata, FileRecord, Fonds, ScanMaster

CATALOGUE = "danh-muc-ho-so.xlsx"
"""The catalogue in a package's payload (:mod:`.metadata` writes it)."""
JSON_LINES = "ho-so.jsonl"
"""The catalogue's JSON Lines copy in a package's payload."""
MAX_LISTED = 1000
"""At most this many problems are listed in one refusal (the count says how many there are)."""


def find_fonds(session: Session, refs: Sequence[str]) -> list[Fonds]:
    """Live fonds named ``AGENCY/NUMBER`` (``000.00.01.H47/12``) or by id; unknown ones refused."""
    found: dict[str, Fonds] = {}
    errors = []
    for ref in refs:
        fonds = _one_fonds(session, ref.strip())
        if fonds is None:
            errors.append(field_error("fonds", "unknown_reference", input=ref[:80]))
        else:
            found.setdefault(fonds.id, fonds)
    if errors:
        raise ValidationFailed(errors)
    return list(found.values())


def _one_fonds(session: Session, ref: str) -> Fonds | None:
    live = select(Fonds).where(col(Fonds.deleted).is_(False))
    try:
        return session.execute(live.where(col(Fonds.id) == str(uuid.UUID(ref)))).scalars().first()
    except ValueError:
        pass
    agency, _, number = ref.rpartition("/")
    rows = session.execute(live.where(col(Fonds.agency_code) == agency.upper())).scalars()
    wanted = code_part(number)
    return next((f for f in rows if code_part(f.number) == wanted), None)


def fonds_with_masters(session: Session) -> list[Fonds]:
    """Every live fonds holding at least one accepted master (a copy of everything)."""
    f, d = table_of(FileRecord).c, table_of(FileDigitization).c
    ids = (
        select(f.fonds_id)
        .join_from(table_of(FileRecord), table_of(FileDigitization), d.record_id == f.id)
        .where(
            f.deleted.is_(False), d.state == DigitizationState.ACCEPTED.value, d.master_sha256.is_not(None)
        )
        .distinct()
    )
    query = select(Fonds).where(col(Fonds.id).in_(ids), col(Fonds.deleted).is_(False))
    return list(session.execute(query.order_by(Fonds.agency_code, Fonds.number)).scalars())


def fonds_folder(fonds: Fonds) -> str:
    return f"{fonds.agency_code}.{code_part(fonds.number)}"


@dataclass(frozen=True)
class Packed:
    """An accepted master in the package."""

    record_id: str
    fonds_id: str
    code: str
    path: str
    sha256: str
    size: int
    pages: int
    documents: int | None


@dataclass(frozen=True)
class Missing:
    """An approved file of the fonds that cannot be packed: its state (None: not in digitization)."""

    record_id: str
    fonds_id: str
    code: str
    state: str | None


@dataclass
class Selection:
    """The fonds asked for, their masters to pack and their files missing, in archival order."""

    fonds: list[Fonds]
    packed: list[Packed] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)

    def duplicates(self) -> dict[str, int]:
        """File codes more than one packed file has (their names would collide)."""
        seen: dict[str, int] = {}
        for p in self.packed:
            seen[p.path] = seen.get(p.path, 0) + 1
        return {path.rsplit("/", 1)[-1][: -len(".pdf")]: n for path, n in seen.items() if n > 1}

    def check_codes(self) -> None:
        """Refuse a selection in which two files have the same file code."""
        dupes = self.duplicates()
        if dupes:
            raise ValidationFailed(
                [
                    field_error(code, "duplicate_file_code", input=code, n=n)
                    for code, n in list(dupes.items())[:MAX_LISTED]
                ]
            )

    def missing_errors(self) -> list[FieldError]:
        """One error per missing file (at most :data:`MAX_LISTED`, then how many more)."""
        out = []
        for m in self.missing[:MAX_LISTED]:
            if m.state == DigitizationState.ACCEPTED.value:
                out.append(field_error(m.code, "handover_no_master", input=m.code))
            else:
                state = DigitizationState(m.state).vi if m.state else "chưa số hóa"
                out.append(field_error(m.code, "handover_not_accepted", input=m.code, state=state))
        if len(self.missing) > MAX_LISTED:
            out.append(field_error("files", "handover_more_missing", n=len(self.missing) - MAX_LISTED))
        return out


def _rows_query(fonds_ids: list[str]) -> Select[Any]:
    f, fo = table_of(FileRecord).c, table_of(Fonds).c
    d, m, md = table_of(FileDigitization).c, table_of(ScanMaster).c, table_of(FileMetadata).c
    return (
        select(
            f.id,
            f.agency_code,
            f.fonds_id,
            fo.number,
            f.file_no,
            f.title,
            f.leaves,
            f.pages,
            f.data,
            d.state,
            d.master_sha256,
            m.size,
            m.pages.label("master_pages"),
            *(md[k] for k in ("file_code", "info_sign", "keywords", "documents", "annotation")),
        )
        .select_from(
            table_of(FileRecord)
            .join(table_of(Fonds), fo.id == f.fonds_id)
            .outerjoin(table_of(FileDigitization), d.record_id == f.id)
            .outerjoin(table_of(ScanMaster), m.sha256 == d.master_sha256)
            .outerjoin(table_of(FileMetadata), md.record_id == f.id)
        )
        .where(
            col(f.fonds_id).in_(fonds_ids),
            f.deleted.is_(False),
            f.review_state == ReviewState.APPROVED.value,
        )
        .order_by(*archival_order(f, fo))
    )


@dataclass(frozen=True)
class FileRow:
    """One approved file of the selection: its facts for the circular's fields, and its master."""

    record_id: str
    fonds_id: str
    facts: FileFacts
    state: str | None
    sha256: str | None
    size: int | None
    master_pages: int | None

    @property
    def packable(self) -> bool:
        return self.state == DigitizationState.ACCEPTED.value and self.sha256 is not None


def file_rows(session: Session, fonds: Sequence[Fonds]) -> Iterator[FileRow]:
    """The approved files of ``fonds``, streamed (memory stays flat however many there are)."""
    query = _rows_query([f.id for f in fonds])
    result = session.execute(query, execution_options={"yield_per": 500})
    for r in result:
        meta = {"file_code": r.file_code, "info_sign": r.info_sign, "keywords": r.keywords}
        meta |= {"documents": r.documents, "annotation": r.annotation}
        facts = FileFacts(r.agency_code, r.number, r.file_no, r.title, r.leaves, r.pages, r.data or {}, meta)
        yield FileRow(r.id, r.fonds_id, facts, r.state, r.master_sha256, r.size, r.master_pages)


def packed(row: FileRow, folders: dict[str, str]) -> Packed | None:
    """The row's master as the package names it, or None if it has none accepted."""
    if not row.packable:
        return None
    assert row.sha256 is not None and row.size is not None
    code = row.facts.code
    path = f"{PAYLOAD}/{folders[row.fonds_id]}/{code}.pdf"
    documents = row.facts.meta.get("documents")
    return Packed(
        row.record_id, row.fonds_id, code, path, row.sha256, row.size, row.master_pages or 0, documents
    )


def folders_of(fonds: Sequence[Fonds]) -> dict[str, str]:
    return {f.id: fonds_folder(f) for f in fonds}


def select_files(session: Session, fonds: Sequence[Fonds]) -> Selection:
    """Which masters of ``fonds`` a package holds and which approved files it lacks, by file code."""
    folders = folders_of(fonds)
    selection = Selection(list(fonds))
    for row in file_rows(session, fonds):
        item = packed(row, folders)
        if item is not None:
            selection.packed.append(item)
        else:
            selection.missing.append(Missing(row.record_id, row.fonds_id, row.facts.code, row.state))
    selection.packed.sort(key=lambda p: p.path)
    selection.missing.sort(key=lambda m: m.code)
    return selection


@dataclass(frozen=True)
class FondsReady:
    """A live fonds with approved files: how many, and how many are accepted with a master."""

    id: str
    agency_code: str
    number: str
    name: str
    kind: str
    approved: int
    ready: int


def fonds_with_approved(session: Session) -> list[FondsReady]:
    """Every live fonds (work, collection) holding approved files, what a handover may be chosen from."""
    f, fo, d = table_of(FileRecord).c, table_of(Fonds).c, table_of(FileDigitization).c
    ready = case(
        (and_(d.state == DigitizationState.ACCEPTED.value, d.master_sha256.is_not(None)), 1), else_=0
    )
    query = (
        select(fo.id, fo.agency_code, fo.number, fo.name, fo.kind, func.count(), func.sum(ready))
        .select_from(
            table_of(FileRecord)
            .join(table_of(Fonds), fo.id == f.fonds_id)
            .outerjoin(table_of(FileDigitization), d.record_id == f.id)
        )
        .where(f.deleted.is_(False), fo.deleted.is_(False), f.review_state == ReviewState.APPROVED.value)
        .group_by(fo.id, fo.agency_code, fo.number, fo.name, fo.kind)
        .order_by(fo.agency_code, *natural(fo.number))
    )
    return [
        FondsReady(i, a, n, name, k, int(c), int(r or 0)) for i, a, n, name, k, c, r in session.execute(query)
    ]
