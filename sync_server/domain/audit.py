"""The append-only audit trail; written in the same transaction as the change it records."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from sync_server.auth import Principal
from sync_server.models import AuditLog


def audit(
    session: Session,
    actor: Principal | None,
    entity_type: str,
    entity_id: str,
    action: str,
    *,
    before: int | None = None,
    after: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one history row; ``actor`` None means the server itself (CLI, demo seeding)."""
    session.add(
        AuditLog(
            user_id=actor.user_id if actor else None,
            device_id=actor.device_id if actor else None,
            entity_type=entity_type,
            entity_id=entity_id,
            action=action,
            version_before=before,
            version_after=after,
            detail=detail,
        )
    )


def history(session: Session, entity_type: str, entity_id: str) -> list[AuditLog]:
    return list(
        session.exec(
            select(AuditLog)
            .where(AuditLog.entity_type == entity_type, AuditLog.entity_id == entity_id)
            .order_by(col(AuditLog.id))
        ).all()
    )
