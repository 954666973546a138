"""Synced records: validation with the shared schemas, agency scope, references, storage, audit.

Each entity kind maps a shared schema (``common.schemas``) to its table and the typed columns
kept beside the canonical ``data`` for queries. The sync ingest and the REST endpoints both write
through :func:`write_row`, so a record is stored the same way whichever path it came by.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import delete
from sqlmodel import Session, col, select

from common import schemas as s
from common.errors import FieldError, SaoLuuError, ValidationFailed, field_error, field_errors
from common.text import fold
from common.vocab import Role
from sync_server.auth import Principal
from sync_server.domain.audit import audit
from sync_server.domain.sequence import next_seq
from sync_server.models import (
    Agency,
    Box,
    Campaign,
    FileDamage,
    FileRecord,
    Fonds,
    NilReport,
    RecordPhoto,
    ReviewComment,
    SyncedRow,
    Visit,
    utcnow,
)

FIELD_ROLES = frozenset({Role.ADMIN, Role.SURVEYOR, Role.AGENCY_HEAD})
REVIEW_ROLES = frozenset({Role.ADMIN, Role.REVIEWER})


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
        "rare": r.rare,
        "leaves": r.leaves,
        "pages": r.pages,
        "max_severity": r.max_severity,
    }


def _nil_cols(n: s.NilReport) -> dict[str, Any]:
    return {"campaign_id": _str(n.campaign_id), "doc_number": n.doc_number, "doc_date": n.doc_date}


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
        EntityKind("review_comment", s.ReviewComment, ReviewComment, _comment_cols, REVIEW_ROLES),
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
        raise SaoLuuError("not_found", 404, [field_error("type", "not_in_vocab", input=name)])
    return kind


def validate(kind: EntityKind, payload: Any) -> s.Schema:
    """The shared schema's validation; raises :class:`ValidationFailed` with field errors."""
    try:
        return kind.schema.model_validate(payload)
    except ValidationError as exc:
        raise ValidationFailed(field_errors(exc)) from None


def _same_agency(session: Session, table: type[SyncedRow], ref_id: Any, agency: str) -> bool:
    row = session.get(table, str(ref_id))
    return row is not None and row.agency_code == agency and not row.deleted


def check_references(session: Session, obj: Any) -> list[FieldError]:
    """Referenced agency, fonds, box and campaign must exist (and belong to the same agency)."""
    errors: list[FieldError] = []
    agency = getattr(obj, "agency_code", None)
    if agency is not None and session.get(Agency, agency) is None:
        errors.append(field_error("agency_code", "unknown_agency", input=agency))
        return errors
    fonds_id = getattr(obj, "fonds_id", None)
    if fonds_id is not None and not _same_agency(session, Fonds, fonds_id, agency or ""):
        errors.append(field_error("fonds_id", "unknown_reference", input=str(fonds_id)))
    box_id = getattr(obj, "box_id", None)
    if box_id is not None and not _same_agency(session, Box, box_id, agency or ""):
        errors.append(field_error("box_id", "unknown_reference", input=str(box_id)))
    if isinstance(obj, s.Box) and not errors:
        fonds = session.get(Fonds, str(obj.fonds_id))
        if fonds is not None and fonds.number != obj.fonds_number:
            errors.append(field_error("fonds_number", "unknown_reference", input=obj.fonds_number))
    campaign_id = getattr(obj, "campaign_id", None)
    if campaign_id is not None and session.get(Campaign, str(campaign_id)) is None:
        errors.append(field_error("campaign_id", "unknown_reference", input=str(campaign_id)))
    return errors


def _agency_of(session: Session, obj: Any) -> str:
    agency = getattr(obj, "agency_code", None)
    if agency is None and isinstance(obj, s.ReviewComment):
        for table in (FileRecord, NilReport, Fonds, Box):
            row = session.get(table, str(obj.entity_id))
            if row is not None:
                return row.agency_code
        raise ValidationFailed([field_error("entity_id", "unknown_reference", input=str(obj.entity_id))])
    assert isinstance(agency, str)
    return agency


def write_row(
    session: Session,
    kind: EntityKind,
    obj: Any,
    *,
    agency_code: str,
    version: int,
    rev: int,
    seq: int,
    actor: Principal | None,
    deleted: bool = False,
    existing: SyncedRow | None = None,
) -> SyncedRow:
    """Store ``obj`` as the given version of its row, with its child rows (damage, photo links)."""
    values = {
        "agency_code": agency_code,
        "version": version,
        "rev": rev,
        "deleted": deleted,
        "seq": seq,
        "updated_at": utcnow(),
        "updated_by": actor.user_id if actor else None,
        "device_id": actor.device_id if actor else None,
        "data": obj.model_dump(mode="json"),
        **kind.columns(obj),
    }
    if existing is None:
        row = kind.table(id=str(obj.id), **values)
    else:
        row = existing
        for key, value in values.items():
            setattr(row, key, value)
    session.add(row)
    _write_children(session, obj, agency_code, deleted)
    return row


def _write_children(session: Session, obj: Any, agency_code: str, deleted: bool) -> None:
    rid = str(obj.id)
    if isinstance(obj, s.FileRecord):
        session.exec(delete(FileDamage).where(col(FileDamage.record_id) == rid))  # type: ignore[call-overload]
        if not deleted:
            for d in obj.damages:
                session.add(
                    FileDamage(
                        record_id=rid,
                        damage_type=d.type.value,
                        agency_code=agency_code,
                        severity=int(d.severity),
                        readability=d.readability.value,
                    )
                )
    photos: list[s.PhotoRef] = []
    if isinstance(obj, s.FileRecord):
        photos = list(obj.photos)
    elif isinstance(obj, s.NilReport) and obj.scan is not None:
        photos = [obj.scan]
    if isinstance(obj, s.FileRecord | s.NilReport):
        session.exec(delete(RecordPhoto).where(col(RecordPhoto.entity_id) == rid))  # type: ignore[call-overload]
        if not deleted:
            for p in photos:
                session.add(RecordPhoto(entity_id=rid, sha256=p.sha256, agency_code=agency_code))


def authorize_write(principal: Principal, kind: EntityKind, agency_code: str) -> None:
    if principal.role not in kind.write_roles:
        raise SaoLuuError("forbidden", 403)
    principal.require_agency(agency_code)


def create_record(session: Session, actor: Principal, kind_name: str, payload: Any) -> SyncedRow:
    """Validate and store a new record (version 1) with its audit row, in one transaction."""
    kind = entity_kind(kind_name)
    obj = validate(kind, payload)
    agency = _agency_of(session, obj)
    if session.get(Agency, agency) is None:
        raise ValidationFailed([field_error("agency_code", "unknown_agency", input=agency)])
    authorize_write(actor, kind, agency)
    errors = check_references(session, obj)
    if errors:
        raise ValidationFailed(errors)
    if session.get(kind.table, str(obj.id)) is not None:  # type: ignore[attr-defined]
        raise SaoLuuError("already_exists", 409)
    row = write_row(
        session, kind, obj, agency_code=agency, version=1, rev=0, seq=next_seq(session), actor=actor
    )
    audit(session, actor, kind.name, row.id, "create", before=None, after=1)
    session.commit()
    return row


def get_record(session: Session, principal: Principal, kind_name: str, record_id: str) -> SyncedRow:
    """A record the principal may read; another agency's record is reported as not found."""
    kind = entity_kind(kind_name)
    row = session.get(kind.table, record_id)
    if row is None or not principal.can_access(row.agency_code):
        raise SaoLuuError("not_found", 404)
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
