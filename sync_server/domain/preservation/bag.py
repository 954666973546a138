"""BagIt (RFC 8493, version 1.0) tag files, made from what is known before any payload byte is
written: the masters' SHA-256 and sizes are in the database, the metadata files are made first.

So a bag can be written in one pass — a folder (:mod:`.copies`) or a tar sent as it is made
(:mod:`.handover`) — with its tags after its payload and ``bagit.txt`` last: a bag without
``bagit.txt`` was interrupted. Manifests are SHA-256; ``bagit``'s own validator reads them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

BAGIT = "bagit.txt"
BAG_INFO = "bag-info.txt"
MANIFEST = "manifest-sha256.txt"
TAG_MANIFEST = "tagmanifest-sha256.txt"
PAYLOAD = "data"
BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"


@dataclass(frozen=True)
class Entry:
    """A file of the bag: its path inside the bag (``data/…`` for payload), SHA-256 and size."""

    path: str
    sha256: str
    size: int


def encode_path(path: str) -> str:
    """A path as a manifest line writes it (RFC 8493 §2.1.3: ``%``, CR and LF percent-encoded)."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def manifest(entries: Sequence[Entry]) -> bytes:
    return "".join(f"{e.sha256}  {encode_path(e.path)}\n" for e in entries).encode()


def oxum(payload: Sequence[Entry]) -> str:
    """``Payload-Oxum``: the payload's octets and files."""
    return f"{sum(e.size for e in payload)}.{len(payload)}"


def bag_info(fields: Sequence[tuple[str, str]], payload: Sequence[Entry], day: dt.date) -> bytes:
    """``bag-info.txt``: ``fields`` (label, value; line breaks dropped), then Bagging-Date and
    Payload-Oxum."""
    lines = [*fields, ("Bagging-Date", day.isoformat()), ("Payload-Oxum", oxum(payload))]
    return "".join(f"{k}: {' '.join(str(v).split())}\n" for k, v in lines).encode()


def tag_files(
    payload: Sequence[Entry], fields: Sequence[tuple[str, str]], day: dt.date
) -> list[tuple[str, bytes]]:
    """Every tag file with its bytes, in the order to write them (``bagit.txt`` last)."""
    tags = [(MANIFEST, manifest(payload)), (BAG_INFO, bag_info(fields, payload, day)), (BAGIT, BAGIT_TXT)]
    listed = [Entry(name, hashlib.sha256(data).hexdigest(), len(data)) for name, data in tags]
    return [tags[0], tags[1], (TAG_MANIFEST, manifest(listed)), tags[2]]
