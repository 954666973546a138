"""Resumable, content-addressed photo uploads and who may read a photo."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlmodel import Session, col, select

from common.errors import SaoLuuError, field_error
from sync_server.auth import Principal
from sync_server.domain.audit import audit
from sync_server.models import Photo, RecordPhoto
from sync_server.storage.base import OffsetMismatch, PhotoStore

JPEG = b"\xff\xd8\xff"
PNG = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class UploadState:
    complete: bool
    offset: int
    """Bytes held: the whole size when complete, else what an interrupted upload left."""


def sniff_mime(head: bytes) -> str | None:
    """``image/jpeg`` or ``image/png`` from the first bytes (content, not file name)."""
    if head.startswith(JPEG):
        return "image/jpeg"
    if head.startswith(PNG):
        return "image/png"
    return None


def _plausible_start(chunk: bytes) -> bool:
    return any(sig.startswith(chunk[: len(sig)]) for sig in (JPEG, PNG)) if chunk else False


def state(session: Session, store: PhotoStore, sha256: str) -> UploadState | None:
    photo = session.get(Photo, sha256)
    if photo is not None:
        return UploadState(True, photo.size)
    held = store.partial_size(sha256)
    return UploadState(False, held) if held else None


def append_chunk(
    session: Session,
    store: PhotoStore,
    principal: Principal,
    sha256: str,
    offset: int,
    total: int,
    chunk: bytes,
    max_bytes: int,
) -> UploadState:
    """Add one chunk; on the last one verify the hash and the image type, then store the photo."""
    done = session.get(Photo, sha256)
    if done is not None:
        return UploadState(True, done.size)
    if total > max_bytes:
        raise SaoLuuError(
            "payload_too_large", 413, [field_error("Upload-Length", "too_big", max_bytes=max_bytes)]
        )
    if offset + len(chunk) > total:
        raise SaoLuuError("validation_error", 400, [field_error("Upload-Length", "length_mismatch")])
    if offset == 0 and not _plausible_start(chunk):
        raise SaoLuuError("unsupported_media_type", 415, [field_error("body", "not_an_image")])
    try:
        size = store.append_partial(sha256, offset, chunk)
    except OffsetMismatch as exc:
        raise SaoLuuError(
            "conflict",
            409,
            [field_error("Upload-Offset", "offset_mismatch", input=str(exc.current))],
            headers={"Upload-Offset": str(exc.current)},
        ) from None
    if size < total:
        return UploadState(False, size)
    data = store.read_partial(sha256)
    if hashlib.sha256(data).hexdigest() != sha256:
        store.discard_partial(sha256)
        raise SaoLuuError("validation_error", 422, [field_error("body", "hash_mismatch")])
    mime = sniff_mime(data)
    if mime is None:
        store.discard_partial(sha256)
        raise SaoLuuError("unsupported_media_type", 415, [field_error("body", "not_an_image")])
    store.complete(sha256)
    session.add(Photo(sha256=sha256, size=size, mime=mime, uploaded_by=principal.user_id))
    audit(session, principal, "photo", sha256, "upload", detail={"size": size, "mime": mime})
    session.commit()
    return UploadState(True, size)


def can_read(session: Session, principal: Principal, sha256: str) -> bool:
    """Staff read every photo; others those of records in their agencies, or their own uploads."""
    if principal.agency_codes is None:
        return True
    photo = session.get(Photo, sha256)
    if photo is not None and photo.uploaded_by == principal.user_id:
        return True
    links = select(RecordPhoto.agency_code).where(
        RecordPhoto.sha256 == sha256, col(RecordPhoto.agency_code).in_(principal.agency_codes)
    )
    return session.exec(links).first() is not None
