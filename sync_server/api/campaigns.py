"""Campaigns."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from common import schemas as s
from common.errors import ValidationFailed, field_error
from common.vocab import Role
from sync_server.api.deps import CurrentUser, SessionDep, allow
from sync_server.domain import campaigns as domain

router = APIRouter(tags=["campaigns"])


@router.get("/campaigns", response_model=list[s.Campaign], **allow())
def list_campaigns(session: SessionDep) -> list[s.Campaign]:
    return [s.Campaign.model_validate(c.model_dump()) for c in domain.list_campaigns(session)]


@router.put("/admin/campaigns/{campaign_id}", response_model=s.Campaign, **allow(Role.ADMIN))
def put_campaign(
    campaign_id: uuid.UUID, body: s.Campaign, principal: CurrentUser, session: SessionDep
) -> s.Campaign:
    if body.id != campaign_id:
        raise ValidationFailed([field_error("id", "invalid")])
    return s.Campaign.model_validate(domain.save_campaign(session, principal, body).model_dump())
