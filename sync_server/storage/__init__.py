"""Photo stores chosen by configuration: a local folder, or an S3-compatible bucket."""

from __future__ import annotations

import logging

from sync_server.config import Settings
from sync_server.storage.base import OffsetMismatch, PhotoStore, StorageUnavailable
from sync_server.storage.local import LocalPhotoStore

log = logging.getLogger("saoluu.storage")


def make_photo_store(settings: Settings) -> PhotoStore:
    """The store ``settings.photo_store`` names; an S3 bucket is created at start if missing.

    S3 storage that cannot be reached at start is not fatal: records still sync, photo requests
    answer 503 until the storage is back, and the bucket check is retried on first use.
    """
    if settings.photo_store == "s3":
        from sync_server.storage.s3 import S3PhotoStore  # boto3 only when configured

        store = S3PhotoStore.from_settings(settings)
        try:
            store.ensure_bucket()
        except StorageUnavailable:
            log.warning("photo storage %s unreachable at start; retrying on use", settings.s3_endpoint_url)
        return store
    assert settings.photo_dir is not None
    return LocalPhotoStore(settings.photo_dir)


__all__ = ["LocalPhotoStore", "OffsetMismatch", "PhotoStore", "StorageUnavailable", "make_photo_store"]
