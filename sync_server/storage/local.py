"""Blobs in a local folder, sharded by the first two hex digits of their hash."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import io
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

from sync_server.storage.base import COPY_CHUNK, OffsetMismatch, Readable, StoredBlob

_HEX = set("0123456789abcdef")


class LocalPhotoStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.partials = self.root / ".partial"
        self.partials.mkdir(parents=True, exist_ok=True)
        self._checked: dict[str, int] = {}
        self._lock = threading.Lock()

    def _check(self, sha256: str) -> str:
        if len(sha256) != 64 or not set(sha256) <= _HEX:
            raise ValueError("not a SHA-256 hex digest")
        return sha256

    def path(self, sha256: str) -> Path:
        return self.root / self._check(sha256)[:2] / sha256

    def _partial(self, sha256: str) -> Path:
        return self.partials / self._check(sha256)

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def size(self, sha256: str) -> int | None:
        p = self.path(sha256)
        return p.stat().st_size if p.is_file() else None

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def put(self, sha256: str, data: bytes) -> None:
        target = self.path(sha256)
        if target.is_file():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def put_file(self, source: Readable) -> StoredBlob:
        """Copy into ``.incoming/``, hashing as it goes; fsync; rename to the hash; fsync the folder
        (so a committed row can never outlive its blob across a power cut). A chunk is written by a
        second thread while the next one is read and hashed (both let other threads run)."""
        incoming = self.root / ".incoming"
        incoming.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=incoming, prefix=".tmp-")
        try:
            try:
                sha256, size = copy_to_fd(source, fd)
                os.fsync(fd)
            finally:
                os.close(fd)
            target = self.path(sha256)
            if target.is_file() and target.stat().st_size == size:
                Path(tmp).unlink()
                return StoredBlob(sha256, size, new=False)
            target.parent.mkdir(exist_ok=True)
            os.replace(tmp, target)
            fsync_dir(target.parent)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return StoredBlob(sha256, size, new=True)

    def open(self, sha256: str) -> io.BufferedIOBase:
        return open(self.path(sha256), "rb")

    def sweep_incoming(self, older_than: dt.timedelta) -> int:
        return _sweep(self.root / ".incoming", older_than, lambda p: p.unlink(missing_ok=True))

    def partial_size(self, sha256: str) -> int:
        p = self._partial(sha256)
        return p.stat().st_size if p.is_file() else 0

    def append_partial(self, sha256: str, offset: int, data: bytes) -> int:
        with open(self._partial(sha256), "ab") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)  # one writer per upload, across processes too
            current = fh.seek(0, os.SEEK_END)
            if current != offset:
                raise OffsetMismatch(current)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
            return current + len(data)

    def read_partial(self, sha256: str) -> bytes:
        """The uploaded bytes so far; their length is remembered for :meth:`complete`."""
        data = self._partial(sha256).read_bytes()
        with self._lock:
            self._checked[sha256] = len(data)
        return data

    def copy_partial(self, upload: str, target: BinaryIO) -> int:
        with open(self._partial(upload), "rb") as source:
            shutil.copyfileobj(source, target, COPY_CHUNK)
            return source.tell()

    def complete(self, sha256: str, upload: str | None = None) -> None:
        """Move the partial file into place, cut to the bytes :meth:`read_partial` returned (the ones
        the caller checked): anything a racing request appended since is not part of the photo."""
        upload = upload or sha256
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            checked = self._checked.pop(upload, None)
        with open(self._partial(upload), "r+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)  # no append between the cut and the move
            if checked is not None:
                fh.truncate(checked)
                os.fsync(fh.fileno())
            os.replace(self._partial(upload), target)

    def discard_partial(self, sha256: str) -> None:
        with self._lock:
            self._checked.pop(sha256, None)
        self._partial(sha256).unlink(missing_ok=True)

    def sweep_partials(self, older_than: dt.timedelta) -> int:
        return _sweep(self.partials, older_than, lambda p: self.discard_partial(p.name))


def _sweep(folder: Path, older_than: dt.timedelta, remove: Callable[[Path], None]) -> int:
    """Remove the files of ``folder`` untouched for longer than ``older_than``; returns how many."""
    if not folder.is_dir():
        return 0
    cutoff = time.time() - older_than.total_seconds()
    swept = 0
    for p in folder.iterdir():
        try:
            if p.is_file() and p.stat().st_mtime < cutoff:
                remove(p)
                swept += 1
        except (OSError, ValueError):  # raced with an upload finishing, or not one of ours
            continue
    return swept


def copy_to_fd(source: Readable, fd: int) -> tuple[str, int]:
    """Read ``source`` into ``fd`` through two buffers: one being written while the other is read
    and hashed. Returns the SHA-256 and size of what was copied."""
    digest, size = hashlib.sha256(), 0
    buffers = (bytearray(COPY_CHUNK), bytearray(COPY_CHUNK))
    with ThreadPoolExecutor(1, thread_name_prefix="blob-write") as writer:
        writing: Future[None] | None = None
        turn = 0
        while n := source.readinto(buffers[turn]):
            chunk = memoryview(buffers[turn])[:n]
            if writing is not None:
                writing.result()  # the other buffer is free again (and its write succeeded)
            writing = writer.submit(_write_all, fd, chunk)
            digest.update(chunk)
            size += n
            turn ^= 1
        if writing is not None:
            writing.result()
    return digest.hexdigest(), size


def _write_all(fd: int, chunk: memoryview) -> None:
    written = 0
    while written < len(chunk):
        written += os.write(fd, chunk[written:])


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
