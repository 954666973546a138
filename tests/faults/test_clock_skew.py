"""Tablets whose clocks are days off still sync correctly: the server orders by its own sequence."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest

import mobile_app.store
from tests.conftest import AGENCY_A
from tests.faults.conftest import admin_headers, enroll, make_device, survey


def _skew(monkeypatch: pytest.MonkeyPatch, days: int) -> dt.datetime:
    now = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
    monkeypatch.setattr(mobile_app.store, "_now", lambda: now)
    return now


def test_skewed_clocks_neither_reorder_nor_overwrite(
    server_factory: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    server = server_factory()
    admin = admin_headers(server.url)
    ahead = make_device(
        server.url, enroll(server.url, admin, "surveyor_a", "ahead"), tmp_path, "ahead", AGENCY_A
    )
    behind = make_device(
        server.url, enroll(server.url, admin, "surveyor_a", "behind"), tmp_path, "behind", AGENCY_A
    )

    later = _skew(monkeypatch, +9)  # this tablet thinks it is nine days from now
    survey(ahead, random.Random(1), records=2, photos=0, photo_size=0)
    visit = {
        "id": "5d1f0a59-56c4-4b7e-9a43-0a1f6f4f2a10",
        "agency_code": AGENCY_A,
        "started_at": later.isoformat(),
    }
    ahead.store.save("visit", visit)
    ahead.engine.sync()

    earlier = _skew(monkeypatch, -9)  # and this one nine days ago
    behind.engine.sync()  # learns the records through pull, whatever the timestamps say
    rid = ahead.record_ids[1]
    got = behind.store.get("file_record", rid)
    assert got is not None and got.version == 1
    assert behind.store.get("visit", visit["id"]) is not None  # a visit "in the future" is accepted

    # the tablet behind in time edits after the one ahead: its edit is newer for the server
    ahead_edit = {**ahead.store.get("file_record", rid).data, "title": "Sửa từ máy chạy nhanh"}  # type: ignore[union-attr]
    _skew(monkeypatch, +9)
    ahead.store.save("file_record", ahead_edit)
    ahead.engine.sync()
    _skew(monkeypatch, -9)
    behind.engine.sync()
    assert behind.store.get("file_record", rid).data["title"] == "Sửa từ máy chạy nhanh"  # type: ignore[union-attr]
    behind_edit = {**behind.store.get("file_record", rid).data, "title": "Sửa sau, từ máy chạy chậm"}  # type: ignore[union-attr]
    behind.store.save("file_record", behind_edit)
    behind.engine.sync()
    ahead.engine.sync()
    final = ahead.store.get("file_record", rid)
    assert final is not None and final.version == 3
    assert final.data["title"] == "Sửa sau, từ máy chạy chậm"  # sequence, not clocks, decides

    # two edits from the same base on skewed clocks: a conflict kept, not "latest timestamp wins"
    _skew(monkeypatch, +9)
    ahead.store.save("file_record", {**final.data, "title": "Bản A"})
    _skew(monkeypatch, -9)
    behind.store.save("file_record", {**final.data, "title": "Bản B"})
    ahead.engine.sync()
    status = behind.engine.sync()
    assert status.conflicts == 1
    assert earlier < later
    for d in (ahead, behind):
        d.http.close()
