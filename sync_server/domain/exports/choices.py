"""What the caller may export: the kinds their role runs, the agencies in their scope with their
fonds, the campaigns."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from sync_server.auth import Principal
from sync_server.domain import agencies, campaigns
from sync_server.domain.exports.registry import ExportKind, kinds
from sync_server.models import Agency, Campaign, Fonds

LABELS = "labels"


@dataclass(frozen=True)
class ExportChoices:
    reports: list[ExportKind]
    """The reports (not the label sheets) the caller may run."""
    can_label: bool
    agencies: list[Agency]
    """By name; only the caller's own when their role is bound to agencies."""
    fonds_groups: list[tuple[Agency, list[Fonds]]]
    campaigns: list[Campaign]
    scoped: bool


def choices(session: Session, principal: Principal) -> ExportChoices:
    """What the exports page offers ``principal``."""
    role, scope = principal.role, principal.agency_codes
    in_scope = agencies.list_agencies(session, scope, by_name=True)
    fonds = agencies.fonds_of(session, [a.code for a in in_scope])
    return ExportChoices(
        reports=[k for k in kinds().values() if role in k.roles and k.name != LABELS],
        can_label=role in kinds()[LABELS].roles,
        agencies=in_scope,
        fonds_groups=[(a, fonds[a.code]) for a in in_scope if a.code in fonds],
        campaigns=campaigns.list_campaigns(session),
        scoped=scope is not None,
    )
