"""Survey campaigns (one per reporting year, usually)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from common import schemas as s
from sync_server.auth import Principal
from sync_server.domain.audit import audit
from sync_server.domain.sequence import next_seq
from sync_server.models import Campaign


def save_campaign(session: Session, actor: Principal | None, data: s.Campaign) -> Campaign:
    """Create or update a campaign (by id)."""
    row = session.get(Campaign, str(data.id))
    action = "update" if row is not None else "create"
    values = data.model_dump(exclude={"id"})
    if row is None:
        row = Campaign(id=str(data.id), **values)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    row.seq = next_seq(session)
    session.add(row)
    audit(session, actor, "campaign", row.id, action, detail=data.model_dump(mode="json"))
    session.commit()
    session.refresh(row)  # committed rows are expired: load them back for the caller
    return row


def list_campaigns(session: Session) -> list[Campaign]:
    return list(session.exec(select(Campaign).order_by(col(Campaign.year).desc())).all())
