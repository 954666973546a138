"""Custody of the originals (staff and digitization operators): check a box out to a batch or back
in by the code on its label, where every box is, one box's state and register, boxes out too long."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import ConfigDict, Field

from common.protocol import MAX_INT64
from common.schemas import AgencyCode, NoNul
from common.vocab import STAFF, BoxPlace, Role
from sync_server.api.deps import CurrentUser, SessionDep, allow
from sync_server.domain import custody as domain

router = APIRouter(tags=["custody"])
KEEPERS = allow(*STAFF, Role.DIGITIZATION_OPERATOR)


class CheckIn(NoNul):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=200, description="the box code, or the label's QR payload")
    counterpart: str = Field(default="", max_length=200, description="who hands the box over / takes it")
    note: str = Field(default="", max_length=2000)


class CheckOut(CheckIn):
    batch_id: int = Field(ge=1, le=2**31 - 1)


@router.post("/custody/check-out", response_model=domain.Movement, **KEEPERS)
def check_out(body: CheckOut, principal: CurrentUser, session: SessionDep) -> domain.Movement:
    """The box leaves the repository for a batch; its planned files go out with it (``files``). An
    unknown code answers 404, a box already out 409, each with a message that says so."""
    return domain.check_out(
        session, principal, body.code, body.batch_id, counterpart=body.counterpart, note=body.note
    )


@router.post("/custody/check-in", response_model=domain.Movement, **KEEPERS)
def check_in(body: CheckIn, principal: CurrentUser, session: SessionDep) -> domain.Movement:
    """The box is back in the repository (409 if it was not out)."""
    return domain.check_in(session, principal, body.code, counterpart=body.counterpart, note=body.note)


@router.get("/custody/boxes", response_model=list[domain.BoxWhere], **KEEPERS)
def where(
    principal: CurrentUser,
    session: SessionDep,
    place: BoxPlace | None = None,
    agency_code: AgencyCode | None = None,
    batch_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_INT64)] = 0,
) -> list[domain.BoxWhere]:
    """Where every box is, by code."""
    return domain.where(
        session,
        principal,
        place=place,
        agency_code=agency_code,
        batch_id=batch_id,
        limit=limit,
        offset=offset,
    )


@router.get("/custody/overdue", response_model=list[domain.BoxWhere], **KEEPERS)
def overdue(
    principal: CurrentUser,
    session: SessionDep,
    days: Annotated[int, Query(ge=0, le=36500)] = domain.OVERDUE_DAYS,
) -> list[domain.BoxWhere]:
    """Boxes out for longer than ``days``, the longest out first."""
    return domain.overdue(session, principal, days)


@router.get("/custody/boxes/{code}", response_model=domain.BoxStatus, **KEEPERS)
def box_status(code: str, principal: CurrentUser, session: SessionDep) -> domain.BoxStatus:
    """One box: where it is, its files by digitization state (``""``: not in digitization), its last
    movements."""
    return domain.status(session, principal, code)
