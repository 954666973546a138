"""Photos taken on the tablet: downscaled to JPEG, stored by content hash, with thumbnails."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mobile_app.models.prefs import PhotoQuality, Preferences
from mobile_app.store import LocalStore

THUMB_SIDE = 240
MAX_INPUT_BYTES = 60 * 1024 * 1024


class PhotoError(ValueError):
    """The file is not a usable image."""


def downscale_jpeg(content: bytes, quality: PhotoQuality) -> bytes:
    """Turn an image upright, drop its metadata, fit its long side, encode as a progressive JPEG.

    With the standard quality a 12-megapixel camera photo of a document page (3–5 MB) becomes
    about 0.09 of its bytes, the 9-point print of the page still legible (``bench/README.md``)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(content) > MAX_INPUT_BYTES:
        raise PhotoError("image too large")
    try:
        with Image.open(io.BytesIO(content)) as img:
            img.draft("RGB", (quality.long_side, quality.long_side))  # fast JPEG decode at reduced size
            picture = ImageOps.exif_transpose(img)
            picture.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise PhotoError(str(exc)) from exc
    if picture.mode in ("RGBA", "LA", "P"):
        rgba = picture.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        picture = flat
    elif picture.mode != "RGB":
        picture = picture.convert("RGB")
    picture.thumbnail((quality.long_side, quality.long_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=quality.jpeg_quality, optimize=True, progressive=True)
    return out.getvalue()


@dataclass(frozen=True)
class StagedPhoto:
    sha256: str
    size: int
    mime: str = "image/jpeg"

    def ref(self) -> dict[str, Any]:
        """As a :class:`common.schemas.PhotoRef` payload."""
        return {"sha256": self.sha256, "size": self.size, "mime": self.mime}


class PhotoService:
    """Prepares picked photos; they are queued for upload only when their record is saved."""

    def __init__(self, store: LocalStore, prefs: Preferences) -> None:
        self.store = store
        self.prefs = prefs
        self.thumb_dir = store.data_dir / "thumbs"
        self.thumb_dir.mkdir(parents=True, exist_ok=True)

    def stage(self, content: bytes) -> StagedPhoto:
        """Downscale, store content-addressed and make a thumbnail; raises :class:`PhotoError`."""
        jpeg = downscale_jpeg(content, self.prefs.photo_quality)
        sha = self.store.stage_photo(jpeg)
        self._make_thumbnail(sha, jpeg)
        return StagedPhoto(sha, len(jpeg))

    def _make_thumbnail(self, sha: str, jpeg: bytes) -> Path:
        from PIL import Image

        path = self.thumb_dir / f"{sha}.jpg"
        if not path.exists():
            with Image.open(io.BytesIO(jpeg)) as img:
                img.thumbnail((THUMB_SIDE, THUMB_SIDE))
                buf = io.BytesIO()
                img.save(buf, "JPEG", quality=70)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(buf.getvalue())
            tmp.replace(path)
        return path

    def thumbnail(self, sha: str) -> bytes | None:
        """Thumbnail bytes (rebuilt from the photo if missing), or None if the photo is gone."""
        path = self.thumb_dir / f"{sha}.jpg"
        if path.exists():
            return path.read_bytes()
        photo = self.store.photo_dir / sha
        if not photo.exists():
            return None
        return self._make_thumbnail(sha, photo.read_bytes()).read_bytes()

    def photo(self, sha: str) -> bytes | None:
        path = self.store.photo_dir / sha
        return path.read_bytes() if path.exists() else None
