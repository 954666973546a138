"""Device preferences kept in the local database: enrollment, language, photo quality, last sync;
the device token in the platform's secure storage when the app has one (see :meth:`use_vault`)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from common.vocab import DEFAULT_LANG, LANGUAGES, Lang
from mobile_app.models.base import Observable
from mobile_app.models.secrets import TOKEN_KEY, SecretVault
from mobile_app.store import LocalStore

log = logging.getLogger(__name__)
IN_VAULT = "vault"  # the ``token_store`` preference: the token is in the vault, not in the database


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
        self.vault: SecretVault | None = None
        self._vault_loop: asyncio.AbstractEventLoop | None = None
        self._vault_token: str | None = None
        self._pending: set[Any] = set()  # vault work scheduled and not done yet

    def _get(self, name: str, default: str | None = None) -> str | None:
        return self.store.get_pref(name, default)

    # --- enrollment ----------------------------------------------------------------------------

    @property
    def server_url(self) -> str:
        return self._get("server_url", "") or ""

    @property
    def token(self) -> str | None:
        """The device token: still in the database (no vault, or not moved yet), else the vault's."""
        plain = self._get("token")
        if plain:
            return plain
        return self._vault_token if self._get("token_store") == IN_VAULT else None

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
        """Keep the enrollment; the token goes to the database first, then (with a vault) into it."""
        self.store.set_prefs(
            {"server_url": server_url, "device_id": device_id, "token": token, "username": username}
        )
        self._in_vault_loop(self._move_token_to_vault())
        self.notify()

    def set_server_url(self, url: str) -> None:
        self.store.set_prefs({"server_url": url})
        self.notify()

    def clear_enrollment(self) -> None:
        """Forget the device: at once in the database (a token left in the vault is ignored, then erased)."""
        self.store.set_prefs(
            {"device_id": None, "token": None, "token_store": None, "username": None, "last_sync_at": None}
        )
        self._vault_token = None
        self._in_vault_loop(self._erase_vault_token())
        self.notify()

    # --- the token in the platform's secure storage ---------------------------------------------

    async def use_vault(self, vault: SecretVault) -> bool:
        """Keep the token in ``vault`` from now on (call on the app's event loop, before the first
        screen): a token still in the database — an install from before, or an enrollment made from
        the command line — is moved into it. False (and the database kept) if the vault fails."""
        try:
            if self._get("token"):
                moved = await self._move(vault)
                if not moved:
                    return False
            elif self._get("token_store") == IN_VAULT:
                self._vault_token = await vault.read(TOKEN_KEY)  # None if the platform lost it: enroll again
            else:
                await vault.erase(TOKEN_KEY)  # left behind by a sign-out that could not erase it
        except Exception:  # a platform without working secure storage: keep the database
            log.warning("secure storage unavailable; the device token stays in the database", exc_info=True)
            return False
        self.vault = vault
        self._vault_loop = asyncio.get_running_loop()
        self.notify()
        return True

    async def _move(self, vault: SecretVault) -> bool:
        """Copy the database's token into the vault, read it back, then remove it from the database."""
        token = self._get("token")
        if not token:
            return True
        await vault.write(TOKEN_KEY, token)
        if await vault.read(TOKEN_KEY) != token:
            log.warning("secure storage did not keep the device token; it stays in the database")
            return False
        self._vault_token = token
        self.store.set_prefs({"token": None, "token_store": IN_VAULT})
        return True

    async def _move_token_to_vault(self) -> None:
        if self.vault is not None:
            try:
                await self._move(self.vault)
            except Exception:
                log.warning("could not move the device token to secure storage", exc_info=True)

    async def _erase_vault_token(self) -> None:
        if self.vault is not None:
            try:
                await self.vault.erase(TOKEN_KEY)
            except Exception:
                log.warning("could not erase the device token from secure storage", exc_info=True)

    def _in_vault_loop(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` on the loop the vault lives on, from any thread (nothing to do without a vault)."""
        loop = self._vault_loop
        if self.vault is None or loop is None or loop.is_closed():
            work.close()
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        task: Any = (
            loop.create_task(work) if running is loop else asyncio.run_coroutine_threadsafe(work, loop)
        )
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

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
