"""Nil report form; settings: language, server, photo quality, guarded sign-out."""

from __future__ import annotations

from tests.images import photo_jpeg
from tests.tablet.worlds import CAMPAIGN_ID, pull_world

D = "000.00.04.H47"


def test_nil_report_needs_signer_number_date_and_keeps_the_signed_paper(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    pull_world(c.store)
    v = c.visit(D)
    form = c.nil_form(D, v.nil_report_id())
    assert form.values["statement"].startswith("Cơ quan, đơn vị không có tài liệu thuộc diện số hóa")
    assert not form.save()
    assert form.error("signer_name") == "Bắt buộc nhập" and form.error("doc_number") == "Bắt buộc nhập"
    form.set("doc_date", "31/4/2026")
    assert form.error("doc_date").startswith("Ngày không hợp lệ")  # type: ignore[union-attr]
    form.set("doc_date", "15/04/2026")
    form.set("signer_name", "Trần Văn Hùng")
    form.set("signer_position", "Phó Chủ tịch UBND huyện")
    form.set("doc_number", "125/BC-UBND")
    scan = form.set_scan(photo_jpeg((2480, 3508)))  # an A4 scan at 300 dpi
    assert form.save(), form.errors.errors
    data = c.store.get("nil_report", form.record_id).data
    assert data["doc_date"] == "2026-04-15" and data["campaign_id"] == CAMPAIGN_ID
    assert data["scan"]["sha256"] == scan["sha256"]
    assert [p.sha256 for p in c.store.photos()] == [scan["sha256"]]
    v.refresh()
    assert v.nil_report is not None and v.nil_report_id() == form.record_id
    assert {r.code: r.status for r in c.home().all_rows}[D] == "nil_report"


def test_the_agency_screen_shows_the_nil_report_as_the_agencys_state(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    pull_world(c.store)
    v = c.visit(D)
    assert v.status_text() == "Chưa bắt đầu khảo sát tại cơ quan này" and v.can_start_visit
    form = c.nil_form(D, v.nil_report_id())
    form.set("signer_name", "Trần Văn Hùng")
    form.set("signer_position", "Chủ tịch UBND huyện")
    form.set("doc_number", "125/BC-UBND")
    form.set("doc_date", "15/04/2026")
    assert form.save(), form.errors.errors
    v.refresh()
    assert v.status_text() == (
        "Cơ quan báo cáo không có tài liệu thuộc diện: "
        "văn bản số 125/BC-UBND ngày 15/04/2026, Trần Văn Hùng ký"
    )
    assert not v.can_start_visit  # no "Start visit" once the agency reported it has nothing to list
    c.prefs.set_lang("en")
    assert v.status_text().startswith("Nil report filed: document 125/BC-UBND of 15/04/2026")


def test_an_unfinished_nil_report_is_found_again_from_its_draft(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    pull_world(c.store)
    rid = c.visit(D).nil_report_id()
    c.nil_form(D, rid).set("signer_name", "Nguyễn Văn A")
    again = make_container()
    assert again.visit(D).nil_report_id() == rid
    assert again.nil_form(D, rid).values["signer_name"] == "Nguyễn Văn A"


def test_language_and_photo_quality_are_device_settings(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    s = c.settings()
    assert c.prefs.lang == "vi"
    s.set_lang("en")
    s.set_photo_quality("high")
    again = make_container()
    assert again.prefs.lang == "en" and again.prefs.photo_quality.jpeg_quality == 90
    assert not s.save_server_url("ftp://x")
    assert s.server_error == "The server address must start with http:// or https://"
    assert s.save_server_url("https://luutru.quangnam.gov.vn/") and c.prefs.server_url.endswith(".vn")


def test_sign_out_with_unsynced_work_needs_two_confirmations_and_sets_it_aside(enrolled) -> None:  # type: ignore[no-untyped-def]
    c = enrolled("surveyor_a")
    v = c.visit("000.00.01.H47")
    v.start_visit()
    s = c.settings()
    assert s.unsynced() == 1
    assert not s.request_sign_out() and s.sign_out_step == 1
    s.cancel_sign_out()
    assert c.prefs.enrolled and s.sign_out_step == 0
    assert not s.request_sign_out()
    assert not s.confirm_sign_out() and s.sign_out_step == 2 and c.prefs.enrolled
    assert s.confirm_sign_out()
    assert not c.prefs.enrolled and c.store.pending_count() == 0 and c.store.records("agency") == []
    assert s.set_aside_dir is not None and (s.set_aside_dir / "saoluu-tablet.db").exists()
    from mobile_app.store import LocalStore

    kept = LocalStore(s.set_aside_dir)
    assert kept.pending_count() == 1  # the unsent visit is still there, set aside
    assert c.prefs.server_url  # kept so the next enrollment needs only the code


def test_sign_out_when_everything_is_synced_is_immediate(enrolled) -> None:  # type: ignore[no-untyped-def]
    c = enrolled("surveyor_a")
    assert c.settings().request_sign_out()
    assert not c.prefs.enrolled
