"""Records (fonds, boxes, file records, nil reports, visits, review comments): create and read."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, Field

from common.protocol import MAX_INT64
from common.schemas import NoNul
from common.vocab import STAFF, ReviewState, Role
from sync_server.api.deps import CurrentUser, SessionDep, allow
from sync_server.domain import conflicts, digitization, ingest, review
from sync_server.domain import records as domain
from sync_server.domain.audit import history

router = APIRouter(tags=["records"])
WRITERS = allow(*STAFF, Role.SURVEYOR, Role.AGENCY_HEAD)


class HistoryEntry(BaseModel):
    at: dt.datetime
    user_id: int | None
    device_id: str | None
    action: str
    version_before: int | None
    version_after: int | None


@router.post("/records/{entity_type}", response_model=domain.RecordOut, status_code=201, **WRITERS)
def create_record(
    entity_type: str,
    payload: Annotated[dict[str, Any], Body()],
    principal: CurrentUser,
    session: SessionDep,
) -> domain.RecordOut:
    """Create one record, validated by the shared schema of ``entity_type``."""
    row = ingest.create_record(session, principal, entity_type, payload)
    return domain.to_out(entity_type, row)


@router.get("/records/{entity_type}/{record_id}", response_model=domain.RecordOut, **allow())
def get_record(
    entity_type: str, record_id: str, principal: CurrentUser, session: SessionDep
) -> domain.RecordOut:
    return domain.to_out(entity_type, domain.get_record(session, principal, entity_type, record_id))


@router.get("/records/{entity_type}/{record_id}/history", response_model=list[HistoryEntry], **allow())
def record_history(
    entity_type: str, record_id: str, principal: CurrentUser, session: SessionDep
) -> list[HistoryEntry]:
    """The audit trail of one record, oldest first."""
    domain.get_record(session, principal, entity_type, record_id)
    return [HistoryEntry.model_validate(h.model_dump()) for h in history(session, entity_type, record_id)]


@router.get("/agencies/{code}/records/{entity_type}", response_model=list[domain.RecordOut], **allow())
def list_records(
    code: str,
    entity_type: str,
    principal: CurrentUser,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_INT64)] = 0,
) -> list[domain.RecordOut]:
    rows = domain.list_records(session, principal, entity_type, code.strip().upper(), limit, offset)
    return [domain.to_out(entity_type, r) for r in rows]


class ResolveIn(NoNul):
    """Choose how a conflict ends: a revision's data, a merged record, or (neither) the server's."""

    revision_id: int | None = None
    data: dict[str, Any] | None = None


@router.get("/records/{entity_type}/{record_id}/conflicts", response_model=conflicts.ConflictView, **allow())
def get_conflicts(
    entity_type: str, record_id: str, principal: CurrentUser, session: SessionDep
) -> conflicts.ConflictView:
    """The server's version and every unresolved conflicting revision, side by side."""
    return conflicts.conflict_view(session, principal, entity_type, record_id)


@router.post(
    "/records/{entity_type}/{record_id}/resolve",
    response_model=domain.RecordOut,
    **allow(*STAFF),
)
def resolve_conflict(
    entity_type: str, record_id: str, body: ResolveIn, principal: CurrentUser, session: SessionDep
) -> domain.RecordOut:
    """Resolve by choosing or merging; the result is a new version that syncs back to every device."""
    row = conflicts.resolve(session, principal, entity_type, record_id, body.revision_id, body.data)
    return domain.to_out(entity_type, row)


class ReviewIn(NoNul):
    state: ReviewState
    text: str = Field(default="", max_length=2000)


@router.post(
    "/records/{entity_type}/{record_id}/review",
    response_model=domain.RecordOut,
    **allow(*STAFF),
)
def review_record(
    entity_type: str, record_id: str, body: ReviewIn, principal: CurrentUser, session: SessionDep
) -> domain.RecordOut:
    """Approve, send back for correction (with a comment) or reject (with a reason)."""
    comment = review.review(session, principal, entity_type, record_id, body.state, body.text)
    return domain.to_out("review_comment", comment)


class DigitizedIn(NoNul):
    ids: list[uuid.UUID] = Field(min_length=1, max_length=digitization.MAX_IDS)
    on: dt.date | None = Field(default_factory=dt.date.today)
    """The day they were digitized (default today); null clears the mark."""


class DigitizedOut(BaseModel):
    changed: int


@router.post("/digitization", response_model=DigitizedOut, **allow(*STAFF))
def mark_digitized(body: DigitizedIn, principal: CurrentUser, session: SessionDep) -> DigitizedOut:
    """Mark file records digitized on a day (or clear the mark with ``"on": null``). The day counts
    in the yearly report and the handover catalogue; it does not change the records' versions."""
    changed = digitization.mark_digitized(session, principal, [str(i) for i in body.ids], body.on)
    return DigitizedOut(changed=changed)
