"""The archive centre's overview of a campaign: who has reported, what was found, who synced.

Where each agency of the deposit list stands is :mod:`sync_server.domain.standing`'s definition,
the same the yearly report and the agency head's page use.

The figures come from :class:`~sync_server.models.CampaignCount`, which database triggers keep
exact on every write (migration 0005): reading a few hundred count rows costs the same at a
million files as at ten, where even a covering-index ``GROUP BY`` steps through every entry.
:func:`recount` rebuilds the counts from the tables.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, delete, false, func, select, text, true
from sqlmodel import Session, col

from common.tables import table_of
from common.vocab import Carrier, Criterion, DamageType, Severity
from sync_server.domain import standing
from sync_server.domain.preservation.figures import Figures, figures
from sync_server.domain.standing import AgencyFacts, ComplianceStatus, status_of
from sync_server.models import Agency, AuditLog, Campaign, CampaignCount, Device, Fonds, User, utcnow

_C = table_of(CampaignCount)
NO_CAMPAIGN = ""
ACTIVITY_HOURS = 24
SYNC_ACTIONS = ("create", "update", "delete", "conflict")


def campaigns(session: Session) -> list[Campaign]:
    """Every campaign, the most recent first."""
    query = select(Campaign).order_by(col(Campaign.year).desc(), col(Campaign.starts_on).desc())
    return list(session.execute(query).scalars())


def pick_campaign(session: Session, campaign_id: str | None = None) -> Campaign | None:
    """The campaign asked for, else the current one: the latest active (or, failing that, latest)."""
    all_ = campaigns(session)
    if campaign_id:
        return next((c for c in all_ if c.id == campaign_id), None)
    return next((c for c in all_ if c.active), all_[0] if all_ else None)


@dataclass(frozen=True)
class AgencyLine:
    code: str
    name: str
    kind: str
    parent_code: str | None
    agency_status: str
    status: ComplianceStatus
    facts: AgencyFacts


def deposit_agencies(
    session: Session,
    *,
    kind: str | None = None,
    parent: str | None = None,
    scope: frozenset[str] | None = None,
) -> list[Row[Any]]:
    """Agencies of the deposit list (code, name, kind, parent_code, status), by code."""
    a = table_of(Agency).c
    query = select(a.code, a.name, a.kind, a.parent_code, a.status).where(a.in_deposit_list == true())
    if kind:
        query = query.where(a.kind == kind)
    if parent:
        query = query.where(a.parent_code == parent)
    if scope is not None:
        query = query.where(a.code.in_(sorted(scope)))
    return list(session.execute(query.order_by(a.code)).all())


def _counts(session: Session, campaign_id: str) -> dict[str, list[tuple[str, str, int]]]:
    """The campaign's non-zero counts by kind: ``{kind: [(key1, key2, n), ...]}``."""
    out: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    query = select(_C.c.kind, _C.c.key1, _C.c.key2, _C.c.n).where(
        _C.c.campaign_id == campaign_id, _C.c.n != 0
    )
    for kind, key1, key2, n in session.execute(query):
        out[kind].append((key1, key2, n))
    return out


def compliance(
    session: Session,
    campaign_id: str,
    *,
    kind: str | None = None,
    parent: str | None = None,
    status: ComplianceStatus | None = None,
    scope: frozenset[str] | None = None,
) -> list[AgencyLine]:
    """Every agency of the deposit list with its status and counts in the campaign."""
    agencies = deposit_agencies(session, kind=kind, parent=parent, scope=scope)
    facts = standing.agency_facts(session, campaign_id, [a.code for a in agencies])
    fonds = (
        select(col(Fonds.agency_code), func.count())
        .where(col(Fonds.deleted) == false())
        .group_by(col(Fonds.agency_code))
    )
    for code, n in session.execute(fonds):
        if code in facts:
            facts[code].fonds = n
    lines = [
        AgencyLine(a.code, a.name, a.kind, a.parent_code, a.status, status_of(facts[a.code]), facts[a.code])
        for a in agencies
    ]
    return [line for line in lines if status is None or line.status == status]


@dataclass(frozen=True)
class ActivityLine:
    username: str
    full_name: str
    device_name: str | None
    last_sync_at: dt.datetime
    changes: int
    conflicts: int


@dataclass
class Dashboard:
    campaign: Campaign | None
    status_counts: dict[ComplianceStatus, int]
    agencies: int
    files: int
    conservation: int
    """Files for conservation first (a damage leaves them hard to read)."""
    unassigned_files: int
    by_criterion: dict[Criterion, int]
    by_carrier: dict[Carrier, int]
    damage: dict[tuple[DamageType, Severity], int]
    activity: list[ActivityLine]
    preservation: Figures | None = None
    """Insurance copies, fixity and handovers (not per campaign)."""


def dashboard(session: Session, campaign: Campaign | None) -> Dashboard:
    """The figures of the dashboard for one campaign (empty figures without a campaign)."""
    agencies = deposit_agencies(session)
    status_counts = dict.fromkeys(ComplianceStatus, 0)
    recent = activity(session)
    if campaign is None:
        status_counts[ComplianceStatus.NOT_VISITED] = len(agencies)
        return Dashboard(None, status_counts, len(agencies), 0, 0, 0, {}, {}, {}, recent, figures(session))
    counts = _counts(session, campaign.id)
    facts = standing.agency_facts(session, campaign.id, [a.code for a in agencies])
    for a in agencies:
        status_counts[status_of(facts[a.code])] += 1
    by_criterion = dict.fromkeys(Criterion, 0)
    by_carrier = dict.fromkeys(Carrier, 0)
    files = 0
    for criteria, carrier, n in counts.get("file", []):
        files += n
        for code in criteria.split(","):
            if code in Criterion._value2member_map_:
                by_criterion[Criterion(code)] += n
        if carrier in Carrier._value2member_map_:
            by_carrier[Carrier(carrier)] += n
    damage = {(d, s): 0 for d in DamageType for s in Severity}
    for damage_type, severity, n in counts.get("damage", []):
        key = (damage_type, int(severity))
        if damage_type in DamageType._value2member_map_ and key[1] in Severity._value2member_map_:
            damage[(DamageType(damage_type), Severity(key[1]))] += n
    unassigned = sum(n for _, _, n in _counts(session, NO_CAMPAIGN).get("file", []))
    return Dashboard(
        campaign=campaign,
        status_counts=status_counts,
        agencies=len(agencies),
        files=files,
        conservation=sum(standing.conservation_counts(session, campaign.id).values()),
        unassigned_files=unassigned,
        by_criterion=by_criterion,
        by_carrier=by_carrier,
        damage=damage,
        activity=recent,
        preservation=figures(session),
    )


RECOUNT = text(
    """
INSERT INTO campaigncount (campaign_id, kind, key1, key2, n)
SELECT coalesce(campaign_id, ''), 'file', criteria, carrier, count(*) FROM filerecord
 WHERE deleted = false GROUP BY coalesce(campaign_id, ''), criteria, carrier
UNION ALL
SELECT coalesce(campaign_id, ''), 'agency', agency_code, review_state, count(*) FROM filerecord
 WHERE deleted = false GROUP BY coalesce(campaign_id, ''), agency_code, review_state
UNION ALL
SELECT coalesce(campaign_id, ''), 'damage', damage_type, CAST(severity AS VARCHAR(20)), count(*)
  FROM filedamage
 GROUP BY coalesce(campaign_id, ''), damage_type, CAST(severity AS VARCHAR(20))
"""
)


def recount(session: Session) -> None:
    """Rebuild every campaign count from the tables (after a bulk load that bypassed the triggers)."""
    session.execute(delete(CampaignCount))
    session.execute(RECOUNT)
    session.commit()


def count_rows(session: Session) -> dict[tuple[str, str, str, str], int]:
    """Every non-zero count, keyed by (campaign, kind, key1, key2) (for checks and tests)."""
    query = select(_C.c.campaign_id, _C.c.kind, _C.c.key1, _C.c.key2, _C.c.n).where(_C.c.n != 0)
    return {(c, k, k1, k2): n for c, k, k1, k2, n in session.execute(query)}


def _activity_query(since: dt.datetime) -> Select[Any]:
    a = table_of(AuditLog).c
    return (
        select(a.device_id, a.user_id, a.action, func.count(), func.max(a.at))
        .where(a.at >= since, a.device_id.is_not(None), a.action.in_(SYNC_ACTIONS))
        .group_by(a.device_id, a.user_id, a.action)
    )


def activity(session: Session, hours: int = ACTIVITY_HOURS, limit: int = 20) -> list[ActivityLine]:
    """Devices that pushed changes in the last ``hours``, latest first: how many, and conflicts met."""
    rows = session.execute(_activity_query(utcnow() - dt.timedelta(hours=hours))).all()
    return _activity_lines(session, rows, limit)


def _activity_lines(
    session: Session, rows: Sequence[Row[*tuple[Any, ...]]], limit: int = 20
) -> list[ActivityLine]:
    per_device: dict[tuple[str, int | None], list[Any]] = {}
    for device_id, user_id, action, n, last in rows:
        entry = per_device.setdefault((device_id, user_id), [0, 0, last])
        entry[1 if action == "conflict" else 0] += n
        entry[2] = max(entry[2], last)
    latest = sorted(per_device.items(), key=lambda item: item[1][2], reverse=True)[:limit]
    devices = dict(
        session.execute(
            select(col(Device.id), col(Device.name)).where(col(Device.id).in_([d for (d, _), _ in latest]))
        ).all()
    )
    users = {
        u.id: u
        for u in session.execute(
            select(User).where(col(User.id).in_([u for (_, u), _ in latest if u is not None]))
        ).scalars()
    }
    out = []
    for (device_id, user_id), (changes, conflicts, last) in latest:
        user = users.get(user_id)
        out.append(
            ActivityLine(
                username=user.username if user else "?",
                full_name=user.full_name if user else "",
                device_name=devices.get(device_id),
                last_sync_at=last,
                changes=changes,
                conflicts=conflicts,
            )
        )
    return out
