"""The quality check of a file's master (staff): what is held, its pages as thumbnails, the PDF.

The decisions themselves — accept, send back for rescanning — are
:func:`~sync_server.domain.digitization.mark_digitized` and
:func:`~sync_server.domain.digitization.send_for_rescan`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from sqlmodel import Session

from common.errors import NotFound
from common.vocab import STAFF
from sync_server.auth import Principal
from sync_server.domain.scans.render import NoSuchPage, render_page
from sync_server.models import FileDigitization, FileRecord, ScanMaster
from sync_server.storage.base import PhotoStore

PAGES_AT_ONCE = 24
"""Thumbnails a page of the quality check shows; further pages are a link away."""


@dataclass(frozen=True)
class MasterView:
    """A file's master as the quality check shows it."""

    record_id: str
    sha256: str
    size: int
    pages: int
    min_ppi: int

    def window(self, first: int, count: int = PAGES_AT_ONCE) -> range:
        """The page numbers from ``first`` (brought within the master) to show at once."""
        start = min(max(first, 1), max(self.pages, 1))
        return range(start, min(start + count, self.pages + 1))


def _staff(principal: Principal) -> None:
    principal.require_role(STAFF)


def master(session: Session, principal: Principal, record_id: str) -> MasterView | None:
    """The master a live file record holds (None if it holds none)."""
    _staff(principal)
    row = session.get(FileDigitization, record_id)
    if row is None or row.master_sha256 is None:
        return None
    record = session.get(FileRecord, record_id)
    held = session.get(ScanMaster, row.master_sha256)
    if record is None or record.deleted or held is None:
        return None
    return MasterView(record_id, held.sha256, held.size, held.pages, held.min_ppi)


def held_master(session: Session, principal: Principal, record_id: str) -> MasterView:
    """As :func:`master`, but not found when there is none."""
    view = master(session, principal, record_id)
    if view is None:
        raise NotFound()
    return view


def is_master(session: Session, principal: Principal, sha256: str) -> bool:
    """Whether ``sha256`` is a stored master (thumbnails are asked for by the master's hash)."""
    _staff(principal)
    return session.get(ScanMaster, sha256) is not None


def open_pdf(store: PhotoStore, view: MasterView) -> io.BufferedIOBase:
    """A stream of the master's bytes (read in chunks, never whole)."""
    try:
        return store.open(view.sha256)
    except FileNotFoundError:
        raise NotFound() from None


def thumbnail(store: PhotoStore, sha256: str, page_no: int) -> bytes:
    """Page ``page_no`` of the master as a small JPEG; not found when it has no such page."""
    try:
        return render_page(store, sha256, page_no)
    except (NoSuchPage, FileNotFoundError):
        raise NotFound() from None
