"""Photos in a local folder, sharded by the first two hex digits of their hash."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import tempfile
import threading
import time
from pathlib import Path

from sync_server.storage.base import OffsetMismatch

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
        cutoff = time.time() - older_than.total_seconds()
        swept = 0
        for p in self.partials.iterdir():
            try:
                if p.is_file() and p.stat().st_mtime < cutoff:
                    self.discard_partial(p.name)
                    swept += 1
            except (OSError, ValueError):  # raced with an upload finishing, or not one of ours
                continue
        return swept
