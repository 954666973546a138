"""What a record's page shows around the record itself: its agency, campaign and fonds, its history
with the names of the people and tablets behind each change, and the reviewers' comments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from sync_server.auth import Principal
from sync_server.domain import review
from sync_server.domain.audit import history
from sync_server.domain.records import get_record
from sync_server.models import Agency, AuditLog, Campaign, Device, Fonds, ReviewComment, SyncedRow, User


@dataclass(frozen=True)
class Dossier:
    row: SyncedRow
    agency: Agency | None
    campaign: Campaign | None
    fonds: Fonds | None
    """The record's fonds (a file record's; None for a nil report)."""
    history: list[AuditLog]
    users: dict[int, str]
    """Names of the people in the history and the comments, by user id."""
    devices: dict[str, str]
    """Names of the tablets in the history, by device id."""
    comments: list[ReviewComment]
    """Oldest first."""

    @property
    def data(self) -> dict[str, Any]:
        return self.row.data


def dossier(session: Session, principal: Principal, kind_name: str, record_id: str) -> Dossier:
    """The record ``principal`` may read, with everything its page shows around it."""
    row = get_record(session, principal, kind_name, record_id)
    trail = history(session, kind_name, row.id)
    comments = review.comments(session, row.id)
    campaign_id = getattr(row, "campaign_id", None)
    fonds_id = getattr(row, "fonds_id", None)
    return Dossier(
        row=row,
        agency=session.get(Agency, row.agency_code),
        campaign=session.get(Campaign, campaign_id) if campaign_id else None,
        fonds=session.get(Fonds, fonds_id) if fonds_id else None,
        history=trail,
        users=_user_names(session, {h.user_id for h in trail} | {c.updated_by for c in comments}),
        devices=_device_names(session, {h.device_id for h in trail}),
        comments=comments,
    )


def _user_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted(i for i in ids if i)
    query = select(User).where(col(User.id).in_(wanted))
    return {u.id: u.full_name or u.username for u in session.execute(query).scalars() if u.id is not None}


def _device_names(session: Session, ids: Iterable[str | None]) -> dict[str, str]:
    wanted = sorted(d for d in ids if d)
    query = select(col(Device.id), col(Device.name)).where(col(Device.id).in_(wanted))
    return {device_id: name for device_id, name in session.execute(query)}
