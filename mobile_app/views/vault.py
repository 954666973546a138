"""The platform's secure storage (``flet-secure-storage``) as the app's :class:`SecretVault`."""

from __future__ import annotations

import flet as ft
import flet_secure_storage as fss


class FletSecureStorage:
    """Android Keystore / iOS Keychain through Flet; a service of the page it is made for."""

    def __init__(self, page: ft.Page) -> None:
        self.storage = fss.SecureStorage()
        page.services.append(self.storage)

    async def read(self, key: str) -> str | None:
        value = await self.storage.get(key)
        return str(value) if value is not None else None

    async def write(self, key: str, value: str) -> None:
        await self.storage.set(key, value)

    async def erase(self, key: str) -> None:
        await self.storage.remove(key)
