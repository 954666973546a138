"""Settings: language, server address, photo quality, and signing out (guarded when data is unsynced)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import httpx

from mobile_app.models.base import Clock, Observable, utc_now
from mobile_app.models.enrollment import EnrollmentError, normalise_server_url
from mobile_app.models.prefs import Preferences
from mobile_app.store import LocalStore

KEEP_ON_SIGN_OUT = ("lang", "server_url", "photo_quality")


class SettingsModel(Observable):
    def __init__(
        self,
        store: LocalStore,
        prefs: Preferences,
        transport: httpx.BaseTransport | None = None,
        clock: Clock = utc_now,
        on_signed_out: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.prefs = prefs
        self.transport = transport
        self.clock = clock
        self.on_signed_out = on_signed_out
        self.server_url = prefs.server_url
        self.server_error: str | None = None
        self.sign_out_step = 0  # 0: not asked, 1: first warning shown, 2: last warning shown
        self.set_aside_dir: Path | None = None

    def set_lang(self, lang: str) -> None:
        self.prefs.set_lang(lang)
        self.notify()

    def set_photo_quality(self, code: str) -> None:
        self.prefs.set_photo_quality(code)
        self.notify()

    def save_server_url(self, url: str) -> bool:
        try:
            self.server_url = normalise_server_url(url)
        except EnrollmentError as exc:
            self.server_error = exc.message.get(self.prefs.lang)
            self.notify()
            return False
        self.server_error = None
        self.prefs.set_server_url(self.server_url)
        self.notify()
        return True

    def unsynced(self) -> int:
        """Records and photos not yet on the server, plus unsaved drafts."""
        return self.store.pending_count() + self.store.pending_photo_totals()[0] + len(self.store.drafts())

    def request_sign_out(self) -> bool:
        """Sign out at once when everything is synced; otherwise ask (twice). True when signed out."""
        if self.unsynced() == 0:
            self._sign_out()
            return True
        self.sign_out_step = 1
        self.notify()
        return False

    def confirm_sign_out(self) -> bool:
        if self.sign_out_step == 1:
            self.sign_out_step = 2
            self.notify()
            return False
        if self.sign_out_step == 2:
            self._sign_out()
            return True
        return self.request_sign_out()

    def cancel_sign_out(self) -> None:
        self.sign_out_step = 0
        self.notify()

    def _sign_out(self) -> None:
        self._revoke_token()
        aside = None
        if self.unsynced():
            stamp = self.clock().astimezone(dt.UTC).strftime("%Y%m%d-%H%M%S")
            aside = self.store.data_dir / "signed-out" / stamp
        self.store.reset(keep_prefs=KEEP_ON_SIGN_OUT, set_aside_to=aside)
        self.set_aside_dir = aside
        self.sign_out_step = 0
        self.prefs.clear_enrollment()
        self.notify()
        if self.on_signed_out is not None:
            self.on_signed_out()

    def _revoke_token(self) -> None:
        """Best effort: tell the server to drop the token (it may be unreachable)."""
        if not self.prefs.enrolled:
            return
        try:
            with httpx.Client(base_url=self.prefs.server_url, timeout=3, transport=self.transport) as http:
                http.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {self.prefs.token}"})
        except httpx.HTTPError:
            pass
