"""What every export shares: its filters, the caller's agency scope and progress reporting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, false

Scope = frozenset[str] | None
"""Agency codes the caller may see; None = every agency (reviewer, administrator)."""


@dataclass(frozen=True)
class ExportFilters:
    """What to export. Unset fields do not filter."""

    agency_code: str | None = None
    fonds_id: str | None = None
    campaign_id: str | None = None
    review_state: str | None = None
    year: int | None = None
    box_ids: tuple[str, ...] = ()
    layout: str | None = None


class Progress(Protocol):
    """Receives how many rows an export will write and how many it has written."""

    def set_total(self, total: int) -> None: ...

    def advance(self, rows: int) -> None: ...


class NoProgress:
    """A progress sink that ignores everything."""

    def set_total(self, total: int) -> None:
        pass

    def advance(self, rows: int) -> None:
        pass


def check_scope(filters: ExportFilters, scope: Scope) -> None:
    """Refuse an explicit agency filter outside the caller's scope."""
    if scope is not None and filters.agency_code is not None and filters.agency_code not in scope:
        from common.errors import NotAllowed  # here, not at the top: the writers stay pydantic-free

        raise NotAllowed()


def scoped(
    query: Select[Any], agency_col: ColumnElement[Any], filters: ExportFilters, scope: Scope
) -> Select[Any]:
    """Restrict ``query`` to the agency filter and the caller's scope."""
    check_scope(filters, scope)
    if filters.agency_code is not None:
        query = query.where(agency_col == filters.agency_code)
    if scope is not None:
        query = query.where(agency_col.in_(sorted(scope))) if scope else query.where(false())
    return query
