"""A file's metadata after Circular 02/2019 (:mod:`common.circular02`): what the survey recorded,
what staff add (:class:`~sync_server.models.FileMetadata`), and what follows from both.

Staff facts live beside the synced record: editing them never changes the record's version and
never travels to tablets. Every change is in the audit trail (entity ``file_record``, action
``metadata``, the record's version before = after, the fields changed with their old values).

**The file code** (*Mã hồ sơ*) is, unless staff give one, made by :func:`file_code`: the code of
the agency holding the fonds (its electronic identifier, *mã định danh*: the same 13 characters
as the circular's *Mã cơ quan lưu trữ lịch sử*, and the archive centre's own code for its own
fonds), the fonds number, the inventory number — or, for a file without one, the year it was formed
(the year of its start date, else of its end date) — and the file number, joined by dots. Parts
other than the agency code are written in capitals without diacritics, every other character as
``-`` (``12/BC`` → ``12-BC``). ``000.00.01.H47.12.3.45`` is fonds 12, inventory 3, file 45 of agency
000.00.01.H47 — the dotted name the scan naming rule reads too.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints
from sqlmodel import Session

from common import circular02 as c02
from common.errors import Localized, NotAllowed, NotFound, field_error
from common.schemas import NoNul
from common.text import fold
from common.vocab import STAFF, Condition
from sync_server.auth import Principal
from sync_server.domain.audit import audit
from sync_server.domain.exports import wording
from sync_server.models import FileMetadata, FileRecord, Fonds, utcnow

_NOT_CODE = re.compile(r"[^0-9A-Z-]+")
CODE_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z._-]*$"
MAX_DOCUMENTS = 1_000_000


InfoSign = Annotated[str, StringConstraints(strip_whitespace=True, max_length=c02.INFO_SIGN.max_length)]
Keywords = Annotated[str, StringConstraints(strip_whitespace=True, max_length=c02.KEYWORDS.max_length)]
Annotation = Annotated[str, StringConstraints(strip_whitespace=True, max_length=c02.ANNOTATION.max_length)]
FileCode = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_upper=True, max_length=c02.FILE_CODE.max_length, pattern=CODE_PATTERN
    ),
]


class MetadataIn(NoNul):
    """What staff set (every field replaced; empty text or null clears it)."""

    file_code: FileCode | None = None
    """A code other than the rule's (capitals, digits, ``.``, ``-``, ``_``); null: the rule's."""
    info_sign: InfoSign | None = None
    keywords: Keywords | None = None
    documents: Annotated[int, Field(ge=0, le=MAX_DOCUMENTS)] | None = None
    annotation: Annotation | None = None


def code_part(text: str) -> str:
    """A part of a file code: capitals without diacritics, each run of other characters a ``-``."""
    return _NOT_CODE.sub("-", fold(text).upper()).strip("-")


def inventory_or_year(data: dict[str, Any]) -> str | None:
    """A file record's inventory number, or else the year it was formed (of its start, else end date)."""
    return data.get("inventory_no") or (data.get("start_date") or data.get("end_date") or "")[:4] or None


def file_code(agency_code: str, fonds_number: str, inventory_or_year: str | None, file_no: str) -> str:
    """The rule's file code (module docstring); a file with neither inventory number nor dates has
    three parts, as the scan naming rule writes a file without inventory number."""
    middle = code_part(inventory_or_year) if inventory_or_year else ""
    return ".".join(p for p in (agency_code, code_part(fonds_number), middle, code_part(file_no)) if p)


def condition(damages: list[dict[str, Any]] | None, lang: str = "vi") -> str:
    """The physical condition (*Tình trạng vật lý*) told by the damages recorded, in ``lang``."""
    return wording.damage_text(damages, lang) or Condition.SOUND.label(lang)


@dataclass(frozen=True)
class FileFacts:
    """What the circular's fields are made of for one file (a record, its fonds, staff metadata)."""

    agency_code: str
    fonds_number: str
    file_no: str
    title: str
    leaves: int | None
    pages: int | None
    data: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)
    """:class:`~sync_server.models.FileMetadata`'s columns, or empty."""

    @property
    def rule_code(self) -> str:
        return file_code(self.agency_code, self.fonds_number, inventory_or_year(self.data), self.file_no)

    @property
    def code(self) -> str:
        return self.meta.get("file_code") or self.rule_code

    def values(self) -> dict[c02.CircularField, Any]:
        """Every field of :data:`common.circular02.FIELDS` as the handover package writes it."""
        d, m = self.data, self.meta
        return {
            c02.FILE_CODE: self.code,
            c02.ARCHIVE_CODE: self.agency_code,
            c02.FONDS_CODE: self.fonds_number,
            c02.INVENTORY_OR_YEAR: inventory_or_year(d),
            c02.FILE_NUMBER: self.file_no,
            c02.TITLE: self.title,
            c02.RETENTION: wording.retention_text(d.get("retention"), d.get("retention_years")),
            c02.ACCESS: wording.label(wording.ACCESS, d.get("access")),
            c02.LANGUAGE: wording.languages_text(d.get("languages")),
            c02.START_DATE: d.get("start_date"),
            c02.END_DATE: d.get("end_date"),
            c02.DOCUMENTS: m.get("documents"),
            c02.ANNOTATION: m.get("annotation"),
            c02.INFO_SIGN: m.get("info_sign"),
            c02.KEYWORDS: m.get("keywords"),
            c02.LEAVES: self.leaves,
            c02.PAGES: self.pages,
            c02.CONDITION: condition(d.get("damages")),
        }


class MetadataView(BaseModel):
    """A file's metadata as a page or the API shows it."""

    record_id: str
    file_code: str
    rule_code: str
    """What the rule makes; ``file_code`` differs when staff gave one."""
    staff: dict[str, Any]
    """The staff fields (:data:`common.circular02.STAFF_FIELDS` keys); file_code None = the rule's."""
    condition: Localized
    values: dict[str, Any]
    """Every circular field by key, as the handover package writes it."""
    updated_at: dt.datetime | None = None
    updated_by: int | None = None


def _staff(principal: Principal) -> None:
    if principal.role not in STAFF:
        raise NotAllowed()


def _record(session: Session, record_id: str) -> tuple[FileRecord, Fonds | None]:
    record = session.get(FileRecord, record_id)
    if record is None or record.deleted:
        raise NotFound(details=[field_error("id", "unknown_reference", input=record_id)])
    return record, session.get(Fonds, record.fonds_id)


def _columns(row: FileMetadata | None) -> dict[str, Any]:
    return {f.key: getattr(row, f.key) for f in c02.STAFF_FIELDS} if row is not None else {}


def _view(record: FileRecord, fonds: Fonds | None, row: FileMetadata | None) -> MetadataView:
    staff = _columns(row)
    facts = FileFacts(
        record.agency_code,
        fonds.number if fonds else "",
        record.file_no,
        record.title,
        record.leaves,
        record.pages,
        record.data,
        staff,
    )
    damages = record.data.get("damages")
    return MetadataView(
        record_id=record.id,
        file_code=facts.code,
        rule_code=facts.rule_code,
        staff={f.key: staff.get(f.key) for f in c02.STAFF_FIELDS},
        condition=Localized(vi=condition(damages, "vi"), en=condition(damages, "en")),
        values={f.key: v for f, v in facts.values().items()},
        updated_at=row.updated_at if row else None,
        updated_by=row.updated_by if row else None,
    )


def read_metadata(session: Session, principal: Principal, record_id: str) -> MetadataView:
    """A live file's Circular 02/2019 metadata (staff only)."""
    _staff(principal)
    record, fonds = _record(session, record_id)
    return _view(record, fonds, session.get(FileMetadata, record_id))


def edit_metadata(session: Session, principal: Principal, record_id: str, data: MetadataIn) -> MetadataView:
    """Set a live file's staff metadata (every field replaced), with an audit row of what changed;
    the synced record and its version stay as they are."""
    _staff(principal)
    record, fonds = _record(session, record_id)
    existing = session.get(FileMetadata, record_id)
    row = existing or FileMetadata(record_id=record_id, agency_code=record.agency_code)
    wanted = {k: (v if v != "" else None) for k, v in data.model_dump().items()}
    before = _columns(row)
    changed = {k: before.get(k) for k, v in wanted.items() if before.get(k) != v}
    if changed:
        for key in changed:
            setattr(row, key, wanted[key])
        row.updated_at, row.updated_by = utcnow(), principal.user_id
        session.add(row)
        audit(
            session,
            principal,
            "file_record",
            record_id,
            "metadata",
            before=record.version,
            after=record.version,
            detail={"was": changed},
        )
        session.commit()
        session.refresh(row)
    return _view(record, fonds, row if changed or existing else None)
