"""Agencies as data: import the list from CSV or Excel, re-import updates in place.

A file with any bad row imports nothing: every problem is reported with its row number
(``rows[N].field``, N as the spreadsheet shows it, header = row 1).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

from common.errors import FieldError, NotFound, ValidationFailed, field_error, field_errors
from common.schemas import AgencyIn
from common.text import fold
from common.vocab import AgencyKind, AgencyStatus
from sync_server.auth import Principal
from sync_server.domain.audit import audit
from sync_server.domain.sequence import next_seq
from sync_server.models import Agency, Fonds, utcnow

COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("code", "ma", "ma_dinh_danh", "ma_co_quan"),
    "name": ("name", "ten", "ten_co_quan", "ten_co_quan_don_vi"),
    "kind": ("kind", "loai", "loai_co_quan"),
    "parent_code": ("parent_code", "parent", "ma_cap_tren", "cap_tren"),
    "in_deposit_list": ("in_deposit_list", "nguon_nop_luu", "thuoc_nguon_nop_luu"),
    "status": ("status", "trang_thai"),
    "successor_code": ("successor_code", "successor", "ma_tiep_nhan", "ma_ke_thua"),
}
REQUIRED = ("code", "name", "kind")
_TRUE = {"1", "true", "yes", "y", "x", "co"}
_FALSE = {"0", "false", "no", "n", "khong", ""}
FIELDS = tuple(COLUMNS)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _header_key(text: str) -> str:
    return fold(text).replace(" ", "_").replace("-", "_")


def _label_lookup(*vocabs: Iterable[Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for vocab in vocabs:
        for term in vocab:
            out[fold(term.value)] = term.value
            out[fold(term.vi)] = term.value
            out[fold(term.en)] = term.value
    return out


_KINDS = _label_lookup(AgencyKind)
_STATUSES = _label_lookup(AgencyStatus)


def read_table(filename: str, content: bytes) -> list[list[str]]:
    """Rows of cells (as text) from a CSV (UTF-8, comma or semicolon) or an .xlsx workbook."""
    try:
        if filename.lower().endswith((".xlsx", ".xlsm")):
            return list(_read_xlsx(content))
        text = content.decode("utf-8-sig")
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
        return [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]
    except (UnicodeDecodeError, csv.Error, ValueError, KeyError, OSError) as exc:
        raise ValidationFailed([field_error("file", "unreadable_file")]) from exc
    except Exception as exc:  # openpyxl raises assorted errors on non-xlsx bytes
        raise ValidationFailed([field_error("file", "unreadable_file")]) from exc


def _read_xlsx(content: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        for row in wb.worksheets[0].iter_rows(values_only=True):
            cells = ["" if v is None else str(v).strip() for v in row]
            if any(cells):
                yield cells
    finally:
        wb.close()


def _to_bool(value: str) -> bool | str:
    key = fold(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    return value  # left for pydantic to refuse


def parse_rows(table: list[list[str]]) -> tuple[list[tuple[int, AgencyIn]], list[FieldError]]:
    """Validate every row; returns the good rows with their row numbers and all errors."""
    if not table:
        return [], [field_error("file", "missing")]
    header = [_header_key(h) for h in table[0]]
    index: dict[str, int] = {}
    for name, aliases in COLUMNS.items():
        for i, h in enumerate(header):
            if h in aliases:
                index[name] = i
                break
    missing = [name for name in REQUIRED if name not in index]
    if missing:
        return [], [field_error("file", "unknown_column", input=name) for name in missing]

    good: list[tuple[int, AgencyIn]] = []
    errors: list[FieldError] = []
    for rownum, cells in enumerate(table[1:], start=2):
        raw = {name: (cells[i].strip() if i < len(cells) else "") for name, i in index.items()}
        data: dict[str, Any] = {k: v for k, v in raw.items() if v != ""}
        if "kind" in data:
            data["kind"] = _KINDS.get(fold(data["kind"]), data["kind"])
        if "status" in data:
            data["status"] = _STATUSES.get(fold(data["status"]), data["status"])
        if "in_deposit_list" in raw:
            data["in_deposit_list"] = _to_bool(raw["in_deposit_list"])
        try:
            good.append((rownum, AgencyIn.model_validate(data)))
        except ValidationError as exc:
            for err in field_errors(exc):
                errors.append(err.model_copy(update={"field": f"rows[{rownum}].{err.field}"}))
    return good, errors


def _cross_check(session: Session, rows: list[tuple[int, AgencyIn]]) -> list[FieldError]:
    errors: list[FieldError] = []
    by_code: dict[str, list[int]] = {}
    for rownum, agency in rows:
        by_code.setdefault(agency.code, []).append(rownum)
    for code, nums in by_code.items():
        if len(nums) > 1:
            for n in nums:
                errors.append(
                    field_error(
                        f"rows[{n}].code", "duplicate_code", input=code, rows=", ".join(map(str, nums))
                    )
                )
    known = set(by_code) | set(session.exec(select(Agency.code)).all())
    for rownum, agency in rows:
        for field in ("parent_code", "successor_code"):
            ref = getattr(agency, field)
            if ref and ref not in known:
                errors.append(field_error(f"rows[{rownum}].{field}", "unknown_agency", input=ref))
    parents = {a.code: a.parent_code for _, a in rows}
    for rownum, agency in rows:
        seen = {agency.code}
        cur = parents.get(agency.code)
        while cur is not None:
            if cur in seen:
                errors.append(field_error(f"rows[{rownum}].parent_code", "cycle"))
                break
            seen.add(cur)
            cur = parents.get(cur)
    return errors


def upsert_agencies(
    session: Session, actor: Principal | None, agencies: list[AgencyIn], source: str = "import"
) -> ImportResult:
    """Insert new agencies and update changed ones in place (with audit rows); no commit."""
    result = ImportResult()
    existing = {a.code: a for a in session.exec(select(Agency)).all()}
    changed: list[tuple[Agency, dict[str, Any] | None]] = []
    for agency in agencies:
        values = agency.model_dump(mode="json")
        row = existing.get(agency.code)
        if row is None:
            row = Agency(**values)
            changed.append((row, None))
            result.created += 1
        else:
            before = {f: getattr(row, f) for f in FIELDS}
            if before == values:
                result.unchanged += 1
                continue
            for key, value in values.items():
                setattr(row, key, value)
            changed.append((row, before))
            result.updated += 1
    if changed:
        last = next_seq(session, len(changed))
        for offset, (row, prior) in enumerate(changed):
            row.seq = last - len(changed) + 1 + offset
            row.updated_at = utcnow()
            session.add(row)
            audit(
                session,
                actor,
                "agency",
                row.code,
                "create" if prior is None else "update",
                detail={"source": source, "before": prior, "after": {f: getattr(row, f) for f in FIELDS}},
            )
    return result


def import_agencies(session: Session, actor: Principal | None, filename: str, content: bytes) -> ImportResult:
    """Validate the whole file, then import all of it in one transaction (or nothing)."""
    rows, errors = parse_rows(read_table(filename, content))
    errors += _cross_check(session, rows)
    if errors:
        raise ValidationFailed(errors)
    result = upsert_agencies(session, actor, [a for _, a in rows])
    session.commit()
    return result


def get_agency(session: Session, code: str) -> Agency:
    agency = session.get(Agency, code.strip().upper())
    if agency is None:
        raise NotFound()
    return agency


def list_agencies(
    session: Session, scope: frozenset[str] | None = None, *, by_name: bool = False
) -> list[Agency]:
    """The agencies in ``scope`` (every agency when None), by code or by name."""
    query = select(Agency).order_by(col(Agency.name) if by_name else col(Agency.code))
    if scope is not None:
        query = query.where(col(Agency.code).in_(sorted(scope)))
    return list(session.exec(query).all())


def fonds_of(session: Session, agency_codes: Iterable[str]) -> dict[str, list[Fonds]]:
    """The live fonds of each of the agencies (that has any), by number."""
    query = select(Fonds).where(
        col(Fonds.agency_code).in_(sorted(agency_codes)), col(Fonds.deleted).is_(False)
    )
    out: dict[str, list[Fonds]] = {}
    for fonds in session.exec(query.order_by(col(Fonds.number))).all():
        out.setdefault(fonds.agency_code, []).append(fonds)
    return out
