"""A POSIX (pax) tar written as a stream of chunks: headers, file bytes, padding, end blocks.

Every member's size is known before it is sent, so the whole archive's size is too
(:func:`archive_size`), and nothing is ever held but one chunk.
"""

from __future__ import annotations

import tarfile
from collections.abc import Iterable

BLOCK = 512
RECORD = 20 * BLOCK
"""tar writes the archive in records of 20 blocks (GNU tar's and Python's default)."""


def header(name: str, size: int, mtime: float) -> bytes:
    """The header block(s) of a regular file (a pax header first for names or sizes ustar cannot hold)."""
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode, info.type = size, int(mtime), 0o644, tarfile.REGTYPE
    info.uname = info.gname = ""
    return info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")


def padding(size: int) -> bytes:
    """Zeros that fill a member's last block."""
    return b"\0" * (-size % BLOCK)


def end(written: int) -> bytes:
    """Two zero blocks, then zeros to the end of the record; ``written`` is the archive so far."""
    total = written + 2 * BLOCK
    return b"\0" * (2 * BLOCK + (-total % RECORD))


def archive_size(members: Iterable[tuple[str, int]], mtime: float) -> int:
    """The size of an archive of these (name, size) members."""
    written = sum(len(header(n, s, mtime)) + s + len(padding(s)) for n, s in members)
    return written + len(end(written))
