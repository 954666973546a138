"""The naming rule: which file record a delivered PDF is the master of.

A PDF is named by its file's code — agency code, fonds number, inventory number (when the file has
one) and file number — as folders, as a dotted name, or both::

    000.00.01.H47/12/3/45.pdf      000.00.01.H47/12/3.45.pdf      000.00.01.H47.12.3.45.pdf
    000.00.01.H47/12/45.pdf        (a file without inventory number)

Folders above the agency's are allowed (``giao-nop-2027-03/000.00.01.H47/12/3/45.pdf``). Letters
are compared in capitals and numbers without leading zeros (``0045`` is ``45``); a ``/``, ``\\`` or
``.`` inside a file number is written ``-`` (``12/BC`` as ``12-BC``). Agency codes hold dots too,
so a name is read every way the rule allows: it must then match exactly one live file record, or it
is refused as matching none or several.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlalchemy import select
from sqlmodel import Session, col

from common.tables import table_of
from sync_server.models import Agency, FileRecord, Fonds

PDF_SUFFIX = ".pdf"


@dataclass(frozen=True)
class FileKey:
    """A file's code in the form names are compared in."""

    agency: str
    fonds: str
    inventory: str
    file: str


@dataclass(frozen=True)
class Indexed:
    """A live file record a name can match."""

    id: str
    agency_code: str
    code: str
    """``agency/fonds/inventory/file`` as recorded, for people to read."""
    review_state: str
    pages: int | None


def number(text: str) -> str:
    """A fonds, inventory or file number as names are compared."""
    token = text.strip().upper()
    for char in "/\\.":
        token = token.replace(char, "-")
    return str(int(token)) if token.isdigit() else token


def _inventory(text: str | None) -> str:
    return number(text) if text else ""


def tokens(name: str) -> list[str]:
    """The parts of a delivered file's path relative to the delivery folder, without ``.pdf``."""
    path = PurePosixPath(name)
    parts = [*path.parent.parts, path.name[: -len(PDF_SUFFIX)]]
    return [t for part in parts for t in part.split(".")]


def candidate_keys(name: str, agencies: set[str]) -> list[FileKey]:
    """Every way the rule can read ``name`` with an agency code of ``agencies``."""
    parts = tokens(name)
    keys = []
    for with_inventory in (True, False):
        tail = 3 if with_inventory else 2
        if len(parts) < tail + 1:
            continue
        fonds, file = parts[-tail], parts[-1]
        inventory = parts[-2] if with_inventory else ""
        for start in range(len(parts) - tail):
            agency = ".".join(parts[start : len(parts) - tail]).upper()
            if agency in agencies:
                keys.append(FileKey(agency, number(fonds), _inventory(inventory), number(file)))
    return keys


def agencies_named(names: Iterable[str], known: set[str]) -> set[str]:
    """The agency codes of ``known`` that some name can be read with."""
    found: set[str] = set()
    for name in names:
        found.update(k.agency for k in candidate_keys(name, known))
    return found


class RecordIndex:
    """Live file records of some agencies by their key, read once for a whole delivery."""

    def __init__(self, session: Session, names: Iterable[str]) -> None:
        self.agencies = set(session.execute(select(col(Agency.code))).scalars())
        wanted = agencies_named(names, self.agencies)
        self.by_key: dict[FileKey, list[Indexed]] = {}
        f, fo = table_of(FileRecord).c, table_of(Fonds).c
        rows = session.execute(
            select(f.id, f.agency_code, fo.number, f.data["inventory_no"].as_string(), f.file_no)
            .add_columns(f.review_state, f.pages)
            .join_from(table_of(FileRecord), table_of(Fonds), fo.id == f.fonds_id)
            .where(col(f.agency_code).in_(wanted), f.deleted.is_(False))
        )
        for rid, agency, fonds, inventory, file_no, state, pages in rows:
            key = FileKey(agency, number(fonds), _inventory(inventory), number(file_no))
            code = "/".join(p for p in (agency, fonds, inventory, file_no) if p)
            self.by_key.setdefault(key, []).append(Indexed(rid, agency, code, state, pages))

    def match(self, name: str) -> list[Indexed]:
        """The distinct records ``name`` can be read as (the rule wants exactly one)."""
        found: dict[str, Indexed] = {}
        for key in candidate_keys(name, self.agencies):
            for record in self.by_key.get(key, []):
                found.setdefault(record.id, record)
        return list(found.values())
