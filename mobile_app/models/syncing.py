"""The sync screen's model: runs the sync engine and explains what happened."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mobile_app.models.base import Clock, Observable, utc_now
from mobile_app.models.i18n import human_bytes, local_time, t
from mobile_app.models.prefs import Preferences
from mobile_app.store import LocalRecord, LocalStore
from mobile_app.sync import SyncEngine, SyncError, SyncStatus

EngineFactory = Callable[[Callable[[SyncStatus], None]], SyncEngine]
"""Builds an engine for one run, wired to report its status to the given callback."""

RECORD_TYPES = ("visit", "fonds", "box", "file_record", "nil_report")


def record_label(type_: str, data: dict[str, Any]) -> str:
    """A short human label for a record in lists."""
    if type_ == "file_record":
        return f"{data.get('file_no') or '?'} – {data.get('title') or ''}".strip(" –")
    if type_ == "fonds":
        return f"{data.get('number')} – {data.get('name')}"
    if type_ == "box":
        return str(data.get("code") or data.get("box_no"))
    if type_ == "nil_report":
        return f"{data.get('doc_number') or ''} {data.get('signer_name') or ''}".strip()
    if type_ == "visit":
        return f"{data.get('agency_code')} {str(data.get('started_at') or '')[:10]}"
    return str(data.get("id", ""))


@dataclass(frozen=True)
class RecordItem:
    type: str
    id: str
    agency_code: str | None
    label: str
    comments: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def opens_form(self) -> bool:
        return self.type in ("file_record", "nil_report")


class SyncModel(Observable):
    """Runs one sync at a time (call :meth:`run` off the UI thread) and keeps its last status."""

    def __init__(
        self,
        store: LocalStore,
        prefs: Preferences,
        make_engine: EngineFactory,
        clock: Clock = utc_now,
        on_synced: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.prefs = prefs
        self.make_engine = make_engine
        self.clock = clock
        self.on_synced = on_synced
        self.status = SyncStatus()
        self.failure: str | None = None  # None | offline | unauthorized | error
        self.finished_at = None
        self._run_lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._run_lock.locked()

    def _on_status(self, status: SyncStatus) -> None:
        self.status = status
        self.notify()

    def run(self) -> bool:
        """Push, upload photos, pull. False when offline or refused (nothing is lost either way)."""
        if not self._run_lock.acquire(blocking=False):
            return False
        try:
            self.failure = None
            self.status = SyncStatus(phase="pushing")
            self.notify()
            engine = self.make_engine(self._on_status)
            try:
                engine.sync()
            except SyncError as exc:
                self.failure = (
                    "offline" if exc.offline else ("unauthorized" if exc.status == 401 else "error")
                )
                return False
            finally:
                engine.http.close()
            self.finished_at = self.clock()
            self.prefs.set_last_sync_at(self.finished_at)
            return True
        finally:
            self._run_lock.release()
            self.notify()
            if self.on_synced is not None:
                self.on_synced()

    # --- what the screen shows -----------------------------------------------------------------

    def progress(self) -> float:
        """One bar: records first (0–30 %), then photos by bytes (30–90 %), then the pull."""
        s = self.status
        if s.phase == "pushing":
            return 0.3 * (s.records_sent / s.records_total if s.records_total else 0.0)
        if s.phase == "uploading":
            return 0.3 + 0.6 * (s.photo_bytes_sent / s.photo_bytes_total if s.photo_bytes_total else 1.0)
        if s.phase == "pulling":
            return 0.95
        return 1.0 if s.phase == "done" else 0.0

    def phase_text(self, lang: str) -> str:
        s = self.status
        if self.failure == "unauthorized":
            return t("phase_unauthorized", lang)
        if s.phase == "offline":
            return t("phase_offline", lang)
        if s.phase == "error":
            return t("phase_error", lang, message=s.message[:200])
        if s.phase == "pushing":
            return t("phase_pushing", lang, sent=s.records_sent, total=s.records_total)
        if s.phase == "uploading":
            total = human_bytes(s.photo_bytes_total)
            return t("phase_uploading", lang, sent=human_bytes(s.photo_bytes_sent), total=total)
        if s.phase == "pulling":
            return t("phase_pulling", lang, n=s.pulled)
        if s.phase == "done":
            return t("phase_done", lang, when=local_time(self.finished_at))
        return t("phase_idle", lang)

    def summary(self, lang: str) -> str | None:
        s = self.status
        if s.phase != "done":
            return None
        return t(
            "result_summary",
            lang,
            applied=s.applied,
            conflicts=s.conflicts,
            rejected=s.rejected,
            pulled=s.pulled,
        )

    def pending_records(self, limit: int = 200) -> list[RecordItem]:
        return [
            RecordItem(e.type, e.id, e.data.get("agency_code"), record_label(e.type, e.data))
            for e in self.store.outbox(limit)
        ]

    def pending_photos(self) -> tuple[int, int]:
        return self.store.pending_photo_totals()

    def _items(self, records: list[LocalRecord], lang: str) -> list[RecordItem]:
        out = []
        for r in records:
            comments = []
            if r.review_state == "sent_back":
                rows = self.store.search_records("review_comment", where={"entity_id": r.id})
                for c in sorted((row.data for row in rows), key=lambda d: str(d.get("created_at") or "")):
                    if c.get("state") == "sent_back":
                        comments.append(f"{c.get('author') or ''}: {c.get('text') or ''}")
            errors = [f"{e['field']}: {e['message'][lang]}" for e in r.errors or []]
            out.append(
                RecordItem(r.type, r.id, r.agency_code, record_label(r.type, r.data), comments, errors)
            )
        return out

    def conflicts(self, lang: str) -> list[RecordItem]:
        return self._items(self._where(lambda r: r.conflicted), lang)

    def rejected(self, lang: str) -> list[RecordItem]:
        return self._items(self._where(lambda r: bool(r.errors)), lang)

    def sent_back(self, lang: str) -> list[RecordItem]:
        return self._items(self._where(lambda r: r.review_state == "sent_back"), lang)

    def _where(self, keep: Callable[[LocalRecord], bool]) -> list[LocalRecord]:
        out: list[LocalRecord] = []
        for type_ in ("file_record", "nil_report", "fonds", "box", "visit"):
            out += [r for r in self.store.flagged_records(type_) if keep(r)]
        return out
