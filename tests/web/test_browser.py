"""The pages in Chromium against the real server: each role's journey, with a screenshot of every page."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi.testclient import TestClient

from tests.api.records_data import file_record, fonds
from tests.conftest import ACCOUNTS, AGENCY_A, login
from tests.images import photo_jpeg
from tests.web.conftest import go, shot
from tests.web.world import CAMPAIGN_ID, TITLES, World

HOME = {
    "admin": "dashboard",
    "reviewer": "dashboard",
    "head_a": "agency",
    "head_b": "agency",
    "surveyor_a": "inventory",
    "surveyor_b": "inventory",
    "operator": "scan-station",
}


@pytest.mark.parametrize("username", list(ACCOUNTS))
def test_each_role_signs_in_lands_on_its_page_and_signs_out(signed_in, world: World, username: str) -> None:  # type: ignore[no-untyped-def]
    page = signed_in(username)
    assert page.url.endswith(f"/web/{HOME[username]}")
    assert page.locator("html").get_attribute("lang") == "vi"
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    if username in ("admin", "reviewer"):
        assert nav.get_by_role("link", name="Tổng quan").is_visible()
        assert nav.get_by_text("Xuất báo cáo").is_visible()  # placeholder until the exports pages exist
    else:
        assert nav.get_by_role("link", name="Tổng quan").count() == 0
    if username == "operator":  # the scan station starts in its code field, where the scanner types
        assert page.evaluate("document.activeElement.id") == "scan-code"
    else:
        page.keyboard.press("Tab")  # keyboard users can jump over the header and navigation
        assert page.evaluate("document.activeElement.className") == "skip-link"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
    shot(page, f"home-{username}")
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(re.compile(r"/web/login"))
    assert page.get_by_role("status").inner_text() == "Bạn đã đăng xuất."
    page.goto(page.url.split("/web/")[0] + f"/web/{HOME[username]}")
    assert "/web/login" in page.url  # the session is gone, not only the cookie


def test_reviewer_filters_opens_sends_back_and_the_tablet_pulls_the_comment(  # type: ignore[no-untyped-def]
    signed_in, tablet, client: TestClient
) -> None:
    from tests.web.world import build

    build(client.app, client)
    engine = tablet("surveyor_a")
    f = fonds(AGENCY_A)
    engine.store.save("fonds", f)
    rec = file_record(
        AGENCY_A,
        f["id"],
        campaign_id=CAMPAIGN_ID,
        file_no="88",
        title="Sổ đăng ký văn bản đi năm 1978, giấy mủn nặng",
    )
    engine.store.save("file_record", rec)
    engine.sync()
    assert engine.store.pending_count() == 0

    page = signed_in("reviewer")
    go(page, "Danh mục hồ sơ")
    page.fill("#f-q", "1978 mun")
    page.select_option("#f-state", "pending")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url(re.compile(r"q=1978\+mun"))
    assert "state=pending" in page.url  # the filters live in a bookmarkable URL
    rows = page.locator("tbody tr")
    assert rows.count() == 1
    shot(page, "inventory-filtered")
    page.get_by_role("link", name=rec["title"]).click()
    page.wait_for_url(re.compile(rf"/web/records/{rec['id']}"))
    assert page.get_by_role("heading", level=1).inner_text() == rec["title"]
    page.fill("#review-text", "Bổ sung số tờ và ảnh trang bìa")
    page.get_by_role("button", name="Trả lại để sửa").click()
    page.wait_for_load_state()
    assert "Đã trả lại hồ sơ để sửa" in page.get_by_role("status").inner_text()
    assert page.locator(".comment-list").inner_text().count("Bổ sung số tờ và ảnh trang bìa") == 1
    shot(page, "record-sent-back")

    engine.sync()
    comments = [r for r in engine.store.records("review_comment") if r.data["entity_id"] == rec["id"]]
    assert [c.data["text"] for c in comments] == ["Bổ sung số tờ và ảnh trang bìa"]
    assert comments[0].data["state"] == "sent_back"


def test_agency_head_files_a_nil_report_and_cannot_open_another_agencys_record(  # type: ignore[no-untyped-def]
    signed_in, world: World, live_server: str, tmp_path
) -> None:
    page = signed_in("head_b")
    assert page.get_by_role("heading", level=1).inner_text().endswith("Sở Tài chính")
    shot(page, "agency-head-empty")
    page.fill("#nil-signer_name", "Nguyễn Văn Bình")
    page.fill("#nil-signer_position", "Giám đốc Sở Tài chính")
    page.fill("#nil-doc_number", "125/BC-STC")
    page.fill("#nil-doc_date", "2026-10-20")
    not_an_image = tmp_path / "baocao.jpg"
    not_an_image.write_bytes(b"\xff\xd8\xff\xe0 this is not a picture")
    page.set_input_files("#nil-scan", str(not_an_image))
    page.get_by_role("button", name="Gửi báo cáo").click()
    assert "Chỉ nhận ảnh JPEG hoặc PNG" in page.get_by_role("alert").inner_text()
    assert page.input_value("#nil-doc_number") == "125/BC-STC"  # what was typed is kept
    shot(page, "agency-head-scan-refused")
    scan = tmp_path / "baocao-scan.jpg"
    scan.write_bytes(photo_jpeg((900, 1200), "#f4f1e8", "BÁO CÁO số 125/BC-STC"))
    page.set_input_files("#nil-scan", str(scan))
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Đã gửi báo cáo. Trung tâm Lưu trữ sẽ xem xét."
    assert page.locator(".badge-nil_report").count() == 1
    shot(page, "agency-head-nil-filed")
    page.get_by_role("link", name="Báo cáo không có tài liệu 125/BC-STC").click()
    page.wait_for_url(re.compile(r"/web/nil-reports/"))
    assert page.locator(".scan img").evaluate("img => img.naturalWidth") > 0  # the scan is served back
    shot(page, "nil-report-own")

    response = page.goto(f"{live_server}/web/records/{world.records['crumbling']}")
    assert response is not None and response.status == 404
    assert "Không tìm thấy" in page.get_by_role("heading", level=1).inner_text() + page.inner_text("main")
    shot(page, "agency-head-other-agency-404")


def test_reviewer_accepts_the_nil_report_and_the_tracker_shows_it(  # type: ignore[no-untyped-def]
    signed_in, world: World, client: TestClient
) -> None:
    content = photo_jpeg((900, 1200), "#f4f1e8", "BÁO CÁO")
    from tests.web.world import upload_photo

    h = login(client, "head_b")
    ref = upload_photo(client, h, content)
    nil = {
        "id": str(uuid.uuid4()),
        "agency_code": "000.00.02.H47",
        "campaign_id": CAMPAIGN_ID,
        "signer_name": "Nguyễn Văn Bình",
        "signer_position": "Giám đốc",
        "doc_number": "125/BC-STC",
        "doc_date": "2026-10-20",
        "scan": ref,
    }
    assert client.post("/api/v1/records/nil_report", json=nil, headers=h).status_code == 201
    page = signed_in("reviewer")
    go(page, "Báo cáo không có tài liệu")
    shot(page, "nil-reports")
    page.get_by_role("link", name="Sở Tài chính").click()
    shot(page, "nil-report-review")
    page.get_by_role("button", name="Chấp nhận").click()
    page.wait_for_load_state()
    assert "Đã duyệt" in page.locator(".page-head .badge").inner_text()
    go(page, "Theo dõi báo cáo")
    row = page.locator("tbody tr", has_text="Sở Tài chính")
    assert "Báo cáo không có tài liệu" in row.locator(".badge").inner_text()
    row_a = page.locator("tbody tr", has_text="Sở Nội vụ")
    assert "Đang khảo sát" in row_a.locator(".badge").inner_text()
    shot(page, "compliance")
    page.select_option("#f-status", "not_visited")
    page.get_by_role("button", name="Lọc").click()
    assert page.locator("tbody tr").count() == 1  # the province office: nobody went yet
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải Excel (.xlsx)").click()
    assert download.value.suggested_filename == "chua-bao-cao-2026.xlsx"
    go(page, "Tổng quan")
    shot(page, "dashboard")
    assert page.locator(".figure .value").first.inner_text() == "3"
    page.emulate_media(media="print")
    assert not page.locator(".main-nav").is_visible()  # printed without navigation and buttons
    shot(page, "dashboard-print")
    go_back = page.url
    page.goto(go_back.replace("/web/dashboard", "/web/compliance"))
    shot(page, "compliance-print")
    page.emulate_media(media="screen")


def test_a_post_without_the_csrf_token_is_refused(signed_in, world: World, live_server: str) -> None:  # type: ignore[no-untyped-def]
    page = signed_in("reviewer")
    target = world.records["irrigation"]
    forged = page.context.request.post(f"{live_server}/web/inventory/approve", form={"ids": target})
    assert forged.status == 403
    assert "mã bảo vệ" in forged.text()
    page.set_content(forged.text())
    shot(page, "csrf-refused")
    page.goto(f"{live_server}/web/records/{target}")
    assert page.locator(".page-head .badge").first.inner_text() == "Chờ duyệt"  # nothing was approved


def test_repeated_wrong_passwords_lock_the_sign_in(browser, live_server: str, world: World) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/web/login")
    for _ in range(5):
        page.fill("#username", "reviewer")
        page.fill("#password", "sai-mat-khau")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_load_state()
    assert "tạm khóa" in page.get_by_role("alert").inner_text()
    page.fill("#password", ACCOUNTS["reviewer"].password)  # even the right password waits now
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    assert "tạm khóa" in page.get_by_role("alert").inner_text()
    assert "/web/login" in page.url
    shot(page, "login-locked")
    context.close()


def test_title_search_ignores_diacritics_both_ways(signed_in, world: World) -> None:  # type: ignore[no-untyped-def]
    page = signed_in("reviewer")
    for query, expected in (
        ("mun", "crumbling"),
        ("Đà Nẵng", "crumbling"),
        ("truong dang", "genealogy"),
        ("HỘI AN", "map"),
        ("thuy loi", "irrigation"),
    ):
        page.goto(page.url.split("/web/")[0] + "/web/inventory")
        page.fill("#f-q", query)
        page.press("#f-q", "Enter")
        page.wait_for_url(re.compile(r"q="))
        titles = page.locator("td.title-cell > a").all_inner_texts()
        assert titles == [TITLES[expected]], (query, titles)
    shot(page, "inventory-search")


def _push(client: TestClient, headers: dict[str, str], rid: str, rev: int, data: dict) -> str:  # type: ignore[type-arg]
    change = {"type": "file_record", "id": rid, "rev": rev, "base_version": 1, "data": data}
    body = {"batch_id": str(uuid.uuid4()), "changes": [change]}
    return str(client.post("/api/v1/sync/push", json=body, headers=headers).json()["results"][0]["status"])


def test_pages_in_english_with_a_conflict_resolved(signed_in, world: World, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    rid = world.records["map"]
    h = login(client, "head_a")
    current = client.get(f"/api/v1/records/file_record/{rid}", headers=h).json()
    edit = {**current["data"], "title": "Bản đồ quy hoạch đô thị Hội An năm 1991", "leaves": 3}
    assert _push(client, h, rid, 5, edit) == "applied"
    late = {**current["data"], "leaves": 9}  # another device, still on version 1
    assert _push(client, login(client, "surveyor_a"), rid, 2, late) == "conflict"

    page = signed_in("reviewer", lang="en")
    assert page.locator("html").get_attribute("lang") == "en"
    shot(page, "dashboard-en")
    go(page, "Inventory")
    page.get_by_label("Only files with conflicts").check()
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("link", name=re.compile("Hội An năm 1991")).click()
    shot(page, "record-conflict-en")
    page.get_by_role("button", name=re.compile(r"Choose #\d+")).click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Conflict resolved."
    assert page.locator(".badge-conflict").count() == 0
    shot(page, "record-resolved-en")
