"""Sync: push a batch of changes, pull what changed since a cursor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from common.protocol import MAX_PULL, PullResponse, PushRequest, PushResponse
from sync_server.api.deps import FIELD, CurrentUser, SessionDep, allow
from sync_server.domain import ingest
from sync_server.domain.pull import pull as pull_changes

router = APIRouter(tags=["sync"])


@router.post("/sync/push", response_model=PushResponse, **allow(*FIELD))
def push(body: PushRequest, principal: CurrentUser, session: SessionDep) -> PushResponse:
    """Apply a batch: one result per change (applied, duplicate, conflict, rejected) and the photos
    the server still needs. Replaying a batch changes nothing."""
    return ingest.push(session, principal, body)


@router.get("/sync/pull", response_model=PullResponse, **allow())
def pull(
    principal: CurrentUser,
    session: SessionDep,
    cursor: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL)] = 500,
) -> PullResponse:
    """Everything the caller may see that changed after ``cursor``, in server order."""
    return pull_changes(session, principal, cursor, limit)
