"""The PhotoStore contract, proved the same way on the local folder and on an S3-compatible bucket.

``open_store()`` returns a new store over the same backing place each time it is called, as a
second server process would see it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sync_server.storage import LocalPhotoStore, OffsetMismatch, PhotoStore
from sync_server.storage.s3 import S3PhotoStore
from tests.storage.conftest import object_keys

OpenStore = Callable[[], PhotoStore]

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40 + b"\xff\xd9"
SHA = hashlib.sha256(JPEG).hexdigest()


def open_s3(endpoint: str, bucket: str) -> S3PhotoStore:
    import boto3

    return S3PhotoStore(boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1"), bucket, "photos/")


@pytest.fixture(params=["local", "s3"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> OpenStore:
    if request.param == "local":
        return lambda: LocalPhotoStore(tmp_path / "photos")
    endpoint: str = request.getfixturevalue("s3_endpoint")
    bucket: str = request.getfixturevalue("s3_bucket")
    return lambda: open_s3(endpoint, bucket)


def test_put_get_exists_size(open_store: OpenStore) -> None:
    store = open_store()
    assert not store.exists(SHA) and store.size(SHA) is None
    store.put(SHA, JPEG)
    assert store.exists(SHA) and store.size(SHA) == len(JPEG)
    assert store.get(SHA) == JPEG
    store.delete(SHA)
    assert not store.exists(SHA)


def test_putting_a_stored_photo_again_changes_nothing(open_store: OpenStore) -> None:
    store = open_store()
    store.put(SHA, JPEG)
    store.put(SHA, b"other bytes under the same name")
    assert store.get(SHA) == JPEG


def test_missing_photo_cannot_be_read(open_store: OpenStore) -> None:
    with pytest.raises(FileNotFoundError):
        open_store().get(SHA)


def test_names_must_be_sha256_hex(open_store: OpenStore) -> None:
    store = open_store()
    for bad in ("../etc/passwd", SHA.upper(), SHA[:-1]):
        with pytest.raises(ValueError):
            store.exists(bad)
        with pytest.raises(ValueError):
            store.partial_size(bad)


def test_partial_upload_grows_refuses_wrong_offsets_and_completes(open_store: OpenStore) -> None:
    store = open_store()
    assert store.partial_size(SHA) == 0
    assert store.append_partial(SHA, 0, JPEG[:1000]) == 1000
    for wrong in (0, 999, 1001, 5000):
        with pytest.raises(OffsetMismatch) as exc:
            store.append_partial(SHA, wrong, JPEG[wrong : wrong + 10])
        assert exc.value.current == 1000
    assert store.append_partial(SHA, 1000, JPEG[1000:]) == len(JPEG)
    assert store.partial_size(SHA) == len(JPEG) and not store.exists(SHA)
    assert store.read_partial(SHA) == JPEG
    store.complete(SHA)
    assert store.get(SHA) == JPEG and store.size(SHA) == len(JPEG)
    assert store.partial_size(SHA) == 0


def test_discarded_partial_upload_starts_again_from_zero(open_store: OpenStore) -> None:
    store = open_store()
    store.append_partial(SHA, 0, JPEG[:500])
    store.discard_partial(SHA)
    assert store.partial_size(SHA) == 0 and not store.exists(SHA)
    with pytest.raises(OffsetMismatch):
        store.append_partial(SHA, 500, JPEG[500:])
    assert store.append_partial(SHA, 0, JPEG) == len(JPEG)


def test_two_processes_share_the_state_of_an_upload(open_store: OpenStore) -> None:
    first, second = open_store(), open_store()
    first.append_partial(SHA, 0, JPEG[:4000])
    assert second.partial_size(SHA) == 4000
    with pytest.raises(OffsetMismatch) as exc:  # a stale retry of the first chunk, via the other process
        second.append_partial(SHA, 0, JPEG[:4000])
    assert exc.value.current == 4000
    second.append_partial(SHA, 4000, JPEG[4000:8000])
    first.append_partial(SHA, 8000, JPEG[8000:])
    assert second.read_partial(SHA) == JPEG
    second.complete(SHA)
    assert first.get(SHA) == JPEG and first.partial_size(SHA) == 0


def test_complete_stores_exactly_the_bytes_that_were_checked(open_store: OpenStore) -> None:
    store, intruder = open_store(), open_store()
    store.append_partial(SHA, 0, JPEG)
    checked = store.read_partial(SHA)
    intruder.append_partial(SHA, len(JPEG), b"appended after the check")  # a racing request
    store.complete(SHA)
    assert store.get(SHA) == checked == JPEG
    assert store.partial_size(SHA) == 0


# --- S3 only: layout, bucket creation, races ---------------------------------------------------


def test_s3_layout_one_object_per_photo_and_chunks_apart(
    s3_endpoint: str, s3_bucket: str, s3_client: Any
) -> None:
    store = open_s3(s3_endpoint, s3_bucket)
    store.append_partial(SHA, 0, JPEG[:3000])
    store.append_partial(SHA, 3000, JPEG[3000:])
    assert object_keys(s3_client, s3_bucket) == [
        f"photos/.partial/{SHA}/000000000000",
        f"photos/.partial/{SHA}/000000003000",
    ]
    store.read_partial(SHA)
    store.complete(SHA)
    assert object_keys(s3_client, s3_bucket) == [f"photos/{SHA[:2]}/{SHA}"]


def test_s3_bucket_is_created_on_first_use(s3_endpoint: str, s3_bucket: str, s3_client: Any) -> None:
    names = {b["Name"] for b in s3_client.list_buckets()["Buckets"]}
    assert s3_bucket not in names
    open_s3(s3_endpoint, s3_bucket).ensure_bucket()
    open_s3(s3_endpoint, s3_bucket).ensure_bucket()  # a second process: nothing to do
    assert s3_bucket in {b["Name"] for b in s3_client.list_buckets()["Buckets"]}


def test_s3_two_processes_racing_for_one_offset_only_one_wins(
    s3_endpoint: str, s3_bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = open_s3(s3_endpoint, s3_bucket), open_s3(s3_endpoint, s3_bucket)
    first.append_partial(SHA, 0, JPEG[:100])
    sizes = [0]  # the second process listed the chunks just before the first one wrote
    real = second.partial_size
    monkeypatch.setattr(second, "partial_size", lambda sha: sizes.pop() if sizes else real(sha))
    with pytest.raises(OffsetMismatch) as exc:
        second.append_partial(SHA, 0, JPEG[:50])
    assert not sizes and exc.value.current == 100
    assert first.read_partial(SHA) == JPEG[:100]


def test_s3_complete_without_a_checked_read_refuses_bytes_that_do_not_match(
    s3_endpoint: str, s3_bucket: str
) -> None:
    store = open_s3(s3_endpoint, s3_bucket)
    store.append_partial(SHA, 0, JPEG[:-1] + b"\x00")
    with pytest.raises(ValueError):
        store.complete(SHA)
    assert not store.exists(SHA)


def test_abandoned_partial_uploads_are_swept_when_the_server_starts(settings: Any) -> None:
    """Uploads left unfinished longer than ``partial_upload_days`` go at startup; recent ones stay."""
    import os
    import time

    from fastapi.testclient import TestClient

    from sync_server.app import create_app
    from sync_server.storage.local import LocalPhotoStore

    store = LocalPhotoStore(settings.photo_dir)
    old, fresh = "a" * 64, "b" * 64
    store.append_partial(old, 0, b"\xff\xd8\xff" + b"x" * 100)
    store.append_partial(fresh, 0, b"\xff\xd8\xff" + b"y" * 100)
    month_ago = time.time() - 31 * 86400
    os.utime(store.partials / old, (month_ago, month_ago))

    with TestClient(create_app(settings)) as client:  # the lifespan runs the sweep
        assert client.get("/api/v1/health").status_code == 200
    assert store.partial_size(old) == 0
    assert store.partial_size(fresh) == 103
