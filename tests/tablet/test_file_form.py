"""The file record form: validation while typing, damages, photos, drafts, save, next file."""

from __future__ import annotations

import io

from PIL import Image

from common.protocol import ChangeResult, ChangeStatus, PulledChange
from tests.images import photo_jpeg
from tests.tablet.worlds import pull_world
from tests.waiting import poll

A = "000.00.01.H47"


def _form(c, **kw):  # type: ignore[no-untyped-def]
    pull_world(c.store)
    v = c.visit(A)
    v.fonds_form.values.update(number="12", name="Phông UBND tỉnh Quảng Nam")
    v.add_fonds()
    v.box_form.values.update(inventory_no="3", box_no="45")
    v.add_box()
    return c.file_form(A, v.new_file())


def _fill(form) -> None:  # type: ignore[no-untyped-def]
    form.set("file_no", "127")
    form.set("title", "Tập công văn về việc chia tách tỉnh Quảng Nam – Đà Nẵng năm 1996")
    form.set("start_date", "1/1996")
    form.set("end_date", "6/11/1996")
    form.set("leaves", "84")
    form.toggle("criteria", "permanent", True)
    form.toggle("criteria", "damaged", True)


def test_errors_appear_in_vietnamese_as_fields_are_typed(make_container) -> None:  # type: ignore[no-untyped-def]
    form = _form(make_container())
    assert form.error("title") is None  # untouched fields stay quiet
    form.set("title", "x")
    form.set("title", "")
    assert form.error("title") == "Bắt buộc nhập"
    form.set("leaves", "tám")
    assert form.error("leaves") == "Phải là số nguyên"
    form.set("leaves", "-3")
    assert form.error("leaves") == "Phải lớn hơn hoặc bằng 0"
    form.set("leaves", "84")
    assert form.error("leaves") is None
    form.set("start_date", "1996")
    form.set("end_date", "1995")
    assert form.error("end_date") == "Thời gian kết thúc phải sau hoặc bằng thời gian bắt đầu"
    form.set("end_date", "31/02/1996")
    assert form.error("end_date").startswith("Ngày không hợp lệ")  # type: ignore[union-attr]
    form.set("end_date", "6/11/1996")
    assert form.error("end_date") is None and form.payload()["end_date"] == "1996-11-06"
    form.set("retention", "years")
    assert form.error("retention_years") == "Nhập số năm bảo quản khi thời hạn là có thời hạn"
    form.set("retention_years", "20")
    assert form.error("retention_years") is None
    form.prefs.set_lang("en")
    form.set("title", "")
    assert form.error("title") == "This field is required"


def test_save_shows_every_remaining_error_then_succeeds(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    form = _form(c)
    assert not form.save()
    fields = {e.field for e in form.errors.errors}
    assert {"file_no", "title", "criteria"} <= fields
    assert form.error("criteria") == "Cần chọn ít nhất 1 mục"
    _fill(form)
    assert form.save(), form.errors.errors
    rec = c.store.get("file_record", form.record_id)
    assert rec.data["box_no"] == "0045" and rec.data["inventory_no"] == "3" and rec.data["fonds_id"]
    assert rec.data["start_date"] == "1996-01" and rec.data["leaves"] == 84
    assert c.store.get_draft(form.key) is None
    assert [e.id for e in c.store.outbox(100) if e.type == "file_record"] == [form.record_id]


def test_damage_checklist_needs_severity_and_describes_other(make_container) -> None:  # type: ignore[no-untyped-def]
    form = _form(make_container())
    _fill(form)
    form.set_damage("crumbling", True)
    form.set_damage("other", True)
    assert form.damage_error("crumbling", "severity") == "Bắt buộc nhập"
    form.update_damage("crumbling", severity=3, readability="partial")
    form.update_damage("other", severity="1")
    assert form.damage_error("crumbling", "severity") is None
    assert form.damage_error("other", "note") == "Mô tả hư hỏng loại 'Khác'"
    form.update_damage("other", note="Bìa bị bong keo")
    form.set_damage("stained", True)
    form.update_damage("stained", severity=2)
    assert form.save()
    damages = form.record.data["damages"]
    assert [(d["type"], d["severity"], d["readability"]) for d in damages] == [
        ("crumbling", 3, "partial"),
        ("stained", 2, "full"),
        ("other", 1, "full"),
    ]
    assert not form.flagged_for_conservation
    form.update_damage("crumbling", readability="difficult")
    assert form.flagged_for_conservation


def test_a_file_ticked_only_rare_and_precious_is_saved(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    form = _form(c)
    form.set("file_no", "9")
    form.set("title", "Sắc phong triều Nguyễn cho làng Phước Kiều")
    form.toggle("criteria", "rare", True)
    assert form.save(), form.errors.errors
    assert form.record.data["criteria"] == ["rare"] and "rare" not in form.record.data
    outbox = [e for e in c.store.outbox(100) if e.type == "file_record"]
    assert [e.id for e in outbox] == [form.record_id]


def test_files_kept_with_the_old_rare_flag_open_with_the_criterion(make_container) -> None:  # type: ignore[no-untyped-def]
    """Records pulled (or drafts typed) before the update still carry ``rare: true``."""
    c = make_container()
    form = _form(c)
    _fill(form)
    assert form.save()
    legacy = {**form.record.data, "criteria": ["permanent"], "rare": True}  # as kept before the update
    c.store.apply_results(
        [ChangeResult(id=form.record_id, type="file_record", rev=1, status=ChangeStatus.APPLIED, version=1)]
    )
    c.store.apply_pulled(
        [PulledChange(seq=99, type="file_record", id=form.record_id, version=3, agency_code=A, data=legacy)],
        99,
    )
    again = c.file_form(A, form.record_id)
    assert again.values["criteria"] == ["permanent", "rare"] and "rare" not in again.values
    assert again.save(), again.errors.errors
    assert again.record.data["criteria"] == ["permanent", "rare"] and "rare" not in again.record.data

    draft_id = "5e0b0b43-8c3e-4c47-9f9e-2d0f7f3c0d11"
    values = {
        "fonds_id": form.values["fonds_id"],
        "file_no": "10",
        "title": "Gia phả",
        "criteria": [],
        "rare": True,
    }
    c.store.save_draft(f"file_record:{draft_id}", "file_record", {"values": values}, A)
    drafted = c.file_form(A, draft_id)
    assert drafted.values["criteria"] == ["rare"] and "rare" not in drafted.values
    assert drafted.save(), drafted.errors.errors


def test_photos_are_downscaled_content_addressed_with_thumbnails(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    form = _form(c)
    _fill(form)
    first = form.add_photo(photo_jpeg((4000, 3000)))
    second = form.add_photo(photo_jpeg((1200, 3000), "#335577", fmt="PNG"))
    form.add_photo(photo_jpeg((4000, 3000)))  # the same picture again: kept once
    assert [p["sha256"] for p in form.photos] == [first["sha256"], second["sha256"]]
    for ref, size in ((first, (2048, 1536)), (second, (819, 2048))):
        stored = c.store.photo_dir / ref["sha256"]
        img = Image.open(io.BytesIO(stored.read_bytes()))
        assert (img.format, img.size) == ("JPEG", size)
        assert ref["size"] == stored.stat().st_size and ref["mime"] == "image/jpeg"
        thumb = Image.open(io.BytesIO(c.photos.thumbnail(ref["sha256"])))
        assert max(thumb.size) == 240
    assert c.store.photos() == []  # queued for upload only with their record
    assert form.save()
    assert sorted(p.sha256 for p in c.store.photos()) == sorted([first["sha256"], second["sha256"]])
    form.remove_photo(second["sha256"])
    assert [p["sha256"] for p in form.photos] == [first["sha256"]]
    import pytest

    from mobile_app.models.photos import PhotoError

    with pytest.raises(PhotoError):
        form.add_photo(b"GIF89a not really")


def test_compact_quality_setting_makes_smaller_photos(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    form = _form(c)
    c.prefs.set_photo_quality("compact")
    ref = form.add_photo(photo_jpeg((4000, 3000)))
    assert Image.open(c.store.photo_dir / ref["sha256"]).size == (1600, 1200)


def test_drafts_are_saved_as_you_type_and_reopen_after_a_restart(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container(autosave_delay=0.2)
    form = _form(c)
    form.set("title", "Hồ sơ đang gõ dở")
    form.set_damage("mould", True)
    form.update_damage("mould", severity=4)
    form.add_photo(photo_jpeg((800, 600)))
    assert c.store.get_draft(form.key) is None  # debounced

    def written() -> bool:  # the debounced save after the last change (the photo) has run and said so
        draft = c.store.get_draft(form.key)
        saved = draft is not None and draft.data.get("photos") == form.photos
        return saved and form.draft_saved_at is not None  # stamped just after the write, on its thread

    assert poll(written, 10)
    draft = c.store.get_draft(form.key)
    assert draft.data["values"]["title"] == "Hồ sơ đang gõ dở"

    again = make_container(autosave_delay=0.2).file_form(A, form.record_id)  # the app was killed and reopened
    assert again.values["title"] == "Hồ sơ đang gõ dở" and again.damages["mould"].severity == 4
    assert again.photos == form.photos and again.has_draft
    assert again.error("title") is None and "title" in again.errors.touched


def test_editing_a_saved_record_keeps_a_draft_until_saved_or_discarded(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    form = _form(c)
    _fill(form)
    assert form.save()
    edit = c.file_form(A, form.record_id)
    assert not edit.is_new and edit.values["start_date"] == "01/1996" and edit.values["leaves"] == "84"
    edit.set("leaves", "90")
    assert c.store.get_draft(edit.key) is not None
    edit.discard_draft()
    assert edit.values["leaves"] == "84" and c.store.get_draft(edit.key) is None
    edit.set("leaves", "91")
    assert edit.save() and c.store.get("file_record", form.record_id).rev == 2
    assert c.store.pending_count() == 3  # fonds, box, file record: one outbox row per record


def test_next_file_in_this_box_carries_fonds_inventory_and_box(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    form = _form(c)
    _fill(form)
    form.set("carrier", "maps")
    next_id = form.save_and_next()
    assert next_id is not None and next_id != form.record_id
    nxt = c.file_form(A, next_id)
    for name in ("fonds_id", "box_id", "inventory_no", "box_no", "carrier"):
        assert nxt.values[name] == form.values[name], name
    assert nxt.values["file_no"] == "128" and nxt.values["title"] == ""
    assert nxt.is_new and not nxt.has_draft
    nxt.flush()  # left untouched: nothing kept
    assert c.store.drafts() == []
    nxt.set("title", "Sổ công văn đi")
    nxt.flush()
    draft = c.store.get_draft(nxt.key)
    assert draft is not None and draft.data["values"]["box_no"] == form.values["box_no"]


def test_choosing_a_box_fills_its_numbers_and_another_fonds_clears_it(make_container) -> None:  # type: ignore[no-untyped-def]
    c = make_container()
    form = _form(c)
    box_id = form.values["box_id"]
    assert [label for _id, label in form.box_options()] == ["000.00.01.H47-P12-M3-H0045"]
    form.set("box_id", None)
    form.set("inventory_no", "")
    form.set("box_id", box_id)
    assert (form.values["inventory_no"], form.values["box_no"]) == ("3", "0045")
    v = c.visit(A)
    v.fonds_form.values.update(number="13", name="Phông khác")
    other = v.add_fonds()
    form.set("fonds_id", other["id"])  # type: ignore[index]
    assert form.values["box_id"] is None
    assert len(form.fonds_options()) == 2
