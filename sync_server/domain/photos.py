"""Resumable, content-addressed photo uploads and who may read a photo.

Knowing a photo's SHA-256 proves nothing: it may have come from a pulled record, an export or a
log. Sending the bytes does. So:

* a user who has uploaded every byte of a photo (hash checked) *holds* it (:class:`PhotoHolder`);
* a record referring to a photo is a *claim* by its writer for the record's agency
  (:class:`PhotoClaim`);
* a photo is read by staff, by its holders, and by the users of an agency where a record refers to
  it and a holder claimed it — a reference by someone who never sent the bytes grants nothing;
* the upload state (HEAD), an upload (PATCH) and a push's ``missing_photos`` speak of the caller's
  own possession only: a caller who does not hold a photo is asked for its bytes, and learns
  nothing about whether anyone else uploaded it. Each user's unfinished upload is their own.
"""

from __future__ import annotations

import errno
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image
from sqlalchemy import bindparam, select
from sqlmodel import Session

from common.errors import Conflict, Malformed, Refused, RetryLater, field_error
from common.tables import table_of
from sync_server.auth import Principal
from sync_server.domain.audit import audit
from sync_server.domain.bulk import insert_missing
from sync_server.models import Photo, PhotoClaim, PhotoHolder, RecordPhoto, utcnow
from sync_server.storage.base import OffsetMismatch, PhotoStore

JPEG = b"\xff\xd8\xff"
PNG = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class UploadState:
    complete: bool
    offset: int
    """Bytes held: the whole size when complete, else what an interrupted upload left."""
    already_held: bool = False
    """The photo was complete before this request (nothing was written)."""


class OffsetConflict(Conflict):
    """The chunk was sent for another offset than the bytes the upload holds (``held``): another
    upload of the same photo got there first. The caller resumes at ``held``."""

    def __init__(self, held: int) -> None:
        super().__init__("conflict", [field_error("Upload-Offset", "offset_mismatch", input=str(held))])
        self.held = held


def sniff_mime(head: bytes) -> str | None:
    """``image/jpeg`` or ``image/png`` from the first bytes (content, not file name)."""
    if head.startswith(JPEG):
        return "image/jpeg"
    if head.startswith(PNG):
        return "image/png"
    return None


def _plausible_start(chunk: bytes) -> bool:
    return any(sig.startswith(chunk[: len(sig)]) for sig in (JPEG, PNG)) if chunk else False


_H, _C, _L = table_of(PhotoHolder).c, table_of(PhotoClaim).c, table_of(RecordPhoto).c
_HELD_QUERY = select(_H.sha256).where(
    _H.user_id == bindparam("user"), _H.sha256.in_(bindparam("shas", expanding=True))
)
_VOUCHED_QUERY = (
    select(_L.sha256)
    .select_from(
        table_of(RecordPhoto)
        .join(table_of(PhotoClaim), (_C.sha256 == _L.sha256) & (_C.agency_code == _L.agency_code))
        .join(table_of(PhotoHolder), (_H.sha256 == _C.sha256) & (_H.user_id == _C.user_id))
    )
    .where(_L.sha256 == bindparam("sha"), _L.agency_code.in_(bindparam("agencies", expanding=True)))
    .limit(1)
)


def held(session: Session, user_id: int, shas: set[str]) -> set[str]:
    """Which of ``shas`` the user has proven to hold (uploaded every byte of)."""
    if not shas:
        return set()
    return set(session.execute(_HELD_QUERY, {"user": user_id, "shas": sorted(shas)}).scalars())


def stored(session: Session, shas: Iterable[str]) -> set[str]:
    """Which of the photos ``shas`` the server holds (every byte uploaded)."""
    wanted = sorted(set(shas))
    if not wanted:
        return set()
    return set(
        session.execute(
            select(table_of(Photo).c.sha256).where(table_of(Photo).c.sha256.in_(wanted))
        ).scalars()
    )


def upload_key(sha256: str, user_id: int) -> str:
    """The name of ``user_id``'s own unfinished upload of ``sha256`` in the photo store."""
    return hashlib.sha256(f"{sha256}:{user_id}".encode()).hexdigest()


def state(session: Session, store: PhotoStore, principal: Principal, sha256: str) -> UploadState | None:
    """The caller's upload: complete if they hold the photo, else what their unfinished upload holds."""
    if held(session, principal.user_id, {sha256}):
        photo = session.get(Photo, sha256)
        if photo is not None:
            return UploadState(True, photo.size)
    size = store.partial_size(upload_key(sha256, principal.user_id))
    return UploadState(False, size) if size else None


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
    """Add one chunk to the caller's upload; on the last one verify the hash and the image type,
    then store the photo (once, whoever else uploaded it) and record that the caller holds it."""
    if held(session, principal.user_id, {sha256}):
        done = session.get(Photo, sha256)
        if done is not None:
            return UploadState(True, done.size, already_held=True)
    if total > max_bytes:
        raise Refused("payload_too_large", [field_error("Upload-Length", "too_big", max_bytes=max_bytes)])
    if offset + len(chunk) > total:
        raise Malformed(details=[field_error("Upload-Length", "length_mismatch")])
    if offset == 0 and not _plausible_start(chunk):
        raise Refused("unsupported_media_type", [field_error("body", "not_an_image")])
    key = upload_key(sha256, principal.user_id)
    if offset == 0 and len(chunk) == total:  # the whole photo in one request: no partial file
        _verify(store, key, sha256, chunk, partial=False)
        with _disk_errors():
            store.put(sha256, chunk)
        return _record(session, principal, sha256, total, sniff_mime(chunk))
    try:
        with _disk_errors():
            size = store.append_partial(key, offset, chunk)
    except OffsetMismatch as exc:
        raise OffsetConflict(exc.current) from None
    if size < total:
        return UploadState(False, size)
    data = store.read_partial(key)
    _verify(store, key, sha256, data, partial=True)
    with _disk_errors():
        store.complete(sha256, key)
    return _record(session, principal, sha256, size, sniff_mime(data))


MAX_PIXELS = 80_000_000
"""Larger than any camera or scanner page at 600 dpi: beyond it, an image is a decompression bomb."""
MAX_DECODED_BYTES = 160_000_000
"""The memory an image may take once decoded (:func:`decoded_bytes`): a 48-megapixel colour photo
fits; a small PNG declaring 80 megapixels of 16-bit RGBA (640 MB) does not."""
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
"""Samples per pixel by PNG colour type (grey, RGB, palette, grey + alpha, RGBA)."""


def decoded_bytes(data: bytes, img: Image.Image) -> int:
    """The memory ``img`` (opened from ``data``, not decoded yet) takes decoded: its pixels times
    the bytes of a pixel as stored (a 16-bit PNG sample is two bytes) or as an RGB copy, the larger."""
    width, height = img.size
    per_pixel = max(len(img.getbands()), 3)
    if data.startswith(PNG) and len(data) > 25:
        depth, colour = data[24], data[25]
        per_pixel = max(per_pixel, -(-depth * _PNG_CHANNELS.get(colour, 4) // 8))
    return width * height * per_pixel


_JPEG_END = b"\xff\xd9"
_PNG_END = b"IEND\xaeB`\x82"
_ACTIVE = (b"<script", b"<html", b"<svg", b"<iframe", b"<body", b"<?php", b"javascript:")


def inspect_image(data: bytes) -> str | None:
    """Why the bytes are not an acceptable photo (a field error reason), or None.

    Bytes that do not start as a JPEG or PNG are refused; then the image is parsed, not trusted by
    its first bytes: a declared size over :data:`MAX_PIXELS` or :data:`MAX_DECODED_BYTES` (an image
    bomb), anything after the image's end marker, or markup and script hidden anywhere in it (a
    polyglot) is refused.
    """
    if sniff_mime(data[:16]) is None:
        return "not_an_image"
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in ("JPEG", "PNG"):
                return "not_an_image"
            width, height = img.size
            if width * height > MAX_PIXELS or decoded_bytes(data, img) > MAX_DECODED_BYTES:
                return "image_too_large"
            img.verify()
    except Image.DecompressionBombError:
        return "image_too_large"
    except Exception:  # anything Pillow can't parse is not a photo
        return "not_an_image"
    end = _JPEG_END if data.startswith(JPEG) else _PNG_END
    if not data.rstrip(b"\x00").endswith(end) or _has_markup(data):
        return "not_an_image"
    return None


def _has_markup(data: bytes) -> bool:
    """Markup or script in the image's headers, metadata or comments.

    The compressed pixels are left out: they are as good as random bytes, in which a marker such as
    ``<svg`` turns up by chance in about one photo of a megabyte in 500, and that photo could never
    be uploaded.
    """
    parts = _jpeg_segments(data) if data.startswith(JPEG) else _png_chunks(data)
    lowered = b"\x00".join(parts).lower()  # plain substring searches (a regex took 15 times longer)
    return any(marker in lowered for marker in _ACTIVE)


_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7]")
"""The end of a JPEG scan's entropy-coded data: a marker that is neither byte stuffing nor a restart."""


def _jpeg_segments(data: bytes) -> list[bytes]:
    """The payloads of a JPEG's marker segments, without the entropy-coded data after each scan
    header; from where the structure breaks on, the rest of the bytes as they are."""
    parts, i, n = [], 2, len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            parts.append(data[i:])
            break
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xD9:  # end of image
            break
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        parts.append(data[i + 4 : i + 2 + length])
        i += 2 + length
        if marker == 0xDA:  # start of scan: skip the compressed pixels to the next marker
            found = _NEXT_MARKER.search(data, i)
            if found is None:
                break
            i = found.start()
    return parts


def _png_chunks(data: bytes) -> list[bytes]:
    """The payloads of a PNG's chunks other than the compressed pixels (IDAT, fdAT)."""
    parts, i, n = [], len(PNG), len(data)
    while i + 8 <= n:
        length = int.from_bytes(data[i : i + 4], "big")
        kind = data[i + 4 : i + 8]
        if kind not in (b"IDAT", b"fdAT"):
            parts.append(data[i + 8 : i + 8 + length])
        i += 12 + length
    if i < n:
        parts.append(data[i:])
    return parts


@contextmanager
def _disk_errors() -> Iterator[None]:
    """A full disk (or quota) is storage to retry later (``storage_full``), not a server error."""
    try:
        yield
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise RetryLater("storage_full") from None
        raise


def _verify(store: PhotoStore, key: str, sha256: str, data: bytes, *, partial: bool) -> None:
    """The bytes must hash to ``sha256`` and be a JPEG or PNG; a failed partial upload is dropped."""
    reason, code = None, "unsupported_media_type"
    if hashlib.sha256(data).hexdigest() != sha256:
        reason, code = "hash_mismatch", "validation_error"
    else:
        reason = inspect_image(data)
    if reason is None:
        return
    if partial:
        store.discard_partial(key)
    raise Refused(code, [field_error("body", reason)])


def _record(session: Session, principal: Principal, sha256: str, size: int, mime: str | None) -> UploadState:
    """The photo is stored (once: a concurrent or earlier upload of the same bytes is kept) and the
    caller holds it."""
    conn = session.connection()
    photo = {
        "sha256": sha256,
        "size": size,
        "mime": mime,
        "created_at": utcnow(),
        "uploaded_by": principal.user_id,
    }
    insert_missing(conn, table_of(Photo), [photo])
    insert_missing(conn, table_of(PhotoHolder), [{"sha256": sha256, "user_id": principal.user_id}])
    audit(session, principal, "photo", sha256, "upload", detail={"size": size, "mime": mime})
    session.commit()
    return UploadState(True, size)


def claims(links: list[dict[str, str]], user_id: int) -> list[dict[str, object]]:
    """The claims of ``user_id`` for record-photo links (``sha256``, ``agency_code``)."""
    unique = {(link["sha256"], link["agency_code"]) for link in links}
    return [{"sha256": sha, "agency_code": agency, "user_id": user_id} for sha, agency in sorted(unique)]


def can_read(session: Session, principal: Principal, sha256: str) -> bool:
    """Staff read every photo; others the photos they hold, and those a record of one of their
    agencies refers to when a holder of the photo claimed it there (see the module docstring)."""
    if principal.agency_codes is None or held(session, principal.user_id, {sha256}):
        return True
    if not principal.agency_codes:
        return False
    params = {"sha": sha256, "agencies": sorted(principal.agency_codes)}
    return session.execute(_VOUCHED_QUERY, params).first() is not None


def readable(session: Session, principal: Principal, sha256: str) -> Photo | None:
    """The stored photo if ``principal`` may read it (see :func:`can_read`), else None."""
    photo = session.get(Photo, sha256)
    return photo if photo is not None and can_read(session, principal, sha256) else None
