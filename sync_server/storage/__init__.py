"""Photo stores chosen by configuration."""

from __future__ import annotations

from sync_server.config import Settings
from sync_server.storage.base import OffsetMismatch, PhotoStore
from sync_server.storage.local import LocalPhotoStore


def make_photo_store(settings: Settings) -> PhotoStore:
    assert settings.photo_dir is not None
    return LocalPhotoStore(settings.photo_dir)


__all__ = ["LocalPhotoStore", "OffsetMismatch", "PhotoStore", "make_photo_store"]
