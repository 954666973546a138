"""Scanned masters uploaded through the server (the web page, the API), resumably, then ingested.

Each PDF is uploaded in chunks into the master store's partial uploads (the photo upload's offsets:
a chunk is appended at the offset the upload holds, and an interrupted upload resumes from there).
An upload is named by who sends it and the PDF's name and size, so the same user choosing the same
file again finds what they sent before. Once every byte is there, :func:`ingest_uploads` takes the
completed PDFs in as one run of :func:`~sync_server.domain.scans.ingest.ingest`, under the names
they were chosen by (the naming rule matches each to its file), and lets the uploads go.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from sqlmodel import Session

from common.errors import Malformed, NotAllowed, Refused, ValidationFailed, field_error
from sync_server.auth import Principal
from sync_server.domain.photos import OffsetConflict
from sync_server.domain.scans.ingest import INGEST_ROLES, NAME_MAX, Delivered, ingest
from sync_server.domain.scans.names import PDF_SUFFIX
from sync_server.domain.scans.reader import PdfReader
from sync_server.models import IngestRun
from sync_server.storage.base import OffsetMismatch, PhotoStore

CHUNK_BYTES = 8 * 1024 * 1024
"""The largest chunk one request appends (the pages send this much at a time)."""
MAX_FILES = 500
"""PDFs one ingest of uploads takes."""


@dataclass(frozen=True)
class Upload:
    """One PDF being uploaded: its name as chosen (the naming rule reads it) and its whole size."""

    name: str
    size: int

    def key(self, user_id: int) -> str:
        """The name of ``user_id``'s upload of this PDF among the store's partial uploads."""
        return hashlib.sha256(f"scan-upload:{user_id}:{self.size}:{self.name}".encode()).hexdigest()


def upload(name: str, size: int, max_bytes: int) -> Upload:
    """An upload of the PDF ``name`` (a path's last part is kept) of ``size`` bytes, checked."""
    base = PureWindowsPath(PurePosixPath(name.replace("\x00", "")).name).name.strip()
    if not base or len(base) > NAME_MAX or not base.lower().endswith(PDF_SUFFIX):
        raise ValidationFailed([field_error("name", "not_a_pdf_name", input=base[:80])])
    if size < 1:
        raise Malformed(details=[field_error("size", "length_mismatch")])
    if size > max_bytes:
        raise Refused("payload_too_large", [field_error("size", "file_too_big", max_bytes=max_bytes)])
    return Upload(base, size)


def _may(principal: Principal) -> None:
    if principal.role not in INGEST_ROLES:
        raise NotAllowed()


def held(store: PhotoStore, principal: Principal, item: Upload) -> int:
    """How many bytes of the caller's upload of ``item`` the server holds (where to resume)."""
    _may(principal)
    return store.partial_size(item.key(principal.user_id))


def append(store: PhotoStore, principal: Principal, item: Upload, offset: int, chunk: bytes) -> int:
    """Append ``chunk`` at ``offset`` of the caller's upload of ``item``; returns the bytes held.
    Raises :class:`OffsetConflict` (with where to resume) when ``offset`` is not what is held."""
    _may(principal)
    if len(chunk) > CHUNK_BYTES or offset + len(chunk) > item.size or not chunk:
        raise Malformed(details=[field_error("chunk", "length_mismatch")])
    try:
        return store.append_partial(item.key(principal.user_id), offset, chunk)
    except OffsetMismatch as exc:
        raise OffsetConflict(exc.current) from None


def ingest_uploads(
    session: Session,
    store: PhotoStore,
    principal: Principal,
    items: list[Upload],
    *,
    reader: PdfReader | None = None,
) -> IngestRun:
    """Ingest the caller's completed uploads of ``items`` as one run (the report has a line for
    each, in the order given), then let the uploads go: a refused PDF is chosen again once mended.
    An upload not complete is refused before anything is read."""
    _may(principal)
    items = list(dict.fromkeys(items))
    if not items:
        raise ValidationFailed([field_error("files", "missing")])
    if len(items) > MAX_FILES:
        raise ValidationFailed([field_error("files", "too_many_items", max_length=MAX_FILES)])
    keys = [item.key(principal.user_id) for item in items]
    for item, key in zip(items, keys, strict=True):
        if store.partial_size(key) != item.size:
            raise ValidationFailed([field_error("files", "upload_incomplete", input=item.name)])
    with tempfile.TemporaryDirectory(prefix="saoluu-upload-") as folder:
        delivered = []
        for n, (item, key) in enumerate(zip(items, keys, strict=True), 1):
            path = Path(folder, f"{n}.pdf")
            with open(path, "wb") as out:
                store.copy_partial(key, out)
            delivered.append(Delivered(n, item.name, path, item.size))
        run = ingest(session, store, f"upload:{principal.user_id}", delivered, principal, reader=reader)
    for key in keys:
        store.discard_partial(key)
    return run
