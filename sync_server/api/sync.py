"""Sync: push a batch of changes, pull what changed since a cursor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from common.protocol import MAX_INT64, MAX_PULL, PROTOCOL_VERSION, PullResponse, PushRequest, PushResponse
from sync_server.api.deps import FIELD, CurrentUser, SessionDep, allow
from sync_server.domain import ingest
from sync_server.domain.pull import pull as pull_changes

router = APIRouter(tags=["sync"])


@router.post(
    "/sync/push",
    response_model=PushResponse,
    summary="Push a batch of changes made on a device",
    **allow(*FIELD),
)
def push(body: PushRequest, principal: CurrentUser, session: SessionDep) -> Response:
    """Apply a batch in one transaction, each change on its own: ``applied`` (new server version),
    ``duplicate`` (this device already sent this record id and ``rev``: nothing written again),
    ``conflict`` (started from an older version: kept as a revision, the record is flagged) or
    ``rejected`` (with field errors). ``missing_photos`` lists referenced photos the server does not
    hold yet. Replaying a batch changes nothing, so a client whose answer was lost sends it again."""
    answer = ingest.push(session, principal, body)
    # already a PushResponse: encoded once here, not validated against the response model again
    return Response(answer.__pydantic_serializer__.to_json(answer), media_type="application/json")


@router.get(
    "/sync/pull",
    response_model=PullResponse,
    summary="Pull what changed after a cursor",
    **allow(),
)
def pull(
    principal: CurrentUser,
    session: SessionDep,
    cursor: Annotated[int, Query(ge=0, le=MAX_INT64)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL)] = 500,
    protocol: Annotated[
        int,
        Query(ge=1, le=1000, description=f"The client's protocol version (this server: {PROTOCOL_VERSION})"),
    ] = 1,
) -> Response:
    """Up to ``limit`` changes the caller may see (agencies, campaigns, records of their agencies,
    review comments) written after ``cursor``, in server sequence order, each at its latest version.
    Store the page, then ask again with the returned ``cursor`` while ``has_more`` is true. A client
    that sends no ``protocol`` is taken for version 1 and gets records in that version's shape."""
    page = pull_changes(session, principal, cursor, limit, protocol)
    return Response(page.to_json(), media_type="application/json")
