"""Tablets whose clocks are days off still sync correctly: what they send carries their own time
(a visit's start and end), the server keeps it as sent, stamps its own history with its own clock,
and orders changes by its sequence, never by a tablet's time."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

import mobile_app.store
from mobile_app.models.labels import LabelService
from mobile_app.models.prefs import Preferences
from mobile_app.models.visit import VisitModel
from tests.conftest import AGENCY_A
from tests.faults.conftest import Device, admin_headers, enroll, make_device, survey

SKEW = dt.timedelta(days=9)


@dataclass
class Clock:
    """A tablet's clock: the real time plus its error, read by everything on the tablet."""

    offset: dt.timedelta

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset


def _on_tablet(device: Device, clock: Clock, monkeypatch: pytest.MonkeyPatch, root: Path) -> VisitModel:
    """Make ``clock`` the tablet's time (its store's timestamps and what its screens record)."""
    monkeypatch.setattr(mobile_app.store, "_now", clock)
    return VisitModel(device.store, Preferences(device.store), LabelService(root), AGENCY_A, clock=clock)


def _server(url: str, admin: dict[str, str], kind: str, rid: str) -> tuple[dict[str, Any], list[dt.datetime]]:
    """A record as the server holds it, and the times of its history (the server's clock)."""
    record = httpx.get(f"{url}/api/v1/records/{kind}/{rid}", headers=admin).json()
    history = httpx.get(f"{url}/api/v1/records/{kind}/{rid}/history", headers=admin).json()
    return record, [dt.datetime.fromisoformat(h["at"]) for h in history]


def _near_now(times: list[dt.datetime]) -> bool:
    now = dt.datetime.now(dt.UTC)
    return bool(times) and all(
        abs(t.replace(tzinfo=t.tzinfo or dt.UTC) - now) < dt.timedelta(minutes=5) for t in times
    )


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
    fast, slow = Clock(+SKEW), Clock(-SKEW)

    # the fast tablet visits the agency "nine days from now" and lists two files
    visit_model = _on_tablet(ahead, fast, monkeypatch, tmp_path / "ahead-labels")
    visit_model.start_visit()
    assert visit_model.visit is not None
    sent_start = dt.datetime.fromisoformat(visit_model.visit["started_at"])
    assert sent_start - dt.datetime.now(dt.UTC) > SKEW - dt.timedelta(minutes=1)  # what it sends is skewed
    survey(ahead, random.Random(1), records=2, photos=0, photo_size=0)
    ahead.engine.sync()
    stored, at = _server(server.url, admin, "visit", visit_model.visit["id"])
    assert dt.datetime.fromisoformat(stored["data"]["started_at"]) == sent_start  # kept as sent
    assert _near_now(at)  # the server's history is in the server's time, not the tablet's

    # the slow tablet, "nine days ago", learns both files through pull whatever the timestamps say
    slow_visit = _on_tablet(behind, slow, monkeypatch, tmp_path / "behind-labels")
    behind.engine.sync()
    rid = ahead.record_ids[1]
    got = behind.store.get("file_record", rid)
    assert got is not None and got.version == 1
    assert behind.store.get("visit", visit_model.visit["id"]) is not None  # a visit "in the future"
    slow_visit.start_visit()
    (own,) = [r.data for r in behind.store.records("visit", AGENCY_A) if r.id != visit_model.visit["id"]]
    assert own["started_at"] < visit_model.visit["started_at"]
    behind.engine.sync()
    stored, at = _server(server.url, admin, "visit", own["id"])
    assert stored["data"]["started_at"] == own["started_at"] and _near_now(at)

    # the fast tablet edits first, then the slow one: its edit is the newer for the server, although
    # its clock says it was made eighteen days earlier
    _on_tablet(ahead, fast, monkeypatch, tmp_path / "ahead-labels")
    ahead.store.save(
        "file_record", {**ahead.store.get("file_record", rid).data, "title": "Sửa từ máy chạy nhanh"}
    )  # type: ignore[union-attr]
    ahead.engine.sync()
    _on_tablet(behind, slow, monkeypatch, tmp_path / "behind-labels")
    behind.engine.sync()
    assert behind.store.get("file_record", rid).data["title"] == "Sửa từ máy chạy nhanh"  # type: ignore[union-attr]
    behind_edit = {**behind.store.get("file_record", rid).data, "title": "Sửa sau, từ máy chạy chậm"}  # type: ignore[union-attr]
    behind.store.save("file_record", behind_edit)
    behind.engine.sync()
    _on_tablet(ahead, fast, monkeypatch, tmp_path / "ahead-labels")
    ahead.engine.sync()
    final = ahead.store.get("file_record", rid)
    assert final is not None and final.version == 3
    assert final.data["title"] == "Sửa sau, từ máy chạy chậm"  # sequence, not clocks, decides
    _, at = _server(server.url, admin, "file_record", rid)
    assert at == sorted(at) and _near_now(at)

    # two edits from the same base on skewed clocks: a conflict kept, not "latest timestamp wins"
    _on_tablet(ahead, fast, monkeypatch, tmp_path / "ahead-labels")
    ahead.store.save("file_record", {**final.data, "title": "Bản A"})
    _on_tablet(behind, slow, monkeypatch, tmp_path / "behind-labels")
    behind.store.save("file_record", {**final.data, "title": "Bản B"})
    ahead.engine.sync()
    status = behind.engine.sync()
    assert status.conflicts == 1
    for d in (ahead, behind):
        d.http.close()
