"""Where the device token is kept: the platform's secure storage on the native app.

:class:`SecretVault` is what the app needs of it (the Flet adapter is in ``views/vault.py``; tests
use an in-memory one). Without a vault — web mode, or a platform whose secure storage fails — the
token stays in the local database as before.
"""

from __future__ import annotations

from typing import Protocol

TOKEN_KEY = "saoluu.device_token"


class SecretVault(Protocol):
    """A small key-value store the operating system protects (Android Keystore, iOS Keychain)."""

    async def read(self, key: str) -> str | None: ...

    async def write(self, key: str, value: str) -> None: ...

    async def erase(self, key: str) -> None: ...
