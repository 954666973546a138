"""The real server with ``photo_store=s3`` (moto over a socket) and the real tablet sync engine."""

from __future__ import annotations

import hashlib
import random
import socket
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config
from fastapi.testclient import TestClient

from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.storage.s3 import S3PhotoStore
from tests.api.records_data import file_record, fonds
from tests.api.test_sync_server import PUSH, batch, change, enroll, statuses
from tests.conftest import AGENCY_A, login
from tests.images import noise_jpeg
from tests.storage.conftest import object_keys

PHOTOS = "/api/v1/photos"


@pytest.fixture
def settings(database_url: str, tmp_path: Path, s3_endpoint: str, s3_bucket: str) -> Settings:
    """The test settings of every server test, with photos in a fresh bucket."""
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        photo_store="s3",
        s3_endpoint_url=s3_endpoint,
        s3_bucket=s3_bucket,
    )


def _patch(client: TestClient, headers: dict[str, str], data: bytes, start: int, end: int) -> httpx.Response:
    return client.patch(
        f"{PHOTOS}/{hashlib.sha256(data).hexdigest()}",
        content=data[start:end],
        headers={**headers, "Upload-Offset": str(start), "Upload-Length": str(len(data))},
    )


def test_bucket_is_created_when_the_server_starts(settings: Settings, s3_client: Any) -> None:
    app = create_app(settings)
    try:
        assert settings.s3_bucket in {b["Name"] for b in s3_client.list_buckets()["Buckets"]}
    finally:
        app.state.engine.dispose()


def test_tablet_upload_cut_at_random_offsets_ends_as_one_verified_object(  # type: ignore[no-untyped-def]
    client: TestClient, tablet, auth, settings: Settings, s3_client: Any
) -> None:
    rng = random.Random(1975)
    cuts = {"left": 6}

    def plan(req: httpx.Request) -> str | None:
        if req.method == "PATCH" and cuts["left"] and rng.random() < 0.5:
            cuts["left"] -= 1
            return f"cut:{rng.randrange(0, int(req.headers['content-length']) + 1)}"
        return None

    engine = tablet("surveyor_a", plan)
    content = noise_jpeg(rng, 600_000)
    photo = engine.store.add_photo(content, "image/jpeg")
    f = fonds(AGENCY_A)
    engine.store.save("fonds", f)
    ref = {"sha256": photo.sha256, "size": photo.size, "mime": "image/jpeg"}
    engine.store.save("file_record", file_record(AGENCY_A, f["id"], photos=[ref]))
    engine.sync()

    assert cuts["left"] == 0, "every planned cut happened"
    assert engine.status.photo_bytes_sent == len(content) and engine.store.photos() == []
    assert object_keys(s3_client, settings.s3_bucket) == [f"photos/{photo.sha256[:2]}/{photo.sha256}"]
    stored = s3_client.get_object(Bucket=settings.s3_bucket, Key=f"photos/{photo.sha256[:2]}/{photo.sha256}")
    assert hashlib.sha256(stored["Body"].read()).hexdigest() == photo.sha256
    assert not [p for p in Path(settings.photo_dir or "").rglob("*") if p.is_file()]  # nothing on disk

    for reader in ("reviewer", "surveyor_a", "head_a"):
        got = client.get(f"{PHOTOS}/{photo.sha256}", headers=auth(reader))
        assert got.status_code == 200 and got.content == content, reader
        assert got.headers["content-type"] == "image/jpeg"
    for outsider in ("surveyor_b", "head_b"):
        assert client.get(f"{PHOTOS}/{photo.sha256}", headers=auth(outsider)).status_code in (403, 404)


def test_two_server_processes_share_one_upload(client: TestClient, auth, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    other = create_app(settings)  # a second server process on the same database and bucket
    try:
        with TestClient(other) as second:
            dev = enroll(client, auth, "surveyor_a")
            data = noise_jpeg(random.Random(3), 200_000)
            sha = hashlib.sha256(data).hexdigest()
            assert _patch(client, dev, data, 0, 70_000).status_code == 204
            held = second.head(f"{PHOTOS}/{sha}", headers=dev)
            assert (held.status_code, held.headers["Upload-Offset"]) == (200, "70000")
            stale = _patch(second, dev, data, 0, 70_000)  # a retry of a chunk that did arrive
            assert stale.status_code == 409 and stale.headers["Upload-Offset"] == "70000"
            assert _patch(second, dev, data, 70_000, 140_000).status_code == 204
            assert _patch(client, dev, data, 140_000, len(data)).status_code == 201
            assert second.get(f"{PHOTOS}/{sha}", headers=dev).content == data
    finally:
        other.state.engine.dispose()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_storage_answers_a_structured_503_and_records_still_sync(  # type: ignore[no-untyped-def]
    app, client: TestClient, auth
) -> None:
    dev = enroll(client, auth, "surveyor_a")
    data = noise_jpeg(random.Random(8), 50_000)
    sha = hashlib.sha256(data).hexdigest()
    assert _patch(client, dev, data, 0, 20_000).status_code == 204
    assert _patch(client, dev, data, 20_000, len(data)).status_code == 201
    down = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{_closed_port()}",
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1}, connect_timeout=2),
    )
    app.state.photos = S3PhotoStore(down, "saoluu-down")  # the storage goes away

    other = noise_jpeg(random.Random(9), 1000)
    answers = {
        "GET": client.get(f"{PHOTOS}/{sha}", headers=dev),
        "PATCH": _patch(client, dev, other, 0, 500),
        "HEAD": client.head(f"{PHOTOS}/{hashlib.sha256(other).hexdigest()}", headers=dev),
    }
    for method, r in answers.items():
        assert r.status_code == 503, method
        assert r.headers["Retry-After"].isdigit(), method
    error = answers["GET"].json()["error"]
    assert error["code"] == "storage_unavailable"
    assert error["message"]["vi"] and error["message"]["en"] and error["details"] == []

    f = fonds(AGENCY_A)
    rec = file_record(AGENCY_A, f["id"], photos=[{"sha256": sha, "size": len(data), "mime": "image/jpeg"}])
    assert statuses(
        client.post(PUSH, json=batch(change("fonds", f), change("file_record", rec)), headers=dev)
    ) == [
        "applied",
        "applied",
    ]
    assert login(client, "reviewer")  # the rest of the server is unaffected


def test_server_starts_even_when_storage_is_unreachable(settings: Settings) -> None:
    down = settings.model_copy(update={"s3_endpoint_url": f"http://127.0.0.1:{_closed_port()}"})
    app = create_app(down)
    try:
        with TestClient(app) as c:
            assert c.get("/api/v1/health").status_code == 200
    finally:
        app.state.engine.dispose()
