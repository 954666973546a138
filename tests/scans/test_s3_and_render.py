"""Masters on S3 (moto over a socket), and page thumbnails of stored masters, local and on S3."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from sync_server.domain.scans.render import NoSuchPage, page_count, render_page
from sync_server.storage import PhotoStore
from sync_server.storage import s3 as s3_module
from sync_server.storage.s3 import S3PhotoStore
from tests.conftest import AGENCY_A
from tests.scans import pdfs
from tests.scans.conftest import Archive
from tests.storage.conftest import object_keys

A = AGENCY_A


def _s3(endpoint: str, bucket: str) -> S3PhotoStore:
    import boto3

    return S3PhotoStore(
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1"), bucket, "masters/"
    )


def test_masters_are_ingested_into_s3_and_a_rerun_finds_them_held(
    archive: Archive,
    delivery: Path,
    s3_endpoint: str,
    s3_bucket: str,
    s3_client: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(s3_module, "PART_BYTES", 5 * 1024 * 1024)  # the big PDF goes in three parts
    big, small = archive.file("45"), archive.file("46")
    page = pdfs.page_jpeg(300, 0, (5.8, 8.3))
    big_pdf = pdfs.pages_pdf(delivery / A / "12" / "3" / "45.pdf", [pdfs.page_jpeg(300, 1), *[page] * 13])
    small_pdf = pdfs.scan_pdf(delivery / A / "12" / "3" / "46.pdf", 2, 300)
    assert big_pdf.stat().st_size > 10 * 1024 * 1024
    store = _s3(s3_endpoint, s3_bucket)

    run, items = archive.ingest(delivery, store)
    assert (run.stored, run.refused) == (2, 0), {k: (i.reason, i.detail) for k, i in items.items()}
    shas = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (big_pdf, small_pdf)}
    assert object_keys(s3_client, s3_bucket) == sorted(f"masters/{s[:2]}/{s}" for s in shas)
    for rid, path in ((big, big_pdf), (small, small_pdf)):
        state = archive.state(rid)
        assert state is not None and state.master_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()

    again, _ = archive.ingest(delivery, _s3(s3_endpoint, s3_bucket))  # another process, same bucket
    assert (again.stored, again.held) == (0, 2)
    thumb = render_page(store, archive.state(big).master_sha256, 14)  # type: ignore[union-attr]
    assert Image.open(io.BytesIO(thumb)).size[1] == 400


@pytest.fixture(params=["local", "s3"])
def master_store(request: pytest.FixtureRequest, tmp_path: Path) -> PhotoStore:
    from sync_server.storage import LocalPhotoStore

    if request.param == "local":
        return LocalPhotoStore(tmp_path / "masters")
    return _s3(request.getfixturevalue("s3_endpoint"), request.getfixturevalue("s3_bucket"))


def test_any_page_of_a_stored_master_renders_as_a_small_jpeg(
    master_store: PhotoStore, tmp_path: Path
) -> None:
    path = pdfs.pages_pdf(
        tmp_path / "m.pdf",
        [pdfs.page_jpeg(300, 1), pdfs.page_jpeg(200, 2, (3.0, 2.0)), pdfs.page_jpeg(300, 3)],
    )
    with open(path, "rb") as fh:
        sha = master_store.put_file(fh).sha256
    assert page_count(master_store, sha) == 3
    portrait = Image.open(io.BytesIO(render_page(master_store, sha, 1)))
    landscape = Image.open(io.BytesIO(render_page(master_store, sha, 2, max_px=300)))
    assert portrait.format == "JPEG" and portrait.size == (267, 400)
    assert landscape.size == (300, 200)
    dark = portrait.convert("L").histogram()[:128]
    assert sum(dark) > 100  # the page's strokes are drawn, not a blank sheet
    with pytest.raises(NoSuchPage):
        render_page(master_store, sha, 4)
    with pytest.raises(NoSuchPage):
        render_page(master_store, sha, 0)
    with pytest.raises(FileNotFoundError):
        render_page(master_store, "f" * 64, 1)


def test_an_upload_in_chunks_is_copied_out_of_the_store_whole(master_store: PhotoStore) -> None:
    """What an ingest of uploaded PDFs reads: every chunk, in order, streamed out of either store."""
    data = bytes(range(256)) * 5000
    key = hashlib.sha256(b"an upload").hexdigest()
    for start in range(0, len(data), 300_000):
        master_store.append_partial(key, start, data[start : start + 300_000])
    out = io.BytesIO()
    assert master_store.copy_partial(key, out) == len(data)
    assert out.getvalue() == data
    master_store.discard_partial(key)
    assert master_store.partial_size(key) == 0
