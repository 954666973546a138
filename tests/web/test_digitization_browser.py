"""The approved lists and the plan in Chromium against the real server: a reviewer previews a freeze,
is refused with clear errors that change nothing, freezes a list with the signed decision, downloads
its annex and scan; then suggests a plan by capacity, applies it, creates a batch, moves a fonds."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook

from tests.conftest import AGENCY_A, AGENCY_B
from tests.plan.conftest import SIGNED_PDF, Survey
from tests.web.conftest import go, shot


def _lists(survey: Survey) -> list[dict[str, object]]:
    r = survey.client.get("/api/v1/approved-lists", headers=survey.auth("reviewer"))
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_reviewer_previews_is_refused_then_freezes_a_list_and_downloads_its_annex(  # type: ignore[no-untyped-def]
    signed_in,
    survey: Survey,
    tmp_path: Path,
) -> None:
    survey.file("1", box="7", pages=12, title="Sổ công văn đi năm 1976")
    survey.file("2", box="7", pages=8, title="Tập báo cáo tổng kết năm 1977")
    survey.file("5", agency=AGENCY_B, fonds="3", box="1", pages=30, title="Hồ sơ ngân sách năm 1980")
    survey.file("9", approve=False, title="Hồ sơ chưa duyệt")

    page = signed_in("reviewer")
    go(page, "Danh mục được phê duyệt")
    assert "Chưa có danh mục nào được phê duyệt." in page.inner_text("main")
    page.get_by_role("link", name="Lập danh mục được phê duyệt").click()
    page.wait_for_url(re.compile(r"/web/approved-lists/new"))
    preview = page.locator("#preview")
    assert "Toàn tỉnh: 3 hồ sơ, 50 trang" in preview.locator("caption").inner_text()
    assert preview.locator("tbody tr").count() == 2
    assert "3 hồ sơ, 50 trang của toàn tỉnh" in page.inner_text("#freeze-scope")

    page.get_by_label("Sở Nội vụ").check()
    page.get_by_role("button", name="Xem trước phạm vi đã chọn").click()
    page.wait_for_url(re.compile(rf"agency={re.escape(AGENCY_A)}"))
    assert "2 hồ sơ, 20 trang của 1 cơ quan đã chọn" in page.inner_text("#freeze-scope")
    shot(page, "approved-list-preview")

    # refused: no signer, a date in the future, a scan that is not a PDF or an image
    page.fill("#al-decision_number", "125/QĐ-SNV")
    page.fill("#al-decision_date", "2030-01-01")
    page.fill("#al-signer_position", "Giám đốc Sở Nội vụ")
    not_a_scan = tmp_path / "quyet-dinh.pdf"
    not_a_scan.write_bytes(b"this is not a PDF at all")
    page.set_input_files("#al-scan", str(not_a_scan))
    page.get_by_role("button", name="Lập danh mục").click()
    page.wait_for_load_state()
    errors = page.locator("#freeze-errors").inner_text()
    assert "Chưa lập được danh mục, không có gì thay đổi" in errors
    assert "Người ký: " in errors
    assert page.locator("#al-signer_name").get_attribute("aria-invalid") == "true"
    assert page.input_value("#al-decision_number") == "125/QĐ-SNV"  # what was typed is kept
    assert "2 hồ sơ, 20 trang của 1 cơ quan đã chọn" in page.inner_text("#freeze-scope")  # same scope
    shot(page, "approved-list-refused")
    page.fill("#al-signer_name", "Nguyễn Văn Bình")
    page.set_input_files("#al-scan", str(not_a_scan))
    page.get_by_role("button", name="Lập danh mục").click()
    page.wait_for_load_state()
    errors = page.locator("#freeze-errors").inner_text()
    assert "Ngày văn bản: Ngày không được ở tương lai: 2030-01-01" in errors
    assert _lists(survey) == []  # nothing changed

    page.fill("#al-decision_date", "2026-12-01")
    page.set_input_files("#al-scan", str(not_a_scan))
    page.get_by_role("button", name="Lập danh mục").click()
    page.wait_for_load_state()
    assert "Bản quét văn bản đã ký" in page.locator("#freeze-errors").inner_text()
    assert _lists(survey) == []

    scan = tmp_path / "quyet-dinh-da-ky.pdf"
    scan.write_bytes(SIGNED_PDF)
    page.set_input_files("#al-scan", str(scan))
    page.get_by_role("button", name="Lập danh mục").click()
    page.wait_for_url(re.compile(r"/web/approved-lists/1$"))
    assert page.get_by_role("status").inner_text() == "Đã lập danh mục số 1 gồm 2 hồ sơ."
    assert page.inner_text("#decision-number") == "125/QĐ-SNV"
    assert page.locator("#list-items tbody tr").count() == 2
    assert "Sổ công văn đi năm 1976" in page.inner_text("#list-items")
    shot(page, "approved-list-page")
    [made] = _lists(survey)
    assert (made["number"], made["files"], made["pages"], made["agency_codes"]) == (1, 2, 20, [AGENCY_A])

    with page.expect_download() as got:
        page.click("#annex-link")
    annex = tmp_path / "annex.xlsx"
    got.value.save_as(annex)
    sheets = load_workbook(annex, read_only=True).worksheets
    assert any(
        "Sổ công văn đi năm 1976" in str(c)
        for ws in sheets
        for row in ws.iter_rows(values_only=True)
        for c in row
    )
    with page.expect_download() as got:
        page.click("#scan-link")
    kept = tmp_path / "scan.pdf"
    got.value.save_as(kept)
    assert kept.read_bytes() == SIGNED_PDF

    go(page, "Danh mục được phê duyệt")
    row = page.locator("#lists tbody tr")
    assert row.count() == 1 and "125/QĐ-SNV" in row.inner_text() and "1 cơ quan" in row.inner_text()
    shot(page, "approved-lists")


def _planned_pages(survey: Survey) -> dict[int, int]:
    r = survey.client.get("/api/v1/plan/summary", headers=survey.auth("reviewer"))
    assert r.status_code == 200, r.text
    return {y["year"]: y["planned_pages"] for y in r.json()["years"] if y["planned_pages"]}


def test_reviewer_suggests_a_plan_moves_files_and_a_fonds_applies_and_makes_a_batch(  # type: ignore[no-untyped-def]
    signed_in, survey: Survey
) -> None:
    first = survey.file(
        "1", box="7", pages=400, damages=[{"type": "torn", "severity": 3}], title="Sổ công văn rách"
    )
    survey.file("2", box="8", pages=300, start_date="1960-01-01", title="Tập báo cáo năm 1960")
    survey.file("5", agency=AGENCY_B, fonds="3", box="1", pages=500, title="Hồ sơ ngân sách năm 1980")
    assert survey.freeze().status_code == 201

    page = signed_in("reviewer")
    go(page, "Kế hoạch số hóa")
    assert page.locator("#current-heading").is_visible()
    page.select_option("#b-year", "2027")
    page.fill("#b-name", "Đợt 1")
    page.get_by_role("button", name="Tạo đợt").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Đã tạo đợt Đợt 1 của năm 2027."
    page.get_by_role("button", name="Tạo đợt").click()  # no name: refused in words
    page.wait_for_load_state()
    assert page.locator("#plan-error").inner_text() == "Bắt buộc nhập"
    assert page.locator("#batches tbody tr").count() == 1

    page.fill("#p-capacity", "800")
    page.select_option("#p-from", "2026")
    page.fill("#p-cap-2027", "100")
    page.get_by_role("button", name="Đề xuất").click()
    page.wait_for_url(re.compile(r"capacity=800"))
    assert page.locator("#suggestion svg rect").count() >= 2  # the chart, drawn on the server
    ranks = page.locator("#risk tbody tr")
    assert ranks.count() == 3
    assert "Nặng (3/4)" in ranks.nth(0).inner_text()
    assert "từ năm 1960" in ranks.nth(1).inner_text()
    assert [ranks.nth(i).locator("td").last.inner_text() for i in range(3)] == ["2026", "2026", "2028"]
    shot(page, "plan-suggestion")

    ranks.nth(1).locator("input[name=ids]").check()
    page.select_option("#mf-year", "2029")
    page.get_by_role("button", name="Chuyển hồ sơ đã chọn").click()
    page.wait_for_url(re.compile(r"/web/plan\?.*capacity=800"))  # back to the same suggestion
    assert page.get_by_role("status").inner_text().startswith("Đã đưa thêm 1, chuyển 0 hồ sơ")
    assert page.locator("#risk tbody tr").count() == 2
    assert _planned_pages(survey) == {2029: 300}

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("Áp dụng: đưa 2 hồ sơ")).click()
    page.wait_for_url(re.compile(r"/web/plan$"))
    assert page.get_by_role("status").inner_text() == "Đã đưa 2 hồ sơ vào kế hoạch."
    assert _planned_pages(survey) == {2026: 400, 2028: 500, 2029: 300}

    page.select_option("#mv-fonds", survey.fonds_of(AGENCY_B, "3")["id"])
    page.select_option("#mv-year", "2027")
    page.select_option("#mv-batch", label="2027 – Đợt 1")
    page.get_by_role("button", name="Chuyển cả phông").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text().startswith("Đã đưa thêm 0, chuyển 1 hồ sơ")
    assert _planned_pages(survey) == {2026: 400, 2027: 500, 2029: 300}
    assert page.locator("#batches tbody tr").inner_text().split("\t")[-2:] == ["1", "0"]
    shot(page, "plan-applied")

    # the dashboard: plan against done per year (file 1 accepted this year, without a master)
    accepted = survey.client.post(
        "/api/v1/digitization", json={"ids": [first], "on": "2026-12-01"}, headers=survey.auth("reviewer")
    )
    assert accepted.status_code == 200, accepted.text
    go(page, "Tổng quan")
    chart = page.locator("#plan-progress svg.chart")
    assert chart.locator("rect").count() == 4  # 2026 planned and accepted, 2027 and 2029 planned
    rows = page.locator("#plan-table tbody tr")
    assert rows.count() == 9  # 2026–2033 and the total
    cells = [rows.nth(0).locator("td").nth(i).text_content() for i in range(3)]
    assert cells == ["400", "0", "400"]
    assert [rows.nth(i).locator("td").first.text_content() for i in (1, 3, 8)] == ["500", "300", "1.200"]
    page.locator("#plan-progress").scroll_into_view_if_needed()
    shot(page, "dashboard-plan")
