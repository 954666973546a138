"""Blob stores chosen by configuration: a local folder, or an S3-compatible bucket; photos and
scanned masters each have their own (folder or key prefix)."""

from __future__ import annotations

import logging

from sync_server.config import Settings
from sync_server.storage.base import OffsetMismatch, PhotoStore, StorageUnavailable, StoredBlob
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


def make_master_store(settings: Settings) -> PhotoStore:
    """The store of scanned masters: ``settings.master_dir``, or the bucket under
    ``settings.s3_master_prefix`` when photos are on S3."""
    if settings.photo_store == "s3":
        from sync_server.storage.s3 import S3PhotoStore, client_from_settings

        return S3PhotoStore(
            client_from_settings(settings), settings.s3_bucket, settings.s3_master_prefix, settings.s3_region
        )
    assert settings.master_dir is not None
    return LocalPhotoStore(settings.master_dir)


__all__ = [
    "LocalPhotoStore",
    "OffsetMismatch",
    "PhotoStore",
    "StorageUnavailable",
    "StoredBlob",
    "make_master_store",
    "make_photo_store",
]
