"""Scanned masters through the API over HTTP (a real server on a socket), SQLite and PostgreSQL:
a PDF uploaded in part resumes from the server's offset and is ingested like a delivered folder;
the quality check pages through it, sends it back with a reason, takes a new scan and accepts it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Any

import httpx
from openpyxl import load_workbook

from tests.conftest import AGENCY_A
from tests.scans import pdfs
from tests.scans.conftest import Archive
from tests.sync.conftest import live_server  # noqa: F401  (a real server on a socket)

A = AGENCY_A


def _send(
    http: httpx.Client, h: dict[str, str], name: str, data: bytes, start: int, end: int
) -> httpx.Response:
    return http.patch(
        "/api/v1/scans/uploads",
        params={"name": name, "size": len(data)},
        headers={**h, "Upload-Offset": str(start), "Content-Type": "application/offset+octet-stream"},
        content=data[start:end],
    )


def _offset(http: httpx.Client, h: dict[str, str], name: str, data: bytes) -> int:
    r = http.head("/api/v1/scans/uploads", params={"name": name, "size": len(data)}, headers=h)
    assert r.status_code == 200, r.text
    return int(r.headers["Upload-Offset"])


def _upload(http: httpx.Client, h: dict[str, str], name: str, data: bytes) -> None:
    offset = _offset(http, h, name, data)
    while offset < len(data):
        r = _send(http, h, name, data, offset, offset + 64 * 1024)
        assert r.status_code == 204, r.text
        offset = int(r.headers["Upload-Offset"])


def _ingest(http: httpx.Client, h: dict[str, str], *files: tuple[str, bytes]) -> dict[str, Any]:
    body = {"files": [{"name": n, "size": len(d)} for n, d in files]}
    r = http.post("/api/v1/scans/ingest", json=body, headers=h)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def test_an_interrupted_upload_resumes_from_the_servers_offset_and_is_ingested(
    archive: Archive,
    live_server: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    rid = archive.file("45", pages=3)
    data = pdfs.scan_pdf(tmp_path / "a.pdf", 3, 300, seed=1).read_bytes()
    name = f"{A}.12.3.45.pdf"
    h = archive.auth("operator")
    with httpx.Client(base_url=live_server, timeout=30) as http:
        assert _offset(http, h, name, data) == 0
        half = len(data) // 2
        assert _send(http, h, name, data, 0, half).status_code == 204
        # the connection dropped here: the operator comes back later and asks where to resume
        assert _offset(http, h, name, data) == half
        stale = _send(http, h, name, data, 0, half)  # a chunk sent again from the start is refused
        assert stale.status_code == 409 and stale.headers["Upload-Offset"] == str(half)
        # not complete yet: nothing is ingested
        whole = {"files": [{"name": name, "size": len(data)}]}
        incomplete = http.post("/api/v1/scans/ingest", json=whole, headers=h)
        assert incomplete.status_code == 422
        assert _send(http, h, name, data, half, len(data)).status_code == 204
        run = _ingest(http, h, (name, data))
        assert (run["total"], run["stored"], run["refused"]) == (1, 1, 0)
        assert run["lines"][0]["outcome"] == "Đã nhận" and run["lines"][0]["pages"] == 3
        assert _offset(http, h, name, data) == 0  # the upload is let go once ingested
        report = http.get(f"/api/v1/scans/runs/{run['id']}/report", headers=h)
        assert report.status_code == 200
        sheet = load_workbook(io.BytesIO(report.content)).active
        assert any(name in str(c.value) for row in sheet.iter_rows() for c in row)  # type: ignore[union-attr]
    state = archive.state(rid)
    assert state is not None and state.state == "scanned"
    assert state.master_sha256 == hashlib.sha256(data).hexdigest()


def test_the_quality_check_pages_through_sends_back_and_accepts(
    archive: Archive,
    live_server: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    rid = archive.file("46", pages=2)
    low = pdfs.scan_pdf(tmp_path / "low.pdf", 2, 150, seed=2).read_bytes()
    first = pdfs.scan_pdf(tmp_path / "first.pdf", 2, 300, seed=3).read_bytes()
    second = pdfs.scan_pdf(tmp_path / "second.pdf", 2, 300, seed=4).read_bytes()
    name = f"{A}.12.3.46.pdf"
    op, staff = archive.auth("operator"), archive.auth("reviewer")
    with httpx.Client(base_url=live_server, timeout=30) as http:
        _upload(http, op, name, low)
        refused = _ingest(http, op, (name, low))["lines"][0]
        assert refused["outcome"] == "Từ chối" and "150" in refused["reason"] and "200" in refused["reason"]
        _upload(http, op, name, first)
        assert _ingest(http, op, (name, first))["stored"] == 1

        master = http.get(f"/api/v1/digitization/{rid}/master", headers=staff).json()
        assert (master["pages"], master["min_ppi"], master["state"]) == (2, 300, "scanned")
        page = http.get(f"/api/v1/digitization/{rid}/master/pages/2", headers=staff)
        assert page.status_code == 200 and page.content.startswith(b"\xff\xd8")
        assert "immutable" in page.headers["Cache-Control"]
        assert http.get(f"/api/v1/digitization/{rid}/master/pages/3", headers=staff).status_code == 404
        pdf = http.get(f"/api/v1/digitization/{rid}/master.pdf", headers=staff)
        assert pdf.status_code == 200 and pdf.content == first

        check = f"/api/v1/digitization/{rid}"
        for url in ("accept", "rescan"):  # the operator may upload, never judge
            assert http.post(f"{check}/{url}", json={"reason": "x"}, headers=op).status_code == 403
        assert http.post(f"{check}/rescan", json={"reason": " "}, headers=staff).status_code == 422
        sent = http.post(f"{check}/rescan", json={"reason": "Trang 2 bị mờ"}, headers=staff)
        assert sent.json() == {"state": "rescan", "accepted_on": None, "reason": "Trang 2 bị mờ"}

        _upload(http, op, name, second)
        assert _ingest(http, op, (name, second))["stored"] == 1
        assert http.get(f"/api/v1/digitization/{rid}/master", headers=staff).json()["state"] == "scanned"
        accepted = http.post(f"/api/v1/digitization/{rid}/accept", json={}, headers=staff)
        assert accepted.json()["state"] == "accepted"
        assert accepted.json()["accepted_on"] == dt.date.today().isoformat()
    state = archive.state(rid)
    assert state is not None and state.master_sha256 == hashlib.sha256(second).hexdigest()
