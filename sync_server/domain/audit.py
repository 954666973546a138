"""The append-only audit trail; written in the same transaction as the change it records."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from common.tables import table_of
from sync_server.auth import Principal
from sync_server.domain.bulk import bulk_insert
from sync_server.models import AuditLog, utcnow


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


def audit_many(
    session: Session,
    actor: Principal | None,
    entity_type: str,
    action: str,
    rows: Iterable[tuple[str, int | None, dict[str, Any] | None]],
) -> None:
    """One history row per ``(entity id, version, detail)``, the version unchanged (a bulk act such
    as a plan applied to many files), written with one ``executemany``."""
    user, device = (actor.user_id, actor.device_id) if actor else (None, None)
    at = utcnow()
    bulk_insert(
        session.connection(),
        table_of(AuditLog),
        [
            {
                "at": at,
                "user_id": user,
                "device_id": device,
                "entity_type": entity_type,
                "entity_id": entity_id,
                "action": action,
                "version_before": version,
                "version_after": version,
                "rev": None,
                "detail": detail,
            }
            for entity_id, version, detail in rows
        ],
    )


def history(session: Session, entity_type: str, entity_id: str) -> list[AuditLog]:
    return list(
        session.exec(
            select(AuditLog)
            .where(AuditLog.entity_type == entity_type, AuditLog.entity_id == entity_id)
            .order_by(col(AuditLog.id))
        ).all()
    )
