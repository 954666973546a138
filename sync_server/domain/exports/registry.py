"""The export kinds and how they run (at once, or as a background job).

Each kind says who may run it, how to count its rows (to decide between answering at once and a
background job, and to show progress) and how to write its file.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import IO

from pydantic import ConfigDict, Field
from sqlalchemy import Connection, Engine

from common.errors import NotAllowed, NotFound, field_error
from common.labels import LayoutName
from common.schemas import AgencyCode, NoNul
from common.vocab import STAFF, ReviewState, Role
from sync_server.auth import Principal
from sync_server.domain.exports.base import ExportFilters, NoProgress, Progress, Scope, check_scope
from sync_server.domain.jobs import Job, JobRegistry

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
STAFF_AND_HEADS = frozenset({*STAFF, Role.AGENCY_HEAD})

Counter = Callable[[Connection, ExportFilters, Scope], int]
Writer = Callable[[Connection, ExportFilters, Scope, IO[bytes], Progress], None]


class ExportParams(NoNul):
    """What to export; every field is optional (an agency head is always limited to their agency)."""

    model_config = ConfigDict(extra="forbid")

    agency_code: AgencyCode | None = None
    fonds_id: uuid.UUID | None = None
    campaign_id: uuid.UUID | None = None
    review_state: ReviewState | None = None
    year: int | None = Field(default=None, ge=2000, le=2200, description="Report year (yearly report title)")
    box_ids: list[uuid.UUID] = Field(default_factory=list, max_length=5000, description="Labels: these boxes")
    layout: LayoutName | None = Field(default=None, description="Labels: sheet layout")

    def filters(self) -> ExportFilters:
        return ExportFilters(
            agency_code=self.agency_code,
            fonds_id=str(self.fonds_id) if self.fonds_id else None,
            campaign_id=str(self.campaign_id) if self.campaign_id else None,
            review_state=self.review_state.value if self.review_state else None,
            year=self.year,
            box_ids=tuple(str(b) for b in self.box_ids),
            layout=self.layout,
        )


@dataclass(frozen=True)
class ExportKind:
    """One kind of export: its name in URLs, its titles, who may run it, how to count and write it."""

    name: str
    vi: str
    en: str
    file_stem: str
    media_type: str
    roles: frozenset[Role]
    count: Counter
    write: Writer
    direct_limit: int
    """Up to this many rows the file is made during the request; above, a background job makes it."""

    @property
    def suffix(self) -> str:
        return ".pdf" if self.media_type == PDF else ".xlsx"

    def filename(self, filters: ExportFilters, today: dt.date | None = None) -> str:
        """An ASCII file name: ``danh-muc-ho-so_000.00.01.H47_2026-12-01.xlsx``."""
        parts = [self.file_stem, filters.agency_code, str(filters.year) if filters.year else None]
        parts.append((today or dt.date.today()).isoformat())
        return "_".join(p for p in parts if p) + self.suffix


@cache
def kinds() -> dict[str, ExportKind]:
    """Every export kind by name."""
    from sync_server.domain import labels
    from sync_server.domain.exports import catalogue, handover, yearly

    return {
        k.name: k
        for k in (
            ExportKind(
                "catalogue",
                "Danh mục hồ sơ thuộc diện số hóa",
                "Catalogue of files to digitize",
                "danh-muc-ho-so",
                XLSX,
                STAFF_AND_HEADS,
                catalogue.count,
                catalogue.write,
                direct_limit=5000,
            ),
            ExportKind(
                "yearly_report",
                "Báo cáo hằng năm (trước 15/12)",
                "Yearly report (before 15 December)",
                "bao-cao-nam",
                XLSX,
                STAFF,
                yearly.count,
                yearly.write,
                direct_limit=2000,
            ),
            ExportKind(
                "handover",
                "Danh mục bàn giao theo phông, công trình, sưu tập",
                "Handover catalogue by fonds, work, collection",
                "danh-muc-ban-giao",
                XLSX,
                STAFF_AND_HEADS,
                handover.count,
                handover.write,
                direct_limit=2000,
            ),
            ExportKind(
                "labels",
                "Nhãn hộp (QR, khổ A4)",
                "Box labels (QR, A4 sheets)",
                "nhan-hop",
                PDF,
                STAFF_AND_HEADS,
                labels.count,
                labels.write,
                direct_limit=112,
            ),
        )
    }


def export_kind(name: str) -> ExportKind:
    kind = kinds().get(name)
    if kind is None:
        raise NotFound(details=[field_error("kind", "not_in_vocab", input=name)])
    return kind


def authorize(kind: ExportKind, role: Role, filters: ExportFilters, scope: Scope) -> None:
    """Refuse a role that may not run ``kind`` or an agency filter outside the caller's scope."""
    if role not in kind.roles:
        raise NotAllowed()
    check_scope(filters, scope)


def prepare(kind_name: str, params: ExportParams, principal: Principal) -> tuple[ExportKind, ExportFilters]:
    """The kind and filters of an export ``principal`` may run (refused otherwise)."""
    kind = export_kind(kind_name)
    filters = params.filters()
    authorize(kind, principal.role, filters, principal.agency_codes)
    return kind, filters


def start_job(
    registry: JobRegistry,
    engine: Engine,
    owner_id: int,
    scope: Scope,
    kind: ExportKind,
    filters: ExportFilters,
) -> Job:
    """Make ``kind`` in the background (its own connection), as ``owner_id`` with ``scope``."""

    def work(out: IO[bytes], progress: Progress) -> None:
        with engine.connect() as conn:
            kind.write(conn, filters, scope, out, progress)

    return registry.submit(kind.name, owner_id, kind.filename(filters), kind.media_type, work)


__all__ = [
    "PDF",
    "XLSX",
    "ExportFilters",
    "ExportKind",
    "ExportParams",
    "NoProgress",
    "Progress",
    "Scope",
    "authorize",
    "export_kind",
    "kinds",
    "prepare",
    "start_job",
]
