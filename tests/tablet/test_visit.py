"""Visiting an agency: visit, fonds, boxes with their code and QR label, finding a box, new files."""

from __future__ import annotations

from common.boxcode import label_png
from tests.pdfs import page_sizes, page_texts, qr_codes, render
from tests.tablet.worlds import CAMPAIGN_ID, pull_world

A = "000.00.01.H47"


def _visit_with_fonds(c):  # type: ignore[no-untyped-def]
    pull_world(c.store)
    v = c.visit(A)
    v.fonds_form.values.update(
        number="12", name="Phông UBND tỉnh Quảng Nam", start_year="1976", end_year="1996"
    )
    assert v.add_fonds() is not None
    return v


def test_start_and_end_a_visit_in_the_current_campaign(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    pull_world(c.store)
    v = c.visit(A)
    assert v.agency_name == "Sở Nội vụ" and v.visit is None
    v.start_visit()
    assert v.visit_open and v.visit["campaign_id"] == CAMPAIGN_ID  # type: ignore[index]
    v.end_visit()
    assert not v.visit_open and v.visit["ended_at"]  # type: ignore[index]
    assert c.store.pending_count() == 1  # one visit record, its latest state queued


def test_fonds_form_uses_the_shared_schema_messages(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    pull_world(c.store)
    v = c.visit(A)
    v.fonds_form.values.update(number="12 a", name="", start_year="1996", end_year="1976", shelf_metres="x")
    assert v.add_fonds() is None
    err = v.fonds_form.error
    assert err("number", "vi") == "Chỉ gồm chữ in hoa và số (1–10 ký tự)"
    assert err("name", "vi") == "Bắt buộc nhập"
    assert err("shelf_metres", "en") == "Must be a number"
    v.fonds_form.values.update(number="12", name="Phông UBND tỉnh", shelf_metres="3,5")
    assert v.add_fonds() is None
    assert err("end_year", "vi") == "Thời gian kết thúc phải sau hoặc bằng thời gian bắt đầu"
    v.fonds_form.values.update(end_year="1999")
    fonds = v.add_fonds()
    assert fonds is not None and fonds["shelf_metres"] == 3.5 and v.selected_fonds_id == fonds["id"]
    v.fonds_form.values.update(number="12", name="Trùng số")
    assert v.add_fonds() is None
    assert v.fonds_form.error("number", "vi") == "Mục bị trùng: 12"


def test_box_gets_its_code_and_a_label_that_decodes_back(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    v = _visit_with_fonds(c)
    v.box_form.values.update(inventory_no="3", box_no="45")
    box = v.add_box()
    assert box is not None and box["code"] == "000.00.01.H47-P12-M3-H0045"
    assert v.suggest_box_no() == "46"
    v.box_form.values.update(box_no="")  # empty: the next free number
    assert v.add_box()["code"] == "000.00.01.H47-P12-M3-H0046"  # type: ignore[index]
    v.box_form.values.update(box_no="45")
    assert (
        v.add_box() is None and v.box_form.error("box_no", "vi") == "Mục bị trùng: 000.00.01.H47-P12-M3-H0045"
    )
    v.box_form.values.update(box_no="4a")
    assert v.add_box() is None and v.box_form.error("box_no", "en") == "Wrong format"

    path, one = v.save_label(box["id"])
    assert path.read_bytes() == one and path.name == "000.00.01.H47-P12-M3-H0045.pdf"
    assert qr_codes(render(one)) == [["SAOLUU:BOX:000.00.01.H47-P12-M3-H0045"]]
    [(width, height)] = page_sizes(one)  # a page the size of one label of the 3 × 7 sheet
    assert (round(width / 72 * 25.4, 1), round(height / 72 * 25.4, 1)) == (70.0, 42.3)
    [text] = page_texts(one)
    assert text.startswith("Sở Nội vụ Phông 12: Phông UBND tỉnh Quảng Nam Mục lục 3 · Hộp 0045")

    sheet, pdf = v.save_label_sheet()  # the fonds' two boxes, on the 21-label A4 sheet
    assert sheet.name == "000.00.01.H47-P12.pdf" and sheet.read_bytes() == pdf
    assert sorted(qr_codes(render(pdf))[0]) == [
        "SAOLUU:BOX:000.00.01.H47-P12-M3-H0045",
        "SAOLUU:BOX:000.00.01.H47-P12-M3-H0046",
    ]
    assert page_texts(pdf)[0].count("Phông 12: Phông UBND tỉnh Quảng Nam") == 2


def test_find_a_box_by_typed_code_or_label_image(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    v = _visit_with_fonds(c)
    v.box_form.values.update(inventory_no="3", box_no="7")
    box = v.add_box()
    v.box_form.values.update(box_no="8")
    v.add_box()
    png = label_png(box["code"])  # type: ignore[index]  # a photo of the label's QR
    v.select_box(None)
    assert v.find_box("000.00.01.h47-p12-m3-h7")["id"] == box["id"]  # type: ignore[index]
    assert v.selected_box_id == box["id"]  # type: ignore[index]
    v.select_box(None)
    assert v.find_box_by_image(png)["id"] == box["id"]  # type: ignore[index]
    assert v.find_box("000.00.01.H47-P12-M3-H0099") is None
    assert v.message == "Không có hộp mã 000.00.01.H47-P12-M3-H0099 ở cơ quan này"
    assert v.find_box("hộp 7") is None and v.message.startswith("Mã hộp không đúng dạng")  # type: ignore[union-attr]
    from common.qr import qr_png

    assert v.find_box_by_image(qr_png("https://example.org")) is None
    assert v.message == "Ảnh không có nhãn hộp SaoLuu"


def test_new_file_in_a_box_has_the_box_preset_and_is_a_draft_once_changed(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    v = _visit_with_fonds(c)
    v.start_visit()
    v.box_form.values.update(inventory_no="3", box_no="45")
    box = v.add_box()
    rid = v.new_file()
    form = c.file_form(A, rid)
    assert form.values["box_id"] == box["id"] and form.values["fonds_id"] == box["fonds_id"]  # type: ignore[index]
    assert (form.values["inventory_no"], form.values["box_no"]) == ("3", "0045")
    assert form.values["visit_id"] == v.visit["id"] and form.values["campaign_id"] == CAMPAIGN_ID  # type: ignore[index]
    form.set("title", "Công văn đi năm 1990")
    form.flush()
    v.refresh()
    assert [d.key for d in v.drafts] == [f"file_record:{rid}"]
    assert v.drafts[0].data["values"]["box_id"] == box["id"]  # type: ignore[index]
    v.discard_draft(f"file_record:{rid}")
    assert v.drafts == []


def test_add_file_then_back_leaves_no_empty_draft(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    v = _visit_with_fonds(c)
    v.box_form.values.update(box_no="1")
    v.add_box()
    untouched = c.file_form(A, v.new_file())
    untouched.flush()  # what leaving the screen does
    v.refresh()
    assert v.drafts == [] and c.store.drafts() == []
    assert c.settings().unsynced() == 2  # the fonds and the box; no draft to guard at sign-out


def test_untouched_drafts_of_earlier_versions_are_dropped(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    v = _visit_with_fonds(c)
    c.store.save_draft("file_record:old", "file_record", {"values": {"fonds_id": v.selected_fonds_id}}, A)
    touched = c.file_form(A, v.new_file())
    touched.set("file_no", "7")
    touched.flush()
    v.refresh()
    assert [v.draft_label(d) for d in v.drafts] == ["7 – (chưa có tiêu đề)"]
    assert c.store.get_draft("file_record:old") is None


def test_file_list_is_searched_without_accents_and_filtered_by_box(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    v = _visit_with_fonds(c)
    v.box_form.values.update(inventory_no="1", box_no="1")
    b1 = v.add_box()
    v.box_form.values.update(box_no="2")
    b2 = v.add_box()
    titles = ["Tập công văn về chia tách tỉnh, giấy mủn", "Hồ sơ hội nghị Đảng bộ", "Sổ đăng ký công văn đến"]
    for i, (title, box) in enumerate(zip(titles, [b1, b2, b2], strict=True)):
        form = c.file_form(A, v.new_file())
        form.set("box_id", box["id"])  # type: ignore[index]
        form.set("file_no", str(i + 1))
        form.set("title", title)
        form.toggle("criteria", "permanent", True)
        assert form.save(), form.errors.errors
    v.select_box(None)
    v.set_files_query("cong van")
    assert sorted(r.data["file_no"] for r in v.files) == ["1", "3"]
    v.set_files_query("MUN")
    assert [r.data["file_no"] for r in v.files] == ["1"]
    v.set_files_query("")
    v.select_box(b2["id"])  # type: ignore[index]
    assert sorted(r.data["file_no"] for r in v.files) == ["2", "3"] and v.files_total == 2
