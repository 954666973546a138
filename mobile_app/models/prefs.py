"""Device preferences kept in the local database: enrollment, language, photo quality, last sync."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from common.vocab import DEFAULT_LANG, LANGUAGES, Lang
from mobile_app.models.base import Observable
from mobile_app.store import LocalStore


@dataclass(frozen=True)
class PhotoQuality:
    """How :func:`mobile_app.models.photos.downscale_jpeg` encodes a photo (a progressive JPEG)."""

    code: str
    long_side: int
    jpeg_quality: int


PHOTO_QUALITIES: dict[str, PhotoQuality] = {
    q.code: q
    for q in (
        PhotoQuality("high", 2048, 90),
        PhotoQuality("standard", 2048, 65),
        PhotoQuality("compact", 1600, 70),
    )
}
DEFAULT_PHOTO_QUALITY = "standard"


class Preferences(Observable):
    """Typed access to the ``Preference`` table; notifies when language or enrollment changes."""

    def __init__(self, store: LocalStore) -> None:
        super().__init__()
        self.store = store

    def _get(self, name: str, default: str | None = None) -> str | None:
        return self.store.get_pref(name, default)

    # --- enrollment ----------------------------------------------------------------------------

    @property
    def server_url(self) -> str:
        return self._get("server_url", "") or ""

    @property
    def token(self) -> str | None:
        return self._get("token")

    @property
    def device_id(self) -> str | None:
        return self._get("device_id")

    @property
    def username(self) -> str:
        return self._get("username", "") or ""

    @property
    def enrolled(self) -> bool:
        return bool(self.token and self.server_url)

    def save_enrollment(self, server_url: str, device_id: str, token: str, username: str) -> None:
        self.store.set_prefs(
            {"server_url": server_url, "device_id": device_id, "token": token, "username": username}
        )
        self.notify()

    def set_server_url(self, url: str) -> None:
        self.store.set_prefs({"server_url": url})
        self.notify()

    def clear_enrollment(self) -> None:
        self.store.set_prefs({"device_id": None, "token": None, "username": None, "last_sync_at": None})
        self.notify()

    # --- display and capture -------------------------------------------------------------------

    @property
    def lang(self) -> Lang:
        value = self._get("lang", DEFAULT_LANG)
        return value if value in LANGUAGES else DEFAULT_LANG

    def set_lang(self, lang: Lang) -> None:
        if lang not in LANGUAGES:
            raise ValueError(lang)
        self.store.set_prefs({"lang": lang})
        self.notify()

    @property
    def photo_quality(self) -> PhotoQuality:
        return PHOTO_QUALITIES.get(self._get("photo_quality") or "", PHOTO_QUALITIES[DEFAULT_PHOTO_QUALITY])

    def set_photo_quality(self, code: str) -> None:
        if code not in PHOTO_QUALITIES:
            raise ValueError(code)
        self.store.set_prefs({"photo_quality": code})
        self.notify()

    # --- sync ----------------------------------------------------------------------------------

    @property
    def last_sync_at(self) -> dt.datetime | None:
        value = self._get("last_sync_at")
        return dt.datetime.fromisoformat(value) if value else None

    def set_last_sync_at(self, when: dt.datetime) -> None:
        self.store.set_prefs({"last_sync_at": when.isoformat()})
