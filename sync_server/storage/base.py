"""The photo store interface: bytes addressed by their SHA-256."""

from __future__ import annotations

from typing import Protocol


class PhotoStore(Protocol):
    """Where photo bytes live (a local folder by default; S3-compatible storage by configuration)."""

    def exists(self, sha256: str) -> bool: ...

    def put(self, sha256: str, data: bytes) -> None:
        """Store ``data`` under ``sha256`` atomically; storing the same photo twice is a no-op."""
        ...

    def get(self, sha256: str) -> bytes: ...

    def delete(self, sha256: str) -> None: ...
