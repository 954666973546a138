"""The routes a page will call: a file's Circular 02/2019 metadata, copy sets, figures, handovers."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import bagit
from openpyxl import load_workbook

from common import circular02 as c02
from sync_server.domain.file_metadata import MetadataIn, code_part, condition, file_code
from tests.conftest import AGENCY_A
from tests.copies.conftest import Masters
from tests.scans.conftest import Archive


def test_staff_edit_a_files_circular_metadata_without_changing_the_synced_record(archive: Archive) -> None:
    rid = archive.file("12/BC", inventory=None)
    client, staff = archive.client, archive.auth("reviewer")
    before = archive.record(rid)
    url = f"/api/v1/records/file_record/{rid}/metadata"

    view = client.get(url, headers=staff).json()
    rule = f"{AGENCY_A}.12.1996.12-BC"  # no inventory number: the year the file was formed
    assert view["file_code"] == view["rule_code"] == rule
    assert view["staff"] == {
        "file_code": None,
        "info_sign": None,
        "keywords": None,
        "documents": None,
        "annotation": None,
    }
    assert set(view["values"]) == {f.key for f in c02.FIELDS}

    body = {
        "info_sign": "TL",
        "keywords": "đê điều",
        "documents": 7,
        "annotation": "Chú giải",
        "file_code": "h47.x-1",
    }
    r = client.put(url, json=body, headers=staff)
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["file_code"] == "H47.X-1" and view["rule_code"] == rule
    assert view["values"]["documents"] == 7 and view["values"]["keywords"] == "đê điều"
    after = archive.record(rid)
    assert (after["version"], after["data"]) == (before["version"], before["data"])
    history = archive.history(rid)
    assert history[-1]["action"] == "metadata" and history[-1]["version_after"] == before["version"]

    too_long = {
        "keywords": "x" * (c02.KEYWORDS.max_length + 1),
        "info_sign": "y" * 31,
        "annotation": "z" * 2001,
    }
    r = client.put(url, json={**too_long, "documents": -1, "file_code": "A/B"}, headers=staff)
    assert r.status_code == 422
    assert {d["field"] for d in r.json()["error"]["details"]} == {
        "keywords",
        "info_sign",
        "annotation",
        "documents",
        "file_code",
    }
    assert client.put(url, json={}, headers=staff).json()["file_code"] == rule  # cleared
    assert client.get(url, headers=archive.auth("head_a")).status_code == 403
    assert client.get("/api/v1/records/file_record/nope/metadata", headers=staff).status_code == 404


def test_the_file_code_rule_and_the_physical_condition_in_both_languages(archive: Archive) -> None:
    assert file_code("000.00.01.H47", "12", "3", "45") == "000.00.01.H47.12.3.45"
    assert file_code("000.00.01.H47", "12", "1996", "Số 7/QĐ") == "000.00.01.H47.12.1996.SO-7-QD"
    assert code_part(" 12 / bc ") == "12-BC"
    rid = archive.file("45", inventory=None)
    client, staff = archive.client, archive.auth("reviewer")
    view = client.get(f"/api/v1/records/file_record/{rid}/metadata", headers=staff).json()
    assert view["condition"] == {
        "vi": "Mủn – Nặng, đọc được một phần; Ố, ố vàng – Trung bình",
        "en": "Crumbling, disintegrating paper – Severe, partly readable; "
        "Stained, foxing, yellowing – Moderate",
    }
    assert view["values"]["condition"] == view["condition"]["vi"]  # the package is in Vietnamese
    assert (condition([], "vi"), condition(None, "en")) == (
        "Bình thường (không ghi nhận hư hỏng)",
        "Sound (no damage recorded)",
    )
    assert MetadataIn(file_code=" ab.1 ").file_code == "AB.1"


def test_copy_sets_are_registered_and_listed_and_figures_count_files_short_of_two_verified_sets(
    masters: Masters,
) -> None:
    client, staff = masters.archive.client, masters.archive.auth("reviewer")
    body = {"number": 1, "name": "Bộ 1 — ổ cứng, kho A", "medium": "hdd", "location": "Kho A"}
    r = client.post("/api/v1/copy-sets", json=body, headers=staff)
    assert r.status_code == 201, r.text
    assert r.json()["copies"] == 0
    assert client.post("/api/v1/copy-sets", json=body, headers=staff).status_code == 422  # number taken
    moved = client.put("/api/v1/copy-sets/1", json={**body, "location": "Kho B"}, headers=staff)
    assert moved.json()["location"] == "Kho B"
    assert (
        client.post(
            "/api/v1/copy-sets", json={**body, "number": 2, "medium": "floppy"}, headers=staff
        ).status_code
        == 422
    )
    assert client.get("/api/v1/copy-sets", headers=masters.archive.auth("surveyor_a")).status_code == 403

    (rid,) = masters.add("45")
    status = client.get("/api/v1/preservation", headers=staff).json()
    assert (status["masters"], status["protected"], status["unprotected"]) == (1, 0, 1)
    assert status["unprotected_files"] == [{"record_id": rid, "sets": 0}]


def test_a_handover_over_http_refused_then_partial_streams_its_bag_and_minutes(
    masters: Masters, tmp_path: Path
) -> None:
    masters.add("45", "46")
    masters.add("47", accept=False)
    client, staff = masters.archive.client, masters.archive.auth("reviewer")
    fonds = f"{AGENCY_A}/12"
    plan = client.get("/api/v1/handovers/plan", params={"fonds": fonds}, headers=staff).json()
    assert (plan["files"], [m["file_code"] for m in plan["missing"]]) == (2, [f"{AGENCY_A}.12.3.47"])

    body = {"fonds": [fonds], "recipient": "Cục Văn thư và Lưu trữ nhà nước"}
    refused = client.post("/api/v1/handovers", json=body, headers=staff)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "handover_incomplete"
    assert [d["field"] for d in refused.json()["error"]["details"]] == [f"{AGENCY_A}.12.3.47"]

    made = client.post("/api/v1/handovers", json={**body, "partial": True}, headers=staff)
    assert made.status_code == 201, made.text
    h = made.json()
    assert (h["partial"], h["files"], h["missing"], h["package_sha256"]) == (True, 2, 1, None)

    with client.stream("GET", h["package_url"], headers=staff) as r:
        assert r.status_code == 200 and r.headers["content-type"] == "application/x-tar"
        size = int(r.headers["content-length"])
        data = b"".join(r.iter_bytes())
    assert len(data) == size
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(tmp_path, filter="data")
    bagit.Bag(str(tmp_path / h["number"])).validate()
    listed = client.get("/api/v1/handovers", headers=staff).json()
    assert listed[0]["package_size"] == size and listed[0]["package_sha256"]

    minutes = client.get(h["minutes_url"], headers=staff)
    assert minutes.status_code == 200 and "bien-ban-ban-giao" in minutes.headers["content-disposition"]
    rows = list(load_workbook(io.BytesIO(minutes.content)).active.iter_rows(values_only=True))
    assert any(listed[0]["package_sha256"] in str(c) for r in rows for c in r)
    status = client.get("/api/v1/preservation", headers=staff).json()
    assert (status["handovers"], status["handed_over"]) == (1, 2)
    assert client.get(h["package_url"], headers=masters.archive.auth("head_a")).status_code == 403
