"""Conflicting revisions: list them beside the record, resolve by choosing or merging."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from common.errors import NotFound, ValidationFailed, field_error
from sync_server.auth import Principal
from sync_server.domain.audit import audit
from sync_server.domain.ingest import store_resolution
from sync_server.domain.records import entity_kind, get_record, pushed, validate
from sync_server.domain.sequence import lock_changes, next_seq
from sync_server.models import RecordRevision, SyncedRow, utcnow


class RevisionOut(BaseModel):
    id: int
    rev: int
    base_version: int | None
    server_version: int
    deleted: bool
    user_id: int | None
    device_id: str | None
    data: dict[str, Any]


class ConflictView(BaseModel):
    """The record as the server holds it and every unresolved incoming revision, side by side."""

    current_version: int
    current: dict[str, Any]
    revisions: list[RevisionOut]


def open_revisions(session: Session, entity_type: str, entity_id: str) -> list[RecordRevision]:
    query = (
        select(RecordRevision)
        .where(
            RecordRevision.entity_type == entity_type,
            RecordRevision.entity_id == entity_id,
            col(RecordRevision.resolved_at).is_(None),
        )
        .order_by(col(RecordRevision.id))
    )
    return list(session.exec(query).all())


def conflict_view(session: Session, principal: Principal, entity_type: str, entity_id: str) -> ConflictView:
    row = get_record(session, principal, entity_type, entity_id)
    revisions = open_revisions(session, entity_type, entity_id)
    return ConflictView(
        current_version=row.version,
        current=row.data,
        revisions=[RevisionOut.model_validate(r.model_dump()) for r in revisions],
    )


def resolve(
    session: Session,
    principal: Principal,
    entity_type: str,
    entity_id: str,
    revision_id: int | None,
    merged: dict[str, Any] | None,
) -> SyncedRow:
    """Keep the server's data, take one revision, or store a merge; a new version for everyone."""
    lock_changes(session)  # the version read next can't move under us before we commit
    row = get_record(session, principal, entity_type, entity_id)
    revisions = open_revisions(session, entity_type, entity_id)
    if not revisions and not row.conflicted:
        raise NotFound(details=[field_error("revision_id", "unknown_reference", input=entity_id)])
    kind = entity_kind(entity_type)
    deleted = row.deleted
    if merged is not None:
        data, how = merged, "merged"
    elif revision_id is not None:
        chosen = next((r for r in revisions if r.id == revision_id), None)
        if chosen is None:
            raise ValidationFailed([field_error("revision_id", "unknown_reference", input=str(revision_id))])
        data, how, deleted = chosen.data, "revision", chosen.deleted
    else:
        data, how = row.data, "server"
    obj = pushed(validate(kind, data))
    if str(obj.id) != row.id or obj.agency_code != row.agency_code:
        raise ValidationFailed([field_error("data.id", "id_mismatch")])
    before = row.version
    store_resolution(session, principal, kind, row, obj, deleted, next_seq(session))
    now = utcnow()
    for r in revisions:
        r.resolved_at = now
        r.resolution = "chosen" if r.id == revision_id else ("merged" if how == "merged" else "discarded")
        session.add(r)
    audit(
        session,
        principal,
        entity_type,
        entity_id,
        "resolve",
        before=before,
        after=before + 1,
        detail={"how": how, "revision_id": revision_id, "revisions": [r.id for r in revisions]},
    )
    session.commit()
    session.refresh(row)
    return row
