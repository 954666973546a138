"""The blob store interface: bytes addressed by their SHA-256, uploaded resumably or streamed.

Photos and scanned masters are two stores of this kind, each under its own folder or key prefix.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from common.errors import RetryLater

COPY_CHUNK = 4 * 1024 * 1024
"""Bytes read, hashed and written at a time by :meth:`PhotoStore.put_file`."""


class Readable(Protocol):
    """A binary source read into a buffer (a file opened ``rb``, with or without buffering)."""

    def readinto(self, buffer: bytearray | memoryview, /) -> int | None: ...


@dataclass(frozen=True)
class StoredBlob:
    """What :meth:`PhotoStore.put_file` stored: the SHA-256 of the bytes and how many there were."""

    sha256: str
    size: int
    new: bool
    """False when the store already held these bytes (the copy was dropped)."""


def sha256_of(source: Readable) -> tuple[str, int]:
    """SHA-256 and size of everything left in ``source``."""
    digest, size = hashlib.sha256(), 0
    buf = bytearray(COPY_CHUNK)
    view = memoryview(buf)
    while n := source.readinto(buf):
        digest.update(view[:n])
        size += n
    return digest.hexdigest(), size


class PhotoStore(Protocol):
    """Where blobs live (a local folder by default; S3-compatible storage by configuration).

    An upload grows a *partial* object chunk by chunk, named by an *upload key* (64 hex digits: the
    photo's SHA-256, or a key the caller derives from it, such as one per uploader); :meth:`complete`
    verifies nothing itself but moves the partial bytes into place once the caller has checked them.
    Large blobs (scanned masters) are streamed in with :meth:`put_file` and read back with
    :meth:`open`, never whole in memory.
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

    def copy_partial(self, upload: str, target: BinaryIO) -> int:
        """Write the bytes an unfinished upload holds to ``target``, a chunk at a time (never whole
        in memory); returns how many."""
        ...

    def complete(self, sha256: str, upload: str | None = None) -> None:
        """Make the partial upload ``upload`` (default: ``sha256``) the stored photo ``sha256``
        (atomically; a photo already stored stays as it is)."""
        ...

    def discard_partial(self, upload: str) -> None: ...

    def put_file(self, source: Readable) -> StoredBlob:
        """Copy ``source`` to its end into the store, computing its SHA-256 in the same pass, and
        keep it under that hash (bytes already stored are kept as they are). Durable and verified
        when it returns; a failure or a kill midway leaves at most an unreferenced incoming copy
        (see :meth:`sweep_incoming`), never a blob under a hash its bytes do not have."""
        ...

    def open(self, sha256: str) -> io.BufferedIOBase:
        """A seekable read-only stream of a stored blob (ranged reads on S3). Raises
        ``FileNotFoundError`` if it is not stored."""
        ...

    def sweep_incoming(self, older_than: dt.timedelta) -> int:
        """Delete copies :meth:`put_file` left unfinished (a killed process) for longer than
        ``older_than``; returns how many."""
        ...

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


class StorageUnavailable(RetryLater):
    """The photo storage cannot be reached or refused the request: the client should retry."""

    def __init__(self, operation: str) -> None:
        super().__init__("storage_unavailable", retry_after=RETRY_AFTER_SECONDS)
        self.operation = operation
