"""Photos: resumable upload by SHA-256 (HEAD for the offset, PATCH to append), authorised download."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response

from common.errors import SaoLuuError, field_error
from sync_server.api.deps import FIELD, STAFF, CurrentUser, PhotoStoreDep, SessionDep, SettingsDep, allow
from sync_server.domain import photos as domain
from sync_server.models import Photo

router = APIRouter(tags=["photos"])
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
ANY_ROLE = allow(*{*FIELD, *STAFF})


def _sha(sha256: str) -> str:
    if not SHA_RE.match(sha256):
        raise SaoLuuError("not_found", 404, [field_error("sha256", "bad_format")])
    return sha256


def _state_headers(state: domain.UploadState) -> dict[str, str]:
    return {
        "Upload-Offset": str(state.offset),
        "Upload-Complete": "?1" if state.complete else "?0",
        "Cache-Control": "no-store",
    }


@router.head("/photos/{sha256}", **ANY_ROLE)
def photo_state(sha256: str, session: SessionDep, store: PhotoStoreDep, _: CurrentUser) -> Response:
    """200 with ``Upload-Complete: ?1`` when stored, ``?0`` and ``Upload-Offset`` when partly
    uploaded, 404 when unknown."""
    state = domain.state(session, store, _sha(sha256))
    if state is None:
        return Response(status_code=404, headers={"Upload-Offset": "0", "Upload-Complete": "?0"})
    return Response(status_code=200, headers=_state_headers(state))


@router.patch("/photos/{sha256}", **allow(*FIELD))
async def upload_chunk(
    sha256: str,
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    store: PhotoStoreDep,
    settings: SettingsDep,
    upload_offset: Annotated[int, Header(ge=0)],
    upload_length: Annotated[int, Header(ge=1)],
) -> Response:
    """Append the body at ``Upload-Offset``; ``Upload-Length`` is the whole photo's size. The last
    chunk is verified against the SHA-256 and must be a JPEG or PNG. 409 with the server's offset
    when the offset is wrong."""
    sha = _sha(sha256)
    if upload_length > settings.max_photo_bytes:
        raise SaoLuuError(
            "payload_too_large",
            413,
            [field_error("Upload-Length", "too_big", max_bytes=settings.max_photo_bytes)],
        )
    if (done := session.get(Photo, sha)) is not None:
        return Response(status_code=200, headers=_state_headers(domain.UploadState(True, done.size)))
    chunk = await request.body()
    state = domain.append_chunk(
        session, store, principal, sha, upload_offset, upload_length, chunk, settings.max_photo_bytes
    )
    return Response(status_code=201 if state.complete else 204, headers=_state_headers(state))


@router.get("/photos/{sha256}", **ANY_ROLE)
def get_photo(sha256: str, principal: CurrentUser, session: SessionDep, store: PhotoStoreDep) -> Response:
    """The photo's bytes, for those who may see a record it belongs to."""
    photo = session.get(Photo, _sha(sha256))
    if photo is None or not domain.can_read(session, principal, sha256):
        raise SaoLuuError("not_found", 404)
    return Response(
        content=store.get(sha256),
        media_type=photo.mime,
        headers={"Cache-Control": "private, max-age=31536000, immutable"},
    )
