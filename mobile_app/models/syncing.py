"""The sync screen's model: runs the sync engine and explains what happened."""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from common.dates import show_date
from common.words import text as t
from mobile_app.models.base import Clock, Observable, utc_now
from mobile_app.models.prefs import Preferences
from mobile_app.store import LocalRecord, LocalStore
from mobile_app.sync import SyncEngine, SyncError, SyncStatus

EngineFactory = Callable[[Callable[[SyncStatus], None]], SyncEngine]
"""Builds an engine for one run, wired to report its status to the given callback."""

RECORD_BYTES = 1000
"""About what one record weighs in a push (a file record with damages: 950 bytes in the field bench):
records and photo bytes share one progress bar."""
RATE_WINDOW_S = 30.0
"""The time remaining is the work left at the speed of the last half minute (a link's speed varies)."""
RATE_MIN_S = 5.0
"""No estimate before this much of the transfer has been seen."""


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
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.store = store
        self.prefs = prefs
        self.make_engine = make_engine
        self.clock = clock
        self.on_synced = on_synced
        self.status = SyncStatus()
        self.failure: str | None = None  # None | offline | unauthorized | error
        self.finished_at: dt.datetime | None = None
        self.timer = timer
        self._samples: deque[tuple[float, int]] = deque()
        """(time, bytes done) while records and photos are sent: the speed the estimate uses."""
        self._run_lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._run_lock.locked()

    def _on_status(self, status: SyncStatus) -> None:
        self.status = status
        if status.phase in ("pushing", "uploading"):
            now, done = self.timer(), self._work(status)[0]
            self._samples.append((now, done))
            while len(self._samples) > 2 and self._samples[1][0] <= now - RATE_WINDOW_S:
                self._samples.popleft()
        self.notify()

    def run(self) -> bool:
        """Push, upload photos, pull. False when offline or refused (nothing is lost either way)."""
        if not self._run_lock.acquire(blocking=False):
            return False
        try:
            self.failure = None
            self._samples.clear()
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
            self.finished_at = finished = self.clock()
            self.prefs.set_last_sync_at(finished)
            return True
        finally:
            self._run_lock.release()
            self.notify()
            if self.on_synced is not None:
                self.on_synced()

    # --- what the screen shows -----------------------------------------------------------------

    @staticmethod
    def _work(s: SyncStatus) -> tuple[int, int]:
        """(bytes done, bytes in all) of records and photos to send, records counted at
        :data:`RECORD_BYTES` each."""
        done = s.records_sent * RECORD_BYTES + s.photo_bytes_sent
        return done, s.records_total * RECORD_BYTES + s.photo_bytes_total

    def progress(self) -> float:
        """One bar by the bytes to send (records, then photos) up to 97 %, then the pull."""
        s = self.status
        if s.phase in ("pushing", "uploading"):
            done, total = self._work(s)
            return 0.97 * min(1.0, done / total) if total else 0.0
        if s.phase == "pulling":
            return 0.97
        return 1.0 if s.phase == "done" else 0.0

    def time_remaining(self) -> float | None:
        """Seconds until records and photos are sent, at the speed of the last
        :data:`RATE_WINDOW_S` seconds; None before :data:`RATE_MIN_S` seconds of it or while
        nothing moves."""
        if self.status.phase not in ("pushing", "uploading") or not self._samples:
            return None
        now = self.timer()
        since, done_then = self._samples[0]
        if now - since < RATE_MIN_S:
            return None
        done, total = self._work(self.status)
        rate = (done - done_then) / (now - since)
        return max(0.0, total - done) / rate if rate > 0 else None

    def remaining_text(self, lang: str) -> str:
        """The time remaining in words, rounded up to minutes ("about 4 min left"), or nothing."""
        seconds = self.time_remaining()
        if seconds is None:
            return ""
        if seconds < 60:
            return t("time_left_under_minute", lang)
        minutes = math.ceil(seconds / 60)
        if minutes < 60:
            return t("time_left_minutes", lang, minutes=minutes)
        return t("time_left_hours", lang, hours=minutes // 60, minutes=minutes % 60)

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
            return t("phase_done", lang, when=show_date(self.finished_at, tz=None))
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


def human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"
