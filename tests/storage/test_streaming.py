"""Large blobs (scanned masters) streamed into and out of the store, the same way on the local folder
and on an S3-compatible bucket: hashed in the copy's own pass, stored under the hash, read back by
ranges, and nothing left under a hash when a copy fails midway."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sync_server.storage import LocalPhotoStore, PhotoStore
from sync_server.storage import s3 as s3_module
from sync_server.storage.s3 import S3PhotoStore
from tests.storage.conftest import object_keys

OpenStore = Callable[[], PhotoStore]
PART = 5 * 1024 * 1024  # S3's smallest part: the tests' blobs span several parts
BLOB = random.Random(71).randbytes(2 * PART + 12345)
SHA = hashlib.sha256(BLOB).hexdigest()


def open_s3(endpoint: str, bucket: str, prefix: str = "masters/") -> S3PhotoStore:
    import boto3

    return S3PhotoStore(boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1"), bucket, prefix)


@pytest.fixture(params=["local", "s3"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> OpenStore:
    monkeypatch.setattr(s3_module, "PART_BYTES", PART)
    if request.param == "local":
        return lambda: LocalPhotoStore(tmp_path / "masters")
    endpoint: str = request.getfixturevalue("s3_endpoint")
    bucket: str = request.getfixturevalue("s3_bucket")
    return lambda: open_s3(endpoint, bucket)


class Failing(io.RawIOBase):
    """A source that breaks after ``limit`` bytes, as a disk error or a killed reader would."""

    def __init__(self, data: bytes, limit: int) -> None:
        self.inner, self.limit = io.BytesIO(data), limit

    def readinto(self, buffer: Any) -> int:
        if self.inner.tell() >= self.limit:
            raise OSError("read error")
        want = min(len(buffer), self.limit - self.inner.tell())
        return self.inner.readinto(memoryview(buffer)[:want])


@pytest.mark.parametrize("size", [len(BLOB), 1000])
def test_put_file_hashes_in_one_pass_and_stores_under_the_hash(open_store: OpenStore, size: int) -> None:
    store, data = open_store(), BLOB[:size]
    sha = hashlib.sha256(data).hexdigest()
    stored = store.put_file(io.BytesIO(data))
    assert (stored.sha256, stored.size, stored.new) == (sha, size, True)
    assert store.exists(sha) and store.size(sha) == size
    again = open_store().put_file(io.BytesIO(data))  # a second process delivers the same bytes
    assert (again.sha256, again.new) == (sha, False)
    with store.open(sha) as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == sha


def test_open_reads_any_range_of_a_stored_blob(open_store: OpenStore) -> None:
    store = open_store()
    store.put_file(io.BytesIO(BLOB))
    with store.open(SHA) as fh:
        assert fh.seekable()
        assert fh.seek(0, io.SEEK_END) == len(BLOB)
        fh.seek(PART - 10)
        assert fh.read(20) == BLOB[PART - 10 : PART + 10]
        fh.seek(-5, io.SEEK_END)
        assert fh.read() == BLOB[-5:]
        fh.seek(3)
        assert fh.read(4) == BLOB[3:7]
    with pytest.raises(FileNotFoundError):
        store.open("0" * 64)


def test_a_copy_that_fails_midway_stores_nothing(open_store: OpenStore) -> None:
    store = open_store()
    with pytest.raises(OSError, match="read error"):
        store.put_file(Failing(BLOB, PART + 100))  # the second part never arrives
    assert not store.exists(SHA)
    assert store.sweep_incoming(dt.timedelta(0)) == 0  # a failed copy cleans up after itself
    assert store.put_file(io.BytesIO(BLOB)).sha256 == SHA


def test_copies_left_by_a_killed_process_are_swept(tmp_path: Path) -> None:
    store = LocalPhotoStore(tmp_path / "masters")
    (store.root / ".incoming").mkdir()
    leftover = store.root / ".incoming" / ".tmp-killed"
    leftover.write_bytes(b"half a PDF")
    assert store.sweep_incoming(dt.timedelta(hours=1)) == 0  # too recent: maybe still being written
    assert store.sweep_incoming(dt.timedelta(0)) == 1 and not leftover.exists()


def test_s3_big_blob_goes_by_multipart_upload_under_its_own_prefix(
    s3_endpoint: str, s3_bucket: str, s3_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(s3_module, "PART_BYTES", PART)
    photos, masters = open_s3(s3_endpoint, s3_bucket, "photos/"), open_s3(s3_endpoint, s3_bucket)
    jpeg = b"\xff\xd8\xff" + b"p" * 100
    photos.put(hashlib.sha256(jpeg).hexdigest(), jpeg)
    masters.put_file(io.BytesIO(BLOB))
    keys = object_keys(s3_client, s3_bucket)
    assert f"masters/{SHA[:2]}/{SHA}" in keys and len(keys) == 2  # the incoming copy is gone
    assert not photos.exists(SHA)  # namespaces apart
    head = s3_client.head_object(Bucket=s3_bucket, Key=f"masters/{SHA[:2]}/{SHA}")
    assert head["ContentLength"] == len(BLOB)


def test_s3_killed_upload_leaves_only_what_the_sweep_removes(
    s3_endpoint: str, s3_bucket: str, s3_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(s3_module, "PART_BYTES", PART)
    store = open_s3(s3_endpoint, s3_bucket)
    store.ensure_bucket()
    s3_client.put_object(Bucket=s3_bucket, Key="masters/.incoming/copied", Body=b"complete, never copied")
    assert store.sweep_incoming(dt.timedelta(hours=1)) == 0  # too recent: maybe still being copied
    key = "masters/.incoming/killed"  # (moto dates every multipart upload in 2010: made after that check)
    upload = s3_client.create_multipart_upload(Bucket=s3_bucket, Key=key)  # as a killed process left it
    s3_client.upload_part(
        Bucket=s3_bucket, Key=key, UploadId=upload["UploadId"], PartNumber=1, Body=BLOB[:PART]
    )
    assert store.sweep_incoming(dt.timedelta(0)) == 2
    assert s3_client.list_multipart_uploads(Bucket=s3_bucket).get("Uploads", []) == []
    assert object_keys(s3_client, s3_bucket) == []
