"""The photo store's disk fills up: a clear error, nothing stored is damaged, uploads resume later."""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import AGENCY_A
from tests.faults.conftest import (
    admin_headers,
    enroll,
    make_device,
    survey,
    sync_until_done,
    tally,
)
from tests.images import noise_jpeg

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")


def test_full_photo_disk_fails_clearly_and_recovers(
    server_factory: Any, database_url: str, tmp_path: Path
) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(photos)], check=True)
    try:
        server = server_factory(SAOLUU_PHOTO_DIR=str(photos))
        token = enroll(server.url, admin_headers(server.url), "surveyor_a", "tablet")
        device = make_device(server.url, token, tmp_path / "t", "tablet", AGENCY_A)
        survey(device, random.Random(3), records=3, photos=8, photo_size=200_000)  # 1.6 MB > 1 MB

        device.engine.sync()  # records go through; photos up to the limit, the rest fail clearly
        states = {p.sha256: p.state for p in device.store.photos(("queued", "uploading", "failed", "done"))}
        failed = [sha for sha, state in states.items() if state == "failed"]
        stored = [sha for sha, state in states.items() if state == "done"]
        assert failed and stored, states
        assert device.store.pending_count() == 0

        extra = noise_jpeg(random.Random(9), 300_000)
        sha = hashlib.sha256(extra).hexdigest()
        resp = device.http.patch(
            f"/api/v1/photos/{sha}",
            content=extra,
            headers={"Upload-Offset": "0", "Upload-Length": str(len(extra))},
        )
        assert resp.status_code == 507
        body = resp.json()["error"]
        assert body["code"] == "storage_full"
        assert "đầy" in body["message"]["vi"]

        before = tally(database_url, photos, [], stored)
        assert before.photos == before.photo_files_ok == len(stored)  # what was stored is intact

        subprocess.run(["mount", "-o", "remount,size=16m", str(photos)], check=True)  # space returns
        sync_until_done(device)
        after = tally(database_url, photos, device.record_ids, device.photo_hashes)
        assert after.photos == after.photo_files_ok == len(device.photo_hashes)
        assert after.records == after.creates == len(device.record_ids)
        device.http.close()
    finally:
        subprocess.run(["umount", "-l", str(photos)], check=False)
