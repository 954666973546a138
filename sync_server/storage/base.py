"""The photo store interface: bytes addressed by their SHA-256, uploaded resumably."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from common.errors import SaoLuuError


class PhotoStore(Protocol):
    """Where photo bytes live (a local folder by default; S3-compatible storage by configuration).

    An upload grows a *partial* object chunk by chunk, named by an *upload key* (64 hex digits: the
    photo's SHA-256, or a key the caller derives from it, such as one per uploader); :meth:`complete`
    verifies nothing itself but moves the partial bytes into place once the caller has checked them.
    """

    def exists(self, sha256: str) -> bool: ...

    def size(self, sha256: str) -> int | None:
        """Size of the complete photo, or None."""
        ...

    def get(self, sha256: str) -> bytes: ...

    def put(self, sha256: str, data: bytes) -> None:
        """Store ``data`` under ``sha256`` atomically; storing the same photo twice is a no-op."""
        ...

    def delete(self, sha256: str) -> None: ...

    def partial_size(self, upload: str) -> int:
        """How many bytes of an unfinished upload are held (0 if none)."""
        ...

    def append_partial(self, upload: str, offset: int, data: bytes) -> int:
        """Append ``data`` at ``offset`` (must equal :meth:`partial_size`); returns the new size.

        Raises :class:`OffsetMismatch` if another chunk got there first.
        """
        ...

    def read_partial(self, upload: str) -> bytes: ...

    def complete(self, sha256: str, upload: str | None = None) -> None:
        """Make the partial upload ``upload`` (default: ``sha256``) the stored photo ``sha256``
        (atomically; a photo already stored stays as it is)."""
        ...

    def discard_partial(self, upload: str) -> None: ...

    def sweep_partials(self, older_than: dt.timedelta) -> int:
        """Delete uploads abandoned for longer than ``older_than``; returns how many. A tablet that
        comes back later finds nothing held (HEAD 404) and starts that photo again from 0. Stores
        that expire them by themselves (an S3 lifecycle rule on the partial prefix) do nothing."""
        return 0


class OffsetMismatch(Exception):
    """The upload already holds ``current`` bytes, not the offset the chunk was sent for."""

    def __init__(self, current: int) -> None:
        super().__init__(f"upload offset is {current}")
        self.current = current


RETRY_AFTER_SECONDS = 30


class StorageUnavailable(SaoLuuError):
    """The photo storage cannot be reached or refused the request: a 503 the client should retry."""

    def __init__(self, operation: str) -> None:
        super().__init__("storage_unavailable", 503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        self.operation = operation
