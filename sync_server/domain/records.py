"""Synced records: validation with the shared schemas, agency scope, references, storage, audit.

Each entity kind maps a shared schema (``common.schemas``) to its table and the typed columns
kept beside the canonical ``data`` for queries. Every write goes through
:mod:`sync_server.domain.ingest`, so a record is stored the same way whichever path it came by.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlmodel import Session, col, select

from common import schemas as s
from common.errors import NotAllowed, NotFound, ValidationFailed, field_error, field_errors
from common.text import fold
from common.vocab import STAFF, ReviewState, Role
from sync_server.auth import Principal
from sync_server.models import (
    Box,
    FileRecord,
    Fonds,
    NilReport,
    ReviewComment,
    SyncedRow,
    Visit,
)

FIELD_ROLES = frozenset({Role.ADMIN, Role.SURVEYOR, Role.AGENCY_HEAD})


@dataclass(frozen=True)
class EntityKind:
    """How one kind of synced record is validated, stored and who may write it."""

    name: str
    schema: type[s.Schema]
    table: type[SyncedRow]
    columns: Callable[[Any], dict[str, Any]]
    write_roles: frozenset[Role] = FIELD_ROLES


def _visit_cols(v: s.Visit) -> dict[str, Any]:
    return {"campaign_id": _str(v.campaign_id), "started_at": v.started_at}


def _fonds_cols(f: s.Fonds) -> dict[str, Any]:
    return {"number": f.number, "name": f.name, "kind": f.kind.value}


def _box_cols(b: s.Box) -> dict[str, Any]:
    return {"fonds_id": str(b.fonds_id), "code": b.code}


def _file_cols(r: s.FileRecord) -> dict[str, Any]:
    return {
        "campaign_id": _str(r.campaign_id),
        "fonds_id": str(r.fonds_id),
        "box_id": _str(r.box_id),
        "file_no": r.file_no,
        "title": r.title,
        "title_folded": fold(r.title),
        "carrier": r.carrier.value,
        "criteria": ",".join(sorted(c.value for c in r.criteria)),
        "conservation": r.conservation_first,
        "leaves": r.leaves,
        "pages": r.pages,
        "max_severity": r.max_severity,
        "review_state": ReviewState.PENDING.value,  # a new or corrected record goes (back) to review
    }


def _nil_cols(n: s.NilReport) -> dict[str, Any]:
    return {
        "campaign_id": _str(n.campaign_id),
        "doc_number": n.doc_number,
        "doc_date": n.doc_date,
        "review_state": ReviewState.PENDING.value,
    }


def _comment_cols(c: s.ReviewComment) -> dict[str, Any]:
    return {"entity_type": c.entity_type, "entity_id": str(c.entity_id), "state": c.state.value}


def _str(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None


KINDS: dict[str, EntityKind] = {
    k.name: k
    for k in (
        EntityKind("visit", s.Visit, Visit, _visit_cols),
        EntityKind("fonds", s.Fonds, Fonds, _fonds_cols),
        EntityKind("box", s.Box, Box, _box_cols),
        EntityKind("file_record", s.FileRecord, FileRecord, _file_cols),
        EntityKind("nil_report", s.NilReport, NilReport, _nil_cols),
        EntityKind("review_comment", s.ReviewComment, ReviewComment, _comment_cols, STAFF),
    )
}


class RecordOut(BaseModel):
    """A stored record as the API returns it."""

    id: str
    type: str
    agency_code: str
    version: int
    rev: int
    deleted: bool
    review_state: str | None = None
    conflicted: bool = False
    data: dict[str, Any]


def entity_kind(name: str) -> EntityKind:
    kind = KINDS.get(name)
    if kind is None:
        raise NotFound(details=[field_error("type", "not_in_vocab", input=name)])
    return kind


Pushed = s.Visit | s.Fonds | s.Box | s.FileRecord | s.NilReport
"""A record of a kind devices push (:data:`common.protocol.SYNCED_TYPES`): it has an id and an agency."""


def pushed(obj: s.Schema) -> Pushed:
    """``obj``, validated by the schema of a kind devices push, typed as such."""
    assert isinstance(obj, Pushed), f"{type(obj).__name__} is not a kind devices push"
    return obj


def validate(kind: EntityKind, payload: Any) -> s.Schema:
    """The shared schema's validation; raises :class:`ValidationFailed` with field errors."""
    try:
        return kind.schema.model_validate(payload)
    except ValidationError as exc:
        raise ValidationFailed(field_errors(exc)) from None


def authorize_write(principal: Principal, kind: EntityKind, agency_code: str) -> None:
    if principal.role not in kind.write_roles:
        raise NotAllowed()
    principal.require_agency(agency_code)


def get_record(session: Session, principal: Principal, kind_name: str, record_id: str) -> SyncedRow:
    """A record the principal may read; another agency's record is reported as not found."""
    kind = entity_kind(kind_name)
    row = session.get(kind.table, record_id)
    if row is None or not principal.can_access(row.agency_code):
        raise NotFound()
    return row


def list_records(
    session: Session, principal: Principal, kind_name: str, agency_code: str, limit: int, offset: int
) -> list[SyncedRow]:
    kind = entity_kind(kind_name)
    principal.require_agency(agency_code)
    table = kind.table
    query = (
        select(table)
        .where(table.agency_code == agency_code, col(table.deleted).is_(False))
        .order_by(col(table.seq))
        .offset(offset)
        .limit(limit)
    )
    return list(session.exec(query).all())


def to_out(kind_name: str, row: SyncedRow) -> RecordOut:
    return RecordOut(
        id=row.id,
        type=kind_name,
        agency_code=row.agency_code,
        version=row.version,
        rev=row.rev,
        deleted=row.deleted,
        review_state=getattr(row, "review_state", None),
        conflicted=bool(getattr(row, "conflicted", False)),
        data=row.data,
    )
