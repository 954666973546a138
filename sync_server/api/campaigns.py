"""Campaigns."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from common import schemas as s
from common.errors import ValidationFailed, field_error
from common.vocab import Role
from sync_server.api.deps import CurrentUser, SessionDep, allow
from sync_server.domain import campaigns as domain

router = APIRouter(tags=["campaigns"])


@router.get("/campaigns", response_model=list[s.Campaign], **allow())
def list_campaigns(session: SessionDep) -> list[s.Campaign]:
    return [_out(c) for c in domain.list_campaigns(session)]


@router.put("/admin/campaigns/{campaign_id}", response_model=s.Campaign, **allow(Role.ADMIN))
def put_campaign(
    campaign_id: uuid.UUID, body: s.Campaign, principal: CurrentUser, session: SessionDep
) -> s.Campaign:
    if body.id != campaign_id:
        raise ValidationFailed([field_error("id", "invalid")])
    return _out(domain.save_campaign(session, principal, body))


def _out(row: Any) -> s.Campaign:
    """The shared campaign shape of a stored row (its sync bookkeeping columns left out)."""
    return s.Campaign.model_validate(row.model_dump(include=set(s.Campaign.model_fields)))
