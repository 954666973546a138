"""The pages issue #13 changed, in Chromium: the bulk button's count, rare and hard-to-read files,
the head's refused confirmation and the review pages' words, each with a screenshot."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import AGENCY_B, login
from tests.exports.helpers import add_nil_report
from tests.web.conftest import go, shot
from tests.web.world import CAMPAIGN_ID, TITLES, World, name_people_and_edit_on_a_tablet


def test_bulk_approval_counts_the_selection_in_its_sentence(signed_in, world: World) -> None:  # type: ignore[no-untyped-def]
    page = signed_in("reviewer")
    go(page, "Danh mục hồ sơ")
    button = page.locator("button[data-needs=ids].button-ok")
    assert button.inner_text() == "Duyệt 0 hồ sơ đã chọn" and button.is_disabled()
    shot(page, "inventory-bulk-none")
    for title in (TITLES["map"], TITLES["irrigation"]):
        page.get_by_label(re.compile("Chọn hồ sơ " + re.escape(title[:30]))).check()
    assert button.inner_text() == "Duyệt 2 hồ sơ đã chọn" and button.is_enabled()
    assert page.get_by_role("button", name="Duyệt 2 hồ sơ đã chọn").count() == 1
    shot(page, "inventory-bulk-two")
    button.click()
    page.wait_for_load_state()
    assert page.get_by_role("status").first.inner_text() == "Đã duyệt 2 hồ sơ."


def test_rare_and_hard_to_read_files_on_the_dashboard_inventory_and_record(signed_in, world: World) -> None:  # type: ignore[no-untyped-def]
    page = signed_in("reviewer")
    figure = page.locator(".figure-conservation")
    assert figure.locator(".value").inner_text() == "1"
    assert "Tài liệu quý, hiếm" in page.locator("#criteria-title + p + svg").text_content()
    shot(page, "dashboard-rare-conservation")
    figure.get_by_role("link").click()
    page.wait_for_url(re.compile(r"conservation=1"))
    assert page.locator("td.title-cell > a").all_inner_texts() == [TITLES["genealogy"]]
    assert page.get_by_label("Chỉ hồ sơ khó đọc (tu bổ, bảo quản trước)").is_checked()
    shot(page, "inventory-conservation")
    page.get_by_role("link", name=TITLES["genealogy"]).click()
    assert "ưu tiên tu bổ, bảo quản trước khi số hóa" in page.locator(".notice-conservation").inner_text()
    shot(page, "record-conservation")


def test_the_head_sees_why_the_list_cannot_be_confirmed(  # type: ignore[no-untyped-def]
    signed_in, world: World, client: TestClient
) -> None:
    r = client.post(
        f"/api/v1/records/file_record/{world.records['map']}/review",
        json={"state": "sent_back", "text": "Thiếu số tờ"},
        headers=login(client, "reviewer"),
    )
    assert r.status_code == 200, r.text
    page = signed_in("head_a")
    blockers = page.locator("#confirm-blockers")
    assert "Chưa thể xác nhận danh mục vì:" in blockers.inner_text()
    assert "Hồ sơ số 40" in blockers.inner_text() and "chưa kết thúc" in blockers.inner_text()
    assert page.get_by_role("button", name="Xác nhận danh mục").is_disabled()
    shot(page, "agency-head-cannot-confirm")


def test_review_pages_name_people_devices_and_the_report(  # type: ignore[no-untyped-def]
    signed_in, world: World, client: TestClient, app
) -> None:
    rid = world.records["irrigation"]
    name_people_and_edit_on_a_tablet(app, client, rid)
    report = add_nil_report(client, login(client, "head_b"), AGENCY_B, campaign_id=CAMPAIGN_ID)

    page = signed_in("reviewer")
    page.goto(page.url.replace("/web/dashboard", f"/web/records/{rid}"))
    page.fill("#review-text", "Ghi lại số tờ")
    page.get_by_role("button", name="Trả lại để sửa").click()
    page.wait_for_load_state()
    assert "Nguyễn Thị Lan" in page.locator(".comment-list").inner_text()
    assert "Lê Minh Tuấn (qua Máy tính bảng vm)" in page.locator("#history-title + div").inner_text()
    shot(page, "record-history-names")
    page.goto(page.url.split("/web/")[0] + f"/web/nil-reports/{report['id']}")
    assert page.get_by_role("heading", name="Xét duyệt báo cáo").is_visible()
    shot(page, "nil-report-review-words")
    page.get_by_role("button", name="Chấp nhận").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").first.inner_text() == "Đã chấp nhận báo cáo."
    shot(page, "nil-report-accepted")
