"""The scan station in Chromium against the real server: a digitization operator checks boxes out to a
batch and back in by typing their label's code and Enter as a USB scanner does, and reads the clear
refusals (unknown code, box already out, box not out) and the boxes out too long."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import update

from common.boxcode import qr_payload
from sync_server.models import BoxCustody
from tests.plan.conftest import Survey
from tests.web.conftest import shot

UNKNOWN_BOX = "000.00.01.H47-P12-M3-H0999"


def _planned_box(survey: Survey) -> tuple[dict[str, Any], int]:
    """Box 7 of agency A with two approved, listed and planned files, and a 2026 batch."""
    survey.file("1", box="7", pages=10, title="Sổ công văn đi năm 1976")
    survey.file("2", box="7", pages=5, title="Tập báo cáo tổng kết năm 1977")
    assert survey.freeze().status_code == 201
    h = survey.auth("reviewer")
    applied = survey.client.post("/api/v1/plan/apply", json={"capacity": 100, "from_year": 2026}, headers=h)
    assert applied.status_code == 200, applied.text
    made = survey.client.post("/api/v1/plan/batches", json={"year": 2026, "name": "Đợt 1"}, headers=h)
    assert made.status_code == 201, made.text
    return survey.box("7"), made.json()["id"]


def _scan(page: Any, text: str) -> None:
    """What a USB scanner does: type into the focused field, then Enter (the page answers)."""
    assert page.evaluate("document.activeElement.id") == "scan-code"
    with page.expect_navigation():
        page.keyboard.type(text)
        page.keyboard.press("Enter")


def _ready_for_next(page: Any) -> None:
    assert page.evaluate("document.activeElement.id") == "scan-code"
    assert page.input_value("#scan-code") == ""


def test_operator_checks_a_box_out_and_in_by_scanning_and_reads_each_refusal(  # type: ignore[no-untyped-def]
    signed_in,
    survey: Survey,
) -> None:
    box, batch = _planned_box(survey)
    code = box["code"]
    page = signed_in("operator")
    assert page.url.endswith("/web/scan-station")
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    assert nav.get_by_role("link", name="Giao nhận hộp").is_visible()
    for staff_only in ("Tổng quan", "Danh mục hồ sơ", "Danh mục được phê duyệt", "Kế hoạch số hóa"):
        assert nav.get_by_role("link", name=staff_only).count() == 0
    _ready_for_next(page)
    shot(page, "scan-station-start")

    # no batch chosen yet: the box stays where it is
    _scan(page, qr_payload(code))
    assert page.get_by_role("alert").inner_text().count("Chọn đợt số hóa trước khi giao hộp đi") == 1
    _ready_for_next(page)

    page.select_option("#scan-batch", str(batch))
    assert page.evaluate("document.activeElement.id") == "scan-code"  # back in the field for the scanner
    _scan(page, qr_payload(code))
    assert page.get_by_role("status").inner_text() == (
        f"Đã giao hộp {code} đi số hóa (đợt Đợt 1): 2 hồ sơ đi cùng hộp."
    )
    result = page.locator(".scan-result")
    assert result.locator("h2").inner_text() == code
    assert "Sở Nội vụ" in result.inner_text() and "Đã giao đi số hóa" in result.inner_text()
    assert page.input_value("#scan-batch") == str(batch)  # the batch stays chosen for the next box
    _ready_for_next(page)
    shot(page, "scan-station-checked-out")

    _scan(page, code)  # the same box again, typed by hand this time
    alert = page.get_by_role("alert").inner_text()
    today = dt.date.today().strftime("%d/%m/%Y")
    assert f"Hộp {code} đã được giao đi số hóa (đợt Đợt 1, từ {today})" in alert
    _ready_for_next(page)
    shot(page, "scan-station-already-out")

    _scan(page, qr_payload(UNKNOWN_BOX))
    assert f"Không có hộp mã {UNKNOWN_BOX}" in page.get_by_role("alert").inner_text()
    _ready_for_next(page)
    shot(page, "scan-station-unknown")

    _scan(page, "hop so 7")
    assert "Mã hộp không đúng định dạng" in page.get_by_role("alert").inner_text()
    _ready_for_next(page)

    # out for 40 days: listed among the boxes out longer than 30 days
    with survey.session() as s:
        since = dt.datetime.now(dt.UTC) - dt.timedelta(days=40, minutes=5)
        s.execute(update(BoxCustody).where(BoxCustody.code == code).values(since=since))
        s.commit()
    page.reload()
    overdue = page.locator("#overdue tbody tr")
    assert overdue.count() == 1
    assert overdue.locator("th").inner_text() == code and overdue.locator("td.num").inner_text() == "40"
    page.fill("#overdue-days", "45")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url(re.compile(r"days=45"))
    assert page.locator("#overdue").count() == 0
    assert "Không có hộp nào giao đi quá 45 ngày" in page.inner_text("main")
    page.fill("#overdue-days", "30")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url(re.compile(r"days=30"))
    shot(page, "scan-station-overdue")

    page.get_by_label("Nhận hộp về kho").check()
    assert page.evaluate("document.activeElement.id") == "scan-code"
    _scan(page, qr_payload(code))
    assert page.get_by_role("status").inner_text() == f"Đã nhận hộp {code} về kho."
    assert "Trong kho lưu trữ" in page.locator(".scan-result").inner_text()
    assert page.locator("#overdue").count() == 0
    _ready_for_next(page)
    shot(page, "scan-station-checked-in")

    _scan(page, qr_payload(code))
    assert f"Hộp {code} đang ở trong kho, chưa được giao đi" in page.get_by_role("alert").inner_text()
    assert page.locator("#mode-in").is_checked()
    _ready_for_next(page)
    shot(page, "scan-station-not-out")

    page.get_by_role("link", name="Vị trí các hộp").click()
    page.wait_for_url(re.compile(r"/web/scan-station/boxes"))
    rows = page.locator("#boxes tbody tr")
    assert rows.count() == 1 and "Trong kho lưu trữ" in rows.inner_text()
    page.select_option("#f-place", "out")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url(re.compile(r"place=out"))
    assert page.locator("#boxes").count() == 0
    shot(page, "scan-station-boxes")
