"""The sync screen's model against the real server over HTTP: a whole survey, offline, send-back."""

from __future__ import annotations

import hashlib
import socket
import uuid

from fastapi.testclient import TestClient

from tests.conftest import AGENCY_A, login
from tests.images import photo_jpeg

A = AGENCY_A


def _campaign(app) -> str:  # type: ignore[no-untyped-def]
    """A campaign made by the server's own domain code (as the admin screens do)."""
    from sqlmodel import Session

    from common.schemas import Campaign
    from sync_server.domain.campaigns import save_campaign

    cid = uuid.uuid4()
    with Session(app.state.engine) as session:
        save_campaign(session, None, Campaign(id=cid, year=2026, name="Khảo sát, thống kê tài liệu năm 2026"))
    return str(cid)


def _survey(c) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    """A visit with a fonds, a box, one file (two damages, a photo) and a nil report."""
    v = c.visit(A)
    v.start_visit()
    v.fonds_form.values.update(number="12", name="Phông UBND tỉnh Quảng Nam")
    v.add_fonds()
    v.box_form.values.update(inventory_no="3", box_no="45")
    v.add_box()
    form = c.file_form(A, v.new_file())
    form.set("file_no", "127")
    form.set("title", "Tập công văn về việc chia tách tỉnh, giấy mủn, ố vàng")
    form.set("start_date", "1996")
    form.toggle("criteria", "damaged", True)
    form.set_damage("crumbling", True)
    form.update_damage("crumbling", severity=3, readability="partial")
    form.set_damage("stained", True)
    form.update_damage("stained", severity=2)
    photo = form.add_photo(photo_jpeg((3000, 2000)))
    assert form.save(), form.errors.errors
    nil = c.nil_form(A, v.nil_report_id())
    for name, value in (
        ("signer_name", "Trần Văn Hùng"),
        ("signer_position", "Giám đốc"),
        ("doc_number", "12/BC"),
    ):
        nil.set(name, value)
    assert nil.save(), nil.errors.errors
    return form.record_id, nil.record_id, photo["sha256"]


def _server(client: TestClient, kind: str) -> list[dict]:  # type: ignore[type-arg]
    r = client.get(
        f"/api/v1/agencies/{A}/records/{kind}", params={"limit": 1000}, headers=login(client, "reviewer")
    )
    assert r.status_code == 200, r.text
    return r.json()


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_a_survey_syncs_exactly_once_with_progress_and_summary(enrolled, client, app) -> None:  # type: ignore[no-untyped-def]
    campaign = _campaign(app)
    c = enrolled("surveyor_a")
    c.sync.run()  # the campaign arrives
    rid, nid, sha = _survey(c)
    assert c.store.get("file_record", rid).data["campaign_id"] == campaign
    seen: list[float] = []
    c.sync.subscribe(lambda: seen.append(c.sync.progress()))
    pending = {i.type for i in c.sync.pending_records()}
    assert pending == {"visit", "fonds", "box", "file_record", "nil_report"}
    assert c.sync.pending_photos()[0] == 1
    assert c.sync.run(), c.sync.status
    assert c.sync.progress() == 1.0 and seen == sorted(seen) and any(0 < p < 1 for p in seen)
    assert c.sync.status.applied == 5 and c.sync.pending_records() == []
    assert "Máy chủ đã nhận 5 bản ghi" in c.sync.summary("vi")  # type: ignore[operator]
    assert c.home().last_sync is not None and c.home().pending_records == 0
    [rec] = _server(client, "file_record")
    assert rec["id"] == rid and [d["type"] for d in rec["data"]["damages"]] == ["crumbling", "stained"]
    assert [n["id"] for n in _server(client, "nil_report")] == [nid]
    got = client.get(f"/api/v1/photos/{sha}", headers=login(client, "reviewer"))
    assert hashlib.sha256(got.content).hexdigest() == sha
    assert c.sync.run() and c.sync.status.applied == 0  # nothing repeated


def test_offline_sync_keeps_everything_and_succeeds_later(enrolled, client, live_server) -> None:  # type: ignore[no-untyped-def]
    c = enrolled("surveyor_a")
    rid, _nid, _sha = _survey(c)
    c.prefs.set_server_url(_dead_url())
    assert not c.sync.run()
    assert c.sync.failure == "offline" and c.sync.status.phase == "offline"
    assert c.sync.phase_text("vi").startswith("Không kết nối được máy chủ — dữ liệu vẫn an toàn")
    assert c.store.pending_count() == 5 and c.sync.pending_photos()[0] == 1
    c.prefs.set_server_url(live_server)
    assert c.sync.run()
    assert [r["id"] for r in _server(client, "file_record")] == [rid]


def test_send_back_reaches_the_tablet_and_the_form_then_a_fix_returns_to_review(enrolled, client) -> None:  # type: ignore[no-untyped-def]
    c = enrolled("surveyor_a")
    rid, _nid, _sha = _survey(c)
    assert c.sync.run()
    reviewer = login(client, "reviewer")
    body = {"state": "sent_back", "text": "Thiếu số tờ, đề nghị bổ sung"}
    assert (
        client.post(f"/api/v1/records/file_record/{rid}/review", json=body, headers=reviewer).status_code
        == 200
    )
    assert c.sync.run()
    [item] = c.sync.sent_back("vi")
    assert item.id == rid and item.opens_form and item.comments == ["reviewer: Thiếu số tờ, đề nghị bổ sung"]
    assert {r.code: r.status for r in c.home().rows}[A] == "sent_back"
    form = c.file_form(A, rid)
    assert form.review_state == "sent_back" and form.comments()[0]["text"] == "Thiếu số tờ, đề nghị bổ sung"
    form.set("leaves", "84")
    assert form.save() and c.sync.run()
    assert c.sync.sent_back("vi") == []
    [rec] = _server(client, "file_record")
    assert (rec["version"], rec["review_state"], rec["data"]["leaves"]) == (2, "pending", 84)


def test_conflicts_and_refusals_are_listed_for_the_surveyor(enrolled, client) -> None:  # type: ignore[no-untyped-def]
    one = enrolled("surveyor_a", name="one")
    two = enrolled("head_a", name="two")
    rid, _nid, _sha = _survey(one)
    assert one.sync.run() and two.sync.run()
    f1, f2 = one.file_form(A, rid), two.file_form(A, rid)
    f1.set("leaves", "80")
    f2.set("pages", "160")
    assert f1.save() and f2.save()
    assert one.sync.run() and two.sync.run()
    [conflict] = two.sync.conflicts("vi")
    assert conflict.id == rid and two.file_form(A, rid).conflicted
    two.store.save(
        "box",
        {
            "id": str(uuid.uuid4()),
            "agency_code": A,
            "fonds_id": str(uuid.uuid4()),
            "fonds_number": "99",
            "box_no": "1",
        },
    )
    assert two.sync.run()
    [refused] = two.sync.rejected("vi")
    assert refused.type == "box" and "Không tìm thấy" in refused.errors[0]


def test_a_revoked_device_is_told_to_enroll_again_and_keeps_its_data(enrolled, client) -> None:  # type: ignore[no-untyped-def]
    c = enrolled("surveyor_a")
    c.visit(A).start_visit()
    admin = login(client, "admin")
    assert client.post(f"/api/v1/admin/devices/{c.prefs.device_id}/revoke", headers=admin).status_code == 204
    assert not c.sync.run()
    assert c.sync.failure == "unauthorized"
    assert c.sync.phase_text("vi").startswith("Máy này đã bị thu hồi hoặc hết hạn")
    assert c.store.pending_count() == 1


def test_a_rare_file_travels_as_the_rare_criterion(enrolled, client) -> None:  # type: ignore[no-untyped-def]
    """The tablet speaks protocol 2: what it pulls back keeps ``rare`` among the criteria."""
    c = enrolled("surveyor_a")
    v = c.visit(A)
    v.fonds_form.values.update(number="12", name="Phông UBND tỉnh Quảng Nam")
    v.add_fonds()
    form = c.file_form(A, v.new_file())
    form.set("file_no", "9")
    form.set("title", "Sắc phong triều Nguyễn cho làng Phước Kiều")
    form.toggle("criteria", "rare", True)
    assert form.save(), form.errors.errors
    c.sync.run()
    assert c.sync.failure is None
    [server] = [r for r in _server(client, "file_record") if r["id"] == form.record_id]
    assert server["data"]["criteria"] == ["rare"]
    local = c.store.get("file_record", form.record_id)
    assert local.version == server["version"]
    assert local.data["criteria"] == ["rare"] and "rare" not in local.data
