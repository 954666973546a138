"""The digitization plan 2026–2033 (staff): batches, a suggested plan by risk and yearly capacity,
applying it, moving files or whole fonds between years, and the plan against what was done."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from common.schemas import NoNul
from common.vocab import STAFF, Role
from sync_server.api.deps import CurrentUser, SessionDep, allow
from sync_server.domain import plan as domain

router = APIRouter(tags=["digitization plan"])
STAFF_ONLY = allow(*STAFF)
PlanYear = Annotated[int, Field(ge=domain.FIRST_YEAR, le=domain.LAST_YEAR)]
Pages = Annotated[int, Field(ge=0, le=10**9)]


class BatchIn(NoNul):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    year: PlanYear
    name: str = Field(min_length=1, max_length=100)
    note: str = Field(default="", max_length=2000)


class SuggestIn(NoNul):
    model_config = ConfigDict(extra="forbid")

    capacity: Pages
    """Pages a year."""
    capacities: dict[PlanYear, Pages] = Field(default_factory=dict, max_length=8)
    """Years whose capacity differs."""
    from_year: PlanYear | None = None
    """The first year to fill (default: this year, at least 2026)."""
    limit: int = Field(default=100, ge=0, le=1000)
    """How many files of the risk order to show (the most urgent first)."""


class SuggestedFileOut(BaseModel):
    rank: int
    record_id: str
    agency_code: str
    fonds_id: str
    box_id: str | None
    pages: int
    year: int | None
    reasons: list[str]
    reasons_en: list[str]


class SuggestionOut(BaseModel):
    years: list[domain.YearLoad]
    placed_files: int
    unplaced_files: int
    unplaced_pages: int
    unknown_pages: int
    """Files with neither pages nor leaves recorded (counted as no pages)."""
    conservation: int
    """Listed files left out because they are hard to read (conservation comes first)."""
    files: list[SuggestedFileOut]
    """The first ``limit`` files in risk order."""


class MoveIn(NoNul):
    """Files, or every listed file of a fonds, to a plan year (and batch)."""

    model_config = ConfigDict(extra="forbid")

    year: PlanYear
    ids: list[uuid.UUID] | None = Field(default=None, max_length=domain.MAX_IDS)
    fonds_id: uuid.UUID | None = None
    batch_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


def _suggestion(found: domain.Suggestion, limit: int) -> SuggestionOut:
    return SuggestionOut(
        years=found.years,
        placed_files=len(found.placed),
        unplaced_files=found.unplaced_files,
        unplaced_pages=found.unplaced_pages,
        unknown_pages=found.unknown_pages,
        conservation=found.conservation,
        files=[
            SuggestedFileOut(
                rank=f.rank,
                record_id=f.candidate.record_id,
                agency_code=f.candidate.agency_code,
                fonds_id=f.candidate.fonds_id,
                box_id=f.candidate.box_id,
                pages=f.candidate.pages,
                year=f.year,
                reasons=f.candidate.reasons("vi"),
                reasons_en=f.candidate.reasons("en"),
            )
            for f in found.files[:limit]
        ],
    )


@router.get(
    "/plan/batches", response_model=list[domain.BatchView], **allow(*STAFF, Role.DIGITIZATION_OPERATOR)
)
def list_batches(
    principal: CurrentUser, session: SessionDep, year: int | None = None
) -> list[domain.BatchView]:
    """The batches (of a year): what boxes are checked out to."""
    return domain.batches(session, principal, year)


@router.post("/plan/batches", response_model=domain.BatchView, status_code=201, **STAFF_ONLY)
def create_batch(body: BatchIn, principal: CurrentUser, session: SessionDep) -> domain.BatchView:
    return domain.create_batch(session, principal, body.year, body.name, body.note)


@router.post("/plan/suggest", response_model=SuggestionOut, **STAFF_ONLY)
def suggest(body: SuggestIn, principal: CurrentUser, session: SessionDep) -> SuggestionOut:
    """A plan by risk and yearly capacity for the listed files not yet in it; nothing is written."""
    found = domain.suggest(
        session, principal, body.capacity, capacities=body.capacities, from_year=body.from_year
    )
    return _suggestion(found, body.limit)


@router.post("/plan/apply", response_model=SuggestionOut, **STAFF_ONLY)
def apply(body: SuggestIn, principal: CurrentUser, session: SessionDep) -> SuggestionOut:
    """Compute the suggestion again and put its placed files in the plan."""
    found = domain.apply(
        session, principal, body.capacity, capacities=body.capacities, from_year=body.from_year
    )
    return _suggestion(found, body.limit)


@router.post("/plan/move", response_model=domain.MoveResult, **STAFF_ONLY)
def move(body: MoveIn, principal: CurrentUser, session: SessionDep) -> domain.MoveResult:
    """Put files (``ids``) or every listed file of a fonds (``fonds_id``) in a plan year and batch."""
    return domain.move(
        session,
        principal,
        body.year,
        record_ids=[str(i) for i in body.ids] if body.ids is not None else None,
        fonds_id=str(body.fonds_id) if body.fonds_id else None,
        batch_id=body.batch_id,
    )


@router.get("/plan/summary", response_model=domain.PlanProgress, **STAFF_ONLY)
def summary(principal: CurrentUser, session: SessionDep) -> domain.PlanProgress:
    """Files and pages planned, scanned and accepted per year 2026–2033 (``year`` null: the total
    of every year)."""
    return domain.progress(session, principal)
