"""In Chromium: an administrator creates a user and an enrollment code; a reviewer makes an export,
follows its progress, downloads it and the workbook reads back. Screenshots go to ``web-admin``."""

from __future__ import annotations

import io
import re
from typing import Any

import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image
from sqlmodel import Session, select

from common.enroll import parse_enroll_uri
from sync_server.models import FileRecord
from tests.browser import artifacts_dir
from tests.conftest import AGENCY_A, AGENCY_B
from tests.exports.helpers import add_file, add_fonds, read_xlsx
from tests.exports.web_helpers import browser_sign_in
from tests.sync.conftest import live_server  # noqa: F401  (fixture)


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(artifacts_dir("web-admin") / f"{name}.png"), full_page=True)


def test_admin_creates_a_user_and_an_enrollment_code(browser: Any, live_server: str) -> None:  # noqa: F811
    page = browser_sign_in(browser, live_server, "admin")
    page.get_by_role("link", name="Quản trị", exact=True).click()
    page.wait_for_url(f"{live_server}/web/admin")
    page.fill("#nu-username", "khaosat_d")
    page.fill("#nu-full-name", "Lê Văn Dũng")
    page.fill("#nu-password", "matkhau-dung-01")
    page.select_option("#nu-role", "surveyor")
    page.select_option("#nu-assigned", [AGENCY_A, AGENCY_B])
    shot(page, "01-new-user-form")
    page.get_by_role("button", name="Tạo tài khoản").click()
    page.wait_for_url(f"{live_server}/web/admin/users/khaosat_d")
    assert page.get_by_role("status").inner_text() == "Đã tạo tài khoản khaosat_d."
    assert page.locator("#eu-assigned option:checked").all_inner_texts() == [
        f"{AGENCY_A} – Sở Nội vụ",
        f"{AGENCY_B} – Sở Tài chính",
    ]
    page.get_by_role("button", name="Tạo mã kích hoạt").click()
    qr = page.locator("#enroll-qr")
    qr.wait_for()
    shot(page, "02-enroll-code")
    code = page.locator("#enroll-code").inner_text()
    [scanned] = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    server, scanned_code = parse_enroll_uri(scanned.text)
    assert scanned_code == code and server == live_server
    page.get_by_role("link", name="Người dùng", exact=True).click()
    assert page.get_by_role("row", name=re.compile("khaosat_d")).is_visible()
    shot(page, "03-users")
    page.context.close()


def test_reviewer_downloads_an_export_that_reads_back(
    browser: Any,
    live_server: str,  # noqa: F811
    app: Any,
    client: TestClient,
    auth: Any,
) -> None:
    f = add_fonds(client, auth("surveyor_a"), AGENCY_A, "12")
    for n in range(1, 4):
        add_file(
            client, auth("surveyor_a"), AGENCY_A, f["id"], file_no=str(n), title=f"Hồ sơ số {n} về đê điều"
        )
    page = browser_sign_in(browser, live_server, "reviewer")
    page.get_by_role("link", name="Xuất báo cáo", exact=True).click()
    page.wait_for_url(f"{live_server}/web/exports")
    page.get_by_label("Danh mục hồ sơ thuộc diện số hóa").check()
    page.select_option("#exp-agency", AGENCY_A)
    shot(page, "10-exports-form")
    page.get_by_role("button", name="Tạo tệp").click()
    page.wait_for_url(re.compile(r"/web/exports/jobs/[0-9a-f]{32}$"))
    link = page.locator("#download")
    link.wait_for(timeout=30_000)  # the page reloads itself until the file is ready
    assert "3 / 3" in page.locator(".lead").first.inner_text()
    shot(page, "11-export-ready")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.startswith(f"danh-muc-ho-so_{AGENCY_A}_")
    path = artifacts_dir("web-admin") / download.suggested_filename
    download.save_as(path)
    wb = read_xlsx(path.read_bytes())
    titles = [r[6].value for r in wb[AGENCY_A].iter_rows(min_row=4)]
    with Session(app.state.engine) as s:
        stored = s.exec(select(FileRecord.title).where(FileRecord.agency_code == AGENCY_A)).all()
    assert sorted(titles) == sorted(stored) and len(titles) == 3
    page.goto(f"{live_server}/web/exports")
    assert page.get_by_role("row", name=re.compile(download.suggested_filename)).is_visible()
    shot(page, "12-recent-files")
    page.context.close()
