"""Photos: resumable upload by SHA-256 (HEAD for the offset, PATCH to append), authorised download."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response

from common.errors import ErrorResponse, NotFound, Refused, field_error
from common.protocol import MAX_INT64
from common.vocab import STAFF
from sync_server.api.deps import FIELD, CurrentUser, PhotoStoreDep, SessionDep, SettingsDep, allow
from sync_server.domain import photos as domain
from sync_server.errors import error_response
from sync_server.responses import IMMUTABLE, DeferredResponse

router = APIRouter(tags=["photos"])
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
ANY_ROLE = allow(*{*FIELD, *STAFF})
UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"model": ErrorResponse, "description": "Photo storage unreachable (`storage_unavailable`): retry"}
}


def _sha(sha256: str) -> str:
    if not SHA_RE.match(sha256):
        raise NotFound(details=[field_error("sha256", "bad_format")])
    return sha256


def _state_headers(state: domain.UploadState) -> dict[str, str]:
    return {
        "Upload-Offset": str(state.offset),
        "Upload-Complete": "?1" if state.complete else "?0",
        "Cache-Control": "no-store",
    }


@router.head(
    "/photos/{sha256}",
    summary="Upload state of a photo",
    responses={
        200: {"description": "Stored (`Upload-Complete: ?1`) or partly uploaded (`?0`, `Upload-Offset`)"},
        404: {"description": "Nothing held: start at offset 0"},
        **UNAVAILABLE,
    },
    **ANY_ROLE,
)
def photo_state(sha256: str, session: SessionDep, store: PhotoStoreDep, principal: CurrentUser) -> Response:
    """Where the caller resumes: 200 with ``Upload-Complete: ?1`` and the size in ``Upload-Offset``
    when the caller has uploaded the photo (from any of their devices), 200 with ``Upload-Complete:
    ?0`` and the bytes held in ``Upload-Offset`` when the caller's upload was interrupted, 404
    (``Upload-Offset: 0``) otherwise — also when someone else uploaded it: only sending the bytes
    proves to hold a photo, and whether others did is not told."""
    state = domain.state(session, store, principal, _sha(sha256))
    if state is None:
        return Response(status_code=404, headers={"Upload-Offset": "0", "Upload-Complete": "?0"})
    return Response(status_code=200, headers=_state_headers(state))


async def chunk_body(
    request: Request, settings: SettingsDep, upload_length: Annotated[int, Header(ge=1, le=MAX_INT64)]
) -> bytes:
    """The chunk, read before the route takes a database session: a slow uploader holds no session
    while its bytes trickle in. A declared length above the limit is refused unread."""
    if upload_length > settings.max_photo_bytes:
        raise Refused(
            "payload_too_large",
            [field_error("Upload-Length", "too_big", max_bytes=settings.max_photo_bytes)],
        )
    return await request.body()


@router.patch(
    "/photos/{sha256}",
    summary="Append a chunk to a resumable photo upload",
    status_code=204,
    responses={
        200: {"description": "Already stored: nothing appended"},
        201: {"description": "Last chunk: hash and image type verified, photo stored"},
        204: {"description": "Chunk appended; `Upload-Offset` is the new size"},
        409: {"model": ErrorResponse, "description": "Wrong `Upload-Offset`; the header has the right one"},
        413: {"model": ErrorResponse, "description": "`Upload-Length` above the size limit"},
        415: {"model": ErrorResponse, "description": "Not a JPEG or PNG"},
        422: {"model": ErrorResponse, "description": "Bytes do not match the SHA-256: upload again"},
        **UNAVAILABLE,
    },
    **allow(*FIELD),
)
def upload_chunk(
    sha256: str,
    chunk: Annotated[bytes, Depends(chunk_body)],  # first: solved before the session is taken
    principal: CurrentUser,
    session: SessionDep,
    store: PhotoStoreDep,
    settings: SettingsDep,
    upload_offset: Annotated[int, Header(ge=0, le=MAX_INT64)],
    upload_length: Annotated[int, Header(ge=1, le=MAX_INT64)],
) -> Response:
    """Append the body (``application/offset+octet-stream``) at ``Upload-Offset``, which must equal
    the bytes the caller's upload holds; ``Upload-Length`` is the whole photo's size. When the upload
    reaches that size the bytes are checked against the SHA-256 in the path and must be a JPEG or
    PNG; the caller then holds the photo. 200 at once when the caller already holds it. Every answer
    carries the resulting ``Upload-Offset`` and ``Upload-Complete``."""
    try:
        state = domain.append_chunk(
            session,
            store,
            principal,
            _sha(sha256),
            upload_offset,
            upload_length,
            chunk,
            settings.max_photo_bytes,
        )
    except domain.OffsetConflict as exc:  # where to resume, in the upload protocol's header
        return error_response(exc, {"Upload-Offset": str(exc.held)})
    status = 200 if state.already_held else 201 if state.complete else 204
    return Response(status_code=status, headers=_state_headers(state))


@router.get(
    "/photos/{sha256}",
    summary="Download a photo",
    response_class=Response,
    responses={
        200: {"content": {"image/jpeg": {}, "image/png": {}}, "description": "The photo's bytes"},
        404: {"model": ErrorResponse, "description": "Unknown, or not visible to the caller"},
        **UNAVAILABLE,
    },
    **ANY_ROLE,
)
def get_photo(sha256: str, principal: CurrentUser, session: SessionDep, store: PhotoStoreDep) -> Response:
    """The photo's bytes for staff, for whoever uploaded it, and for users of an agency where a
    record refers to it and someone who uploaded it made that reference; 404 for everyone else
    (existence is not revealed)."""
    photo = domain.readable(session, principal, _sha(sha256))
    if photo is None:
        raise NotFound()
    return DeferredResponse(
        lambda: store.get(sha256),
        photo.mime,
        error_response,
        headers=IMMUTABLE,  # read without a session
    )
