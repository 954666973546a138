"""Scanned masters in Chromium against the real server (SQLite and PostgreSQL), with real PDFs made
in the test: two PDFs uploaded from the page (one refused below 200 ppi) and the run's report; the
record page's quality check — thumbnails, send back with a reason, a new scan uploaded, accepted."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.conftest import AGENCY_A
from tests.scans import pdfs
from tests.scans.conftest import Archive
from tests.web.conftest import go, shot

A = AGENCY_A


@pytest.fixture
def files(client: TestClient, auth: Any, app: Any) -> Archive:
    """Approved file records made through the API."""
    return Archive(client, auth, app)


def _upload(page: Any, *files: Path, screenshot: str | None = None) -> None:
    """Choose the PDFs on the upload page, send them, and wait for the run's report."""
    go(page, "Nhận bản số hóa")
    page.set_input_files("#scan-files", [str(f) for f in files])
    if screenshot:
        shot(page, screenshot)
    page.get_by_role("button", name="Tải lên và nhận").click()
    page.wait_for_url(re.compile(r"/web/scans/runs/\d+$"), timeout=15_000)


def _row(page: Any, name: str) -> str:
    return page.locator("table.scan-report tbody tr", has_text=name).inner_text()  # type: ignore[no-any-return]


def test_upload_two_pdfs_check_send_back_upload_again_and_accept(  # type: ignore[no-untyped-def]
    signed_in,
    files: Archive,
    tmp_path: Path,
) -> None:
    rid = files.file("45", pages=3)
    other = files.file("46", pages=2)
    good = pdfs.scan_pdf(tmp_path / "first" / f"{A}.12.3.45.pdf", 3, 300, seed=1)
    low = pdfs.scan_pdf(tmp_path / "first" / f"{A}.12.3.46.pdf", 2, 150, seed=2)
    page = signed_in("reviewer")

    _upload(page, good, low)
    assert "Đã nhận" in _row(page, good.name) and "Không" not in _row(page, good.name)
    refused = _row(page, low.name)
    assert "Từ chối" in refused and "150" in refused and "200" in refused and f"{A}/12/3/46" in refused
    assert "2 tệp: 1 đã nhận, 0 đã có, 1 bị từ chối" in page.inner_text("main")
    shot(page, "scans-run-report")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải báo cáo (Excel)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as fh:
        sheet = load_workbook(fh).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]  # type: ignore[union-attr]
    assert good.name in cells and low.name in cells and "Từ chối" in cells
    assert files.state(other) is None  # the refused PDF left nothing behind

    page.goto(page.url.split("/web/")[0] + f"/web/records/{rid}")
    check = page.locator("section.quality-check")
    assert "Đã số hóa, chờ kiểm tra" in check.locator(".badge").inner_text()
    thumbs = check.locator(".master-pages img")
    assert thumbs.count() == 3 and thumbs.first.get_attribute("loading") == "lazy"
    thumbs.last.scroll_into_view_if_needed()
    loaded = (
        "() => [...document.querySelectorAll('.master-pages img')].every(i => i.complete && i.naturalWidth)"
    )
    page.wait_for_function(loaded)
    assert "300 ppi" in check.inner_text()
    shot(page, "quality-check-scanned")

    page.fill("#check-reason", "Trang 2 bị mờ, chụp lại")
    page.get_by_role("button", name="Trả lại để số hóa lại").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Đã trả lại hồ sơ để số hóa lại."
    assert "Phải số hóa lại" in check.locator(".badge").inner_text()
    assert "Trang 2 bị mờ, chụp lại" in check.inner_text()
    assert page.get_by_role("button", name="Nghiệm thu bản số hóa").count() == 0  # not before a new scan
    shot(page, "quality-check-sent-back")

    again = pdfs.scan_pdf(tmp_path / "second" / f"{A}.12.3.45.pdf", 3, 300, seed=7)
    _upload(page, again, screenshot="scans-upload-page")
    assert "Đã nhận" in _row(page, again.name)
    page.goto(page.url.split("/web/")[0] + f"/web/records/{rid}")
    assert "Đã số hóa, chờ kiểm tra" in check.locator(".badge").inner_text()
    assert page.input_value("#check-on") == dt.date.today().isoformat()
    page.get_by_role("button", name="Nghiệm thu bản số hóa").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Đã nghiệm thu bản số hóa."
    assert "Đã nghiệm thu" in check.locator(".badge").inner_text()
    assert f"Đã nghiệm thu ngày {dt.date.today():%d/%m/%Y}" in check.inner_text()
    shot(page, "quality-check-accepted")
    state = files.state(rid)
    assert state is not None and state.state == "accepted" and state.accepted_on == dt.date.today()
