"""The quality check's and the scan upload's pages through the real app (SQLite and PostgreSQL): a
long master is paged through a window of thumbnails, each rendered on demand and cacheable; sending
back needs a reason; the digitization operator uploads but never judges."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sync_server.domain.scans.check import PAGES_AT_ONCE
from tests.conftest import AGENCY_A
from tests.scans import pdfs
from tests.scans.conftest import Archive
from tests.web.conftest import csrf_of

A = AGENCY_A


@pytest.fixture
def files(client: TestClient, auth: Any, app: Any) -> Archive:
    """Approved file records made through the API."""
    return Archive(client, auth, app)


THUMB = re.compile(r'<img src="/web/masters/([0-9a-f]{64})/pages/(\d+)\.jpg"[^>]*loading="lazy"')


def _scanned(files: Archive, tmp_path: Path, file_no: str, pages: int) -> str:
    rid = files.file(file_no, pages=pages)
    folder = tmp_path / f"delivery-{file_no}"
    pdfs.pages_pdf(
        folder / f"{A}.12.3.{file_no}.pdf", [pdfs.page_jpeg(200, i, (1.0, 1.4)) for i in range(pages)]
    )
    run, _ = files.ingest(folder, files.app.state.masters)
    assert run.stored == 1
    return rid


def test_a_long_master_is_paged_through_and_each_thumbnail_is_made_on_demand(
    files: Archive, web: Callable[[str], TestClient], tmp_path: Path
) -> None:
    rid = _scanned(files, tmp_path, "60", 30)
    staff = web("reviewer")
    html = staff.get(f"/web/records/{rid}").text
    shown = [int(n) for _, n in THUMB.findall(html)]
    assert shown == list(range(1, PAGES_AT_ONCE + 1))
    assert "Trang 1–24 / 30" in html and "from=25" in html
    rest = staff.get(f"/web/records/{rid}?from=25").text
    assert [int(n) for _, n in THUMB.findall(rest)] == list(range(25, 31))
    sha = THUMB.findall(html)[0][0]
    thumb = staff.get(f"/web/masters/{sha}/pages/30.jpg")
    assert thumb.status_code == 200 and thumb.content.startswith(b"\xff\xd8")
    assert "immutable" in thumb.headers["cache-control"]
    assert staff.get(f"/web/masters/{sha}/pages/31.jpg").status_code == 404
    assert staff.get(f"/web/masters/{'0' * 64}/pages/1.jpg").status_code == 404
    pdf = staff.get(f"/web/records/{rid}/master.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_sending_back_needs_a_reason_and_the_operator_cannot_judge(
    files: Archive, web: Callable[[str], TestClient], tmp_path: Path
) -> None:
    rid = _scanned(files, tmp_path, "61", 2)
    staff = web("reviewer")
    token = csrf_of(staff.get(f"/web/records/{rid}").text)
    empty = staff.post(f"/web/records/{rid}/rescan", data={"csrf_token": token, "reason": "  "})
    assert empty.status_code == 422 and "Bắt buộc nhập" in empty.text
    assert files.state(rid).state == "scanned"  # type: ignore[union-attr]

    operator = web("operator")
    upload = operator.get("/web/scans")
    assert upload.status_code == 200 and 'id="scan-files"' in upload.text
    op_token = csrf_of(upload.text)
    for action in ("accept", "rescan"):
        r = operator.post(f"/web/records/{rid}/{action}", data={"csrf_token": op_token, "reason": "x"})
        assert r.status_code == 403
    assert operator.get(f"/web/records/{rid}/master.pdf").status_code == 403
    assert files.state(rid).state == "scanned"  # type: ignore[union-attr]


def test_the_pages_upload_resumes_from_the_servers_offset(  # the routes the upload page's script calls
    files: Archive, web: Callable[[str], TestClient], tmp_path: Path
) -> None:
    rid = files.file("62", pages=2)
    data = pdfs.scan_pdf(tmp_path / "p.pdf", 2, 300, seed=5).read_bytes()
    name, half = f"{A}.12.3.62.pdf", len(data) // 2
    operator = web("operator")
    token = csrf_of(operator.get("/web/scans").text)
    where = {"name": name, "size": str(len(data))}

    def send(start: int, end: int) -> Any:
        form = {"csrf_token": token, **where, "offset": str(start)}
        return operator.post("/web/scans/uploads", data=form, files={"chunk": ("chunk", data[start:end])})

    assert operator.get("/web/scans/uploads", params=where).json() == {"offset": 0}
    assert send(0, half).json() == {"offset": half}
    assert operator.get("/web/scans/uploads", params=where).json() == {"offset": half}  # after a break
    again = send(0, half)
    assert again.status_code == 409 and again.json() == {"offset": half}
    assert send(half, len(data)).json() == {"offset": len(data)}
    form = {"csrf_token": token, "name": name, "size": str(len(data))}
    done = operator.post("/web/scans/ingest", data=form, follow_redirects=False)
    assert done.status_code == 303 and re.search(r"/web/scans/runs/\d+$", done.headers["location"])
    assert "Đã nhận" in operator.get(done.headers["location"]).text
    assert files.state(rid).state == "scanned"  # type: ignore[union-attr]
    other = web("admin").get(done.headers["location"])
    assert other.status_code == 200  # staff see every run
