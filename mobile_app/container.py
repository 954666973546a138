"""The composition root: the only place that builds the store, services, sync engine and view-models."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from mobile_app.models.base import Clock, Observable, utc_now
from mobile_app.models.enrollment import EnrollmentModel, EnrollmentService
from mobile_app.models.file_form import FileRecordForm, NewFiles
from mobile_app.models.home import HomeModel, current_campaign
from mobile_app.models.labels import LabelService
from mobile_app.models.nil_form import NilReportForm
from mobile_app.models.photos import PhotoService
from mobile_app.models.prefs import Preferences
from mobile_app.models.settings import SettingsModel
from mobile_app.models.syncing import SyncModel
from mobile_app.models.visit import VisitModel
from mobile_app.store import LocalStore
from mobile_app.sync import RetryPolicy, SyncEngine, SyncStatus

USER_AGENT = "SaoLuu-tablet/0.1"


def default_data_dir() -> Path:
    """Inside a built app Flet sets ``FLET_APP_STORAGE_DATA``; elsewhere ``./tablet-data``."""
    return Path(os.environ.get("FLET_APP_STORAGE_DATA") or "tablet-data")


@dataclass
class Container:
    data_dir: Path
    store: LocalStore
    prefs: Preferences
    photos: PhotoService
    labels: LabelService
    transport: httpx.BaseTransport | None = None
    clock: Clock = utc_now
    autosave_delay: float = 0.5
    retry: RetryPolicy = field(default_factory=lambda: RetryPolicy(attempts=4, base=0.5, cap=4.0))
    new_files: NewFiles = field(default_factory=NewFiles)
    changes: Observable = field(default_factory=Observable)
    """Notified when local data changed behind the screens' backs (after a sync, a sign-out)."""
    sync: SyncModel = field(init=False)

    def __post_init__(self) -> None:
        self.sync = SyncModel(
            self.store, self.prefs, self.make_engine, self.clock, on_synced=self.changes.notify
        )

    # --- network -------------------------------------------------------------------------------

    def http(self) -> httpx.Client:
        """A client for the enrolled server with the device token."""
        return httpx.Client(
            base_url=self.prefs.server_url,
            timeout=httpx.Timeout(30, connect=8),
            transport=self.transport,
            headers={"Authorization": f"Bearer {self.prefs.token}", "User-Agent": USER_AGENT},
        )

    def make_engine(self, on_status: Callable[[SyncStatus], None]) -> SyncEngine:
        return SyncEngine(self.store, self.http(), retry=self.retry, on_status=on_status)

    # --- view-models ---------------------------------------------------------------------------

    def enrollment(self) -> EnrollmentModel:
        return EnrollmentModel(EnrollmentService(self.prefs, self.transport), self.prefs, self.sync.run)

    def home(self) -> HomeModel:
        return HomeModel(self.store, self.prefs)

    def visit(self, agency_code: str) -> VisitModel:
        return VisitModel(self.store, self.prefs, self.labels, agency_code, self.clock, self.new_files)

    def file_form(self, agency_code: str, record_id: str) -> FileRecordForm:
        return FileRecordForm(
            self.store,
            self.prefs,
            agency_code,
            record_id,
            photos=self.photos,
            new_files=self.new_files,
            clock=self.clock,
            autosave_delay=self.autosave_delay,
        )

    def nil_form(self, agency_code: str, record_id: str) -> NilReportForm:
        campaign = current_campaign(self.store)
        return NilReportForm(
            self.store,
            self.prefs,
            agency_code,
            record_id,
            photos=self.photos,
            clock=self.clock,
            autosave_delay=self.autosave_delay,
            campaign_id=str(campaign["id"]) if campaign else None,
        )

    def settings(self) -> SettingsModel:
        return SettingsModel(
            self.store, self.prefs, self.transport, self.clock, on_signed_out=self.changes.notify
        )


def build_container(
    data_dir: Path | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    clock: Clock = utc_now,
    autosave_delay: float = 0.5,
    retry: RetryPolicy | None = None,
) -> Container:
    data_dir = Path(data_dir or default_data_dir())
    store = LocalStore(data_dir)
    prefs = Preferences(store)
    container = Container(
        data_dir=data_dir,
        store=store,
        prefs=prefs,
        photos=PhotoService(store, prefs),
        labels=LabelService(data_dir),
        transport=transport,
        clock=clock,
        autosave_delay=autosave_delay,
    )
    if retry is not None:
        container.retry = retry
    return container
