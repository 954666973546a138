"""What a new user tripped over in the field (issue #13): rare files, hard-to-read files, the agency
head's confirmation, and the words of the review pages."""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from sync_server.models import ListConfirmation
from tests.conftest import AGENCY_B, login
from tests.exports.helpers import add_nil_report
from tests.web.conftest import csrf_of
from tests.web.world import CAMPAIGN_ID, TITLES, World, end_visit, name_people_and_edit_on_a_tablet


def _edit(client: TestClient, username: str, rid: str, **changes: Any) -> None:
    """The record edited on a tablet and pushed (from the server's current version)."""
    h = login(client, username)
    current = client.get(f"/api/v1/records/file_record/{rid}", headers=h).json()
    data = {**current["data"], **changes}
    change = {"type": "file_record", "id": rid, "rev": current["rev"] + 1, "base_version": current["version"]}
    r = client.post(
        "/api/v1/sync/push",
        json={"batch_id": str(uuid.uuid4()), "changes": [{**change, "data": data}]},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "applied", r.text


def _review(client: TestClient, kind: str, rid: str, state: str, text: str = "") -> None:
    r = client.post(
        f"/api/v1/records/{kind}/{rid}/review",
        json={"state": state, "text": text},
        headers=login(client, "reviewer"),
    )
    assert r.status_code == 200, r.text


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr>\s*(?:<td><input[^>]*></td>)?\s*<td class=\"title-cell\">(.*?)</tr>", html, re.S)


def test_rare_is_a_criterion_on_the_pages(web, world: World) -> None:  # type: ignore[no-untyped-def]
    c = web("reviewer")
    inventory = c.get("/web/inventory?criterion=rare").text
    assert '<option value="rare" selected>Tài liệu quý, hiếm</option>' in inventory
    rows = _rows(inventory)
    assert len(rows) == 1 and TITLES["genealogy"] in rows[0]
    assert '<abbr title="Tài liệu quý, hiếm">Quý hiếm</abbr>' in rows[0]
    dashboard = c.get("/web/dashboard").text
    link = f'<a href="/web/inventory?criterion=rare&amp;campaign={CAMPAIGN_ID}">Tài liệu quý, hiếm</a>'
    assert re.search(re.escape(link) + r'</th><td class="num">1</td>', dashboard)
    record = c.get(f"/web/records/{world.records['genealogy']}").text
    assert re.search(r"<dt>Tiêu chí</dt><dd>[^<]*Tài liệu quý, hiếm</dd>", record)


def test_hard_to_read_files_are_shown_and_counted_for_conservation_first(  # type: ignore[no-untyped-def]
    web, world: World, client: TestClient
) -> None:
    c = web("reviewer")
    flagged = c.get("/web/inventory?conservation=1").text
    assert [TITLES["genealogy"] in row for row in _rows(flagged)] == [True]
    everything = _rows(c.get("/web/inventory").text)
    assert len(everything) == 4
    for row in everything:
        assert ("Tu bổ trước khi số hóa" in row) == (TITLES["genealogy"] in row)
    dashboard = c.get("/web/dashboard").text
    figure = re.search(r'href="/web/inventory\?conservation=1&amp;campaign=[^"]+">(\d+)</a>', dashboard)
    assert figure is not None and figure[1] == "1"
    record = c.get(f"/web/records/{world.records['genealogy']}").text
    assert "được thống kê để ưu tiên tu bổ, bảo quản trước khi số hóa" in record
    assert "ưu tiên tu bổ" not in c.get(f"/web/records/{world.records['map']}").text

    # restored and readable again: an ordinary file once more
    _edit(client, "surveyor_a", world.records["genealogy"], damages=[{"type": "mould", "severity": 2}])
    assert _rows(c.get("/web/inventory?conservation=1").text) == []
    dashboard = c.get("/web/dashboard").text
    assert re.search(r'href="/web/inventory\?conservation=1&amp;campaign=[^"]+">0</a>', dashboard)


def test_the_head_cannot_confirm_while_a_file_is_sent_back_or_the_visit_is_open(  # type: ignore[no-untyped-def]
    web, world: World, client: TestClient, app
) -> None:
    _review(client, "file_record", world.records["map"], "sent_back", "Thiếu số tờ")
    head = web("head_a")
    page = head.get("/web/agency").text
    assert "Chưa thể xác nhận danh mục vì:" in page
    assert "1 hồ sơ đang bị Trung tâm Lưu trữ trả lại để sửa:" in page
    assert f'<a href="/web/records/{world.records["map"]}">Hồ sơ số 40: {TITLES["map"]}</a>' in page
    assert "Lần khảo sát bắt đầu lúc 05/10/2026 08:30 (surveyor_a) chưa kết thúc trên máy tính bảng." in page
    assert re.search(r'<button type="submit" class="button button-ok" disabled[^>]*>Xác nhận danh mục', page)

    refused = head.post("/web/agency/confirm", data={"csrf_token": csrf_of(page), "note": ""})
    assert refused.status_code == 409
    assert 'id="confirm-blockers" role="alert"' in refused.text and "Hồ sơ số 40" in refused.text
    with Session(app.state.engine) as s:
        assert s.exec(select(ListConfirmation)).all() == []

    _edit(client, "surveyor_a", world.records["map"], leaves=12)  # corrected: back to review
    page = head.get("/web/agency").text
    assert "trả lại để sửa" not in page and "chưa kết thúc trên máy tính bảng" in page
    end_visit(client, world)
    page = head.get("/web/agency").text
    assert "Chưa thể xác nhận" not in page
    done = head.post("/web/agency/confirm", data={"csrf_token": csrf_of(page), "note": ""})
    assert done.status_code == 200 and "Đã xác nhận danh mục 4 hồ sơ." in done.text


def test_the_nil_report_review_speaks_of_a_report(web, world: World, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    report = add_nil_report(client, login(client, "head_b"), AGENCY_B, campaign_id=CAMPAIGN_ID)
    c = web("reviewer")
    page = c.get(f"/web/nil-reports/{report['id']}").text
    assert "Thông tin báo cáo" in page and "Xét duyệt báo cáo" in page
    assert "Thông tin hồ sơ" not in page and "Duyệt hồ sơ" not in page
    assert "không đạt" not in page.lower()  # it has no such button
    r = c.post(
        f"/web/nil-reports/{report['id']}/review",
        data={"state": "approved", "text": "", "csrf_token": csrf_of(page)},
    )
    assert r.status_code == 200 and "Đã chấp nhận báo cáo." in r.text
    assert "Đã ghi nhận" not in r.text


def test_history_and_comments_name_the_people_and_the_tablet(  # type: ignore[no-untyped-def]
    web, world: World, client: TestClient, app
) -> None:
    rid = world.records["irrigation"]
    tablet = name_people_and_edit_on_a_tablet(app, client, rid)
    _review(client, "file_record", rid, "sent_back", "Ghi lại số tờ")

    page = web("reviewer").get(f"/web/records/{rid}").text
    assert "Lê Minh Tuấn <small>(qua Máy tính bảng vm)</small>" in page
    assert "máy Máy tính bảng" not in page
    comments = page.split('id="comments-title"')[1].split("</section>")[0]
    assert "Nguyễn Thị Lan ·" in comments and "reviewer" not in comments
    pulled = client.get("/api/v1/sync/pull", params={"cursor": 0, "protocol": 2}, headers=tablet).json()
    [comment] = [ch["data"] for ch in pulled["changes"] if ch["type"] == "review_comment"]
    assert comment["author"] == "Nguyễn Thị Lan"  # what the tablet shows beside the comment


def test_the_bulk_approval_button_says_how_many_files(web, world: World) -> None:  # type: ignore[no-untyped-def]
    page = web("reviewer").get("/web/inventory").text
    button = re.search(
        r'<button type="submit" class="button button-ok" data-needs="ids">(.*?)</button>', page, re.S
    )
    assert button is not None
    text = re.sub(r"<[^>]+>", "", button[1])
    assert text == "Duyệt 0 hồ sơ đã chọn"  # the count (set by the page script) sits in the sentence
