"""Small JPEG previews of stored photos, made once and kept in the photo store beside the photo.

Decoding is the expensive part (a large PNG cannot be decoded at a reduced scale), so a thumbnail
is made at most once per photo: kept in the photo store under a key derived from the photo's hash
(so every server process finds it), and while one request makes it, others asking for the same
photo wait for it instead of decoding again. At most :data:`MAKERS` are made at once per process,
and an image whose decoded size is over :data:`~sync_server.domain.photos.MAX_DECODED_BYTES` (one
stored before that limit existed) is refused before it is decoded.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import defaultdict

from PIL import Image, ImageOps

from common.errors import Refused
from sync_server.domain.photos import MAX_DECODED_BYTES, MAX_PIXELS, decoded_bytes
from sync_server.storage.base import PhotoStore

SIZE = (400, 300)
MAKERS = 2
_making = threading.BoundedSemaphore(MAKERS)
_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
_locks_guard = threading.Lock()


def thumbnail_key(sha256: str) -> str:
    """Where the photo store keeps the thumbnail of photo ``sha256``."""
    return hashlib.sha256(f"thumbnail:{SIZE[0]}x{SIZE[1]}:{sha256}".encode()).hexdigest()


def thumbnail(store: PhotoStore, sha256: str) -> bytes:
    """The thumbnail of a stored photo: the kept one, or made now and kept."""
    key = thumbnail_key(sha256)
    with _locks_guard:
        lock = _locks[sha256]
    try:
        with lock:
            if store.exists(key):
                return store.get(key)
            with _making:
                small = make_thumbnail(store.get(sha256))
            store.put(key, small)
            return small
    finally:
        with _locks_guard:
            if not lock.locked():
                _locks.pop(sha256, None)


def make_thumbnail(content: bytes) -> bytes:
    """A JPEG at most :data:`SIZE`; refused (``unsupported_media_type``) if the image is not one or
    would take too much memory decoded."""
    try:
        with Image.open(io.BytesIO(content)) as img:
            width, height = img.size
            if width * height > MAX_PIXELS or decoded_bytes(content, img) > MAX_DECODED_BYTES:
                raise Refused("unsupported_media_type")
            img.draft("RGB", SIZE)  # JPEG: decode at a reduced scale, much faster
            small = ImageOps.exif_transpose(img).convert("RGB")
            small.thumbnail(SIZE)
            out = io.BytesIO()
            small.save(out, "JPEG", quality=80)
            return out.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise Refused("unsupported_media_type") from exc
