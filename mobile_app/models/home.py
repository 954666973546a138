"""Home: the agencies assigned to this surveyor with their status this campaign."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from common.text import fold
from mobile_app.models.base import Observable
from mobile_app.models.prefs import Preferences
from mobile_app.store import LocalStore

SUMMARY_TYPES = ("visit", "fonds", "box", "file_record", "nil_report")


class AgencyProgress(StrEnum):
    NOT_VISITED = "not_visited"
    IN_PROGRESS = "in_progress"
    LISTED = "listed"
    NIL_REPORT = "nil_report"
    SENT_BACK = "sent_back"

    @property
    def text_key(self) -> str:
        return f"status_{self.value}"


@dataclass(frozen=True)
class AgencyRow:
    code: str
    name: str
    status: AgencyProgress
    files: int
    sent_back: int
    search: str


def current_campaign(store: LocalStore) -> dict[str, Any] | None:
    """The active campaign with the latest year the server sent, if any."""
    active = [r.data for r in store.records("campaign") if r.data.get("active", True)]
    return max(active, key=lambda c: (c.get("year") or 0, str(c.get("id")))) if active else None


def agency_status(counts: dict[str, tuple[int, int]], visit_ended: bool) -> AgencyProgress:
    """Sent back wins; then a nil report; a finished visit with files is listed; any work is progress."""
    sent_back = sum(back for _n, back in counts.values())
    if sent_back:
        return AgencyProgress.SENT_BACK
    if counts.get("nil_report", (0, 0))[0]:
        return AgencyProgress.NIL_REPORT
    if visit_ended and counts.get("file_record", (0, 0))[0]:
        return AgencyProgress.LISTED
    if any(n for n, _back in counts.values()):
        return AgencyProgress.IN_PROGRESS
    return AgencyProgress.NOT_VISITED


class HomeModel(Observable):
    def __init__(self, store: LocalStore, prefs: Preferences) -> None:
        super().__init__()
        self.store = store
        self.prefs = prefs
        self.query = ""
        self.all_rows: list[AgencyRow] = []
        self.campaign: dict[str, Any] | None = None
        self.pending_records = 0
        self.pending_photos = 0
        self.last_sync: dt.datetime | None = None
        self.refresh()

    def refresh(self) -> None:
        """Re-read agencies, their status, and the pending counts (one grouped query for the status)."""
        self.campaign = current_campaign(self.store)
        campaign_id = str(self.campaign["id"]) if self.campaign else None
        summary = self.store.agency_summary(SUMMARY_TYPES, campaign_id)
        ended = {
            v.agency_code
            for v in self.store.records("visit")
            if v.data.get("ended_at")
            and (campaign_id is None or v.data.get("campaign_id") in (None, campaign_id))
        }
        rows = []
        for rec in self.store.records("agency"):
            counts = summary.get(rec.id, {})
            rows.append(
                AgencyRow(
                    code=rec.id,
                    name=rec.data.get("name", rec.id),
                    status=agency_status(counts, rec.id in ended),
                    files=counts.get("file_record", (0, 0))[0],
                    sent_back=sum(back for _n, back in counts.values()),
                    search=rec.search or fold(f"{rec.id} {rec.data.get('name', '')}"),
                )
            )
        self.all_rows = sorted(rows, key=lambda r: fold(r.name))
        self.pending_records = self.store.pending_count()
        self.pending_photos = self.store.pending_photo_totals()[0]
        self.last_sync = self.prefs.last_sync_at
        self.notify()

    @property
    def rows(self) -> list[AgencyRow]:
        """Agencies whose code or name contains every word of the query, accents ignored."""
        words = fold(self.query).split()
        return [r for r in self.all_rows if all(w in r.search for w in words)]

    def set_query(self, query: str) -> None:
        self.query = query
        self.notify()
