"""End to end in Chromium: the tablet app (web mode, subprocess) against the real server (subprocess).

Enroll, visit, fonds, box and its label, a file with two damages and a photo, a nil report; the server
stops, work goes on offline, the server restarts on the same data, sync; everything arrives exactly
once; a reviewer's send-back reaches the tablet. Screenshots of the main screens go to
``test-artifacts/tablet/``.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from mobile_app.store import LocalStore
from tests.browser import artifacts_dir
from tests.images import photo_jpeg
from tests.pdfs import page_texts, qr_codes, render
from tests.tablet.flet_page import FletPage
from tests.tablet.processes import Api, Proc, enroll_code, free_port, server, tablet_app

NOI_VU, TAI_CHINH = "000.00.01.H47", "000.00.02.H47"


@dataclass
class World:
    root: Path
    server: Proc
    server_url: str
    app: Proc
    app_url: str

    @property
    def server_data(self) -> Path:
        return self.root / "server"

    @property
    def tablet_data(self) -> Path:
        return self.root / "tablet"

    def api(self) -> Api:
        return Api(self.server_url, self.server_data)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    sport, aport = free_port(), free_port()
    logs = artifacts_dir("tablet", "logs")
    srv = server(tmp_path / "server", sport, logs).start()
    app = tablet_app(tmp_path / "tablet", aport, logs)
    w = World(tmp_path, srv, f"http://127.0.0.1:{sport}", app, f"http://127.0.0.1:{aport}")
    yield w
    app.kill()
    srv.stop()


@pytest.fixture
def ui(browser) -> Iterator[FletPage]:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, accept_downloads=True, locale="vi-VN"
    )
    page = context.new_page()
    yield FletPage(page, artifacts_dir("tablet"))
    context.close()


def _photo(tmp: Path, name: str, size: tuple[int, int], color: str) -> Path:
    path = tmp / name
    path.write_bytes(photo_jpeg(size, color))
    return path


def test_survey_offline_then_sync_exactly_once_and_send_back(
    world: World, ui: FletPage, tmp_path: Path
) -> None:
    code = enroll_code(world.server_data)
    world.app.start()

    # --- enrollment ------------------------------------------------------------------------------
    ui.open(world.app_url)
    ui.type("Địa chỉ máy chủ", world.server_url)
    ui.type("Mã kích hoạt", code.lower())
    ui.shot("01-enroll")
    ui.click("Kích hoạt")
    ui.wait_text("home-status", r"Đồng bộ lần cuối")
    ui.type("Tìm cơ quan (gõ không dấu cũng được)", "noi vu")
    assert ui.has_text("Sở Nội vụ") and not ui.has_text("Sở Tài chính")
    ui.type("Tìm cơ quan (gõ không dấu cũng được)", "", clear=True)
    ui.shot("02-home")

    # --- a visit: fonds, box, label ----------------------------------------------------------------
    ui.click_text("Sở Nội vụ")
    ui.click("Bắt đầu khảo sát")
    ui.wait_text("visit-status", r"Đang khảo sát từ")
    ui.click("Thêm phông")
    ui.type("Số phông", "12")
    ui.type("Tên phông", "Phông UBND tỉnh Quảng Nam (1976–1996)")
    ui.click("Lưu")
    ui.type("Mục lục số", "3")
    ui.type("Hộp số", "45")
    ui.shot("03-visit")
    ui.click("Thêm hộp")
    assert ui.wait_text("box-code", r"H0045") == "000.00.01.H47-P12-M3-H0045"
    ui.shot("04-box-label")
    label = ui.download("Lưu nhãn (PDF)", tmp_path / "label.pdf").read_bytes()
    assert qr_codes(render(label)) == [["SAOLUU:BOX:000.00.01.H47-P12-M3-H0045"]]
    [text] = page_texts(label)  # names in full where they fit (a long fonds name ends in "…")
    assert text.startswith("Sở Nội vụ tỉnh Quảng Nam Phông 12: Phông UBND tỉnh Quảng Nam")
    assert "Mục lục 3 · Hộp 0045" in text
    assert "000.00.01.H47-P12-M3-H0045" in text.replace("- ", "-")  # the code wraps after a hyphen

    # --- a file record with two damages and a photo --------------------------------------------------
    ui.click("Thêm hồ sơ")
    ui.type("Hồ sơ số (số và ký hiệu)", "127")
    ui.type("Tiêu đề hồ sơ", "x")
    ui.type("Tiêu đề hồ sơ", "", clear=True)
    ui.wait_for(lambda: ui.has_text("Bắt buộc nhập"), what="the required-field message")
    ui.type("Tiêu đề hồ sơ", "Tập công văn về việc chia tách tỉnh Quảng Nam – Đà Nẵng, giấy mủn, ố vàng")
    ui.type("Thời gian bắt đầu", "1/1996")
    ui.type("Thời gian kết thúc", "1995")
    ui.wait_for(lambda: ui.has_text("Thời gian kết thúc phải sau"), what="the date order message")
    ui.type("Thời gian kết thúc", "6/11/1996", clear=True)
    ui.type("Số lượng tờ", "84")
    ui.tick("Tài liệu có giá trị cao bị hư hỏng hoặc có nguy cơ hư hỏng")
    ui.tick("Mủn")
    ui.tick("Ố, ố vàng")
    ui.click("3 Nặng", nth=0)
    ui.click("Đọc được một phần", nth=0)
    ui.click("2 Trung bình", nth=1)
    ui.pick_files("Thêm ảnh", [_photo(tmp_path, "hong.jpg", (4000, 3000), "#806040")])
    ui.wait_for(lambda: ui.label_of("photos") == "1", what="the thumbnail")
    ui.wait_text("form-status", r"Đã lưu nháp")
    ui.shot("05-file-form")
    ui.turn({"width": 800, "height": 1280})  # the tablet turned to portrait
    ui.shot("05b-file-form-portrait")
    ui.page.mouse.wheel(0, 1400)
    ui.shot("05c-file-form-portrait-damages")
    ui.turn({"width": 1280, "height": 800})
    ui.click("Lưu")
    ui.wait_for(lambda: ui.has_text("127 – Tập công văn"), what="the saved file in the list")

    # --- a nil report at another agency ----------------------------------------------------------------
    ui.back()
    ui.click_text("Sở Tài chính")
    ui.click("Báo cáo không có tài liệu thuộc diện")
    ui.type("Người ký", "Trần Văn Hùng")
    ui.type("Chức vụ", "Giám đốc Sở Tài chính")
    ui.type("Số văn bản", "125/BC-STC")
    ui.type("Ngày văn bản", "15/04/2026", clear=True)
    ui.pick_files("Chọn ảnh văn bản đã ký", [_photo(tmp_path, "ky.jpg", (2480, 3508), "#f0f0f0")])
    ui.wait_for(lambda: ui.label_of("photos") == "1", what="the scan")
    ui.shot("06-nil-report")
    ui.click("Lưu")
    ui.wait_text("visit-status", r"không có tài liệu thuộc diện: văn bản số 125/BC-STC ngày 15/04/2026")
    assert ui.page.get_by_role("button", name="Bắt đầu khảo sát").count() == 0
    assert ui.page.get_by_role("button", name="Xem báo cáo không có tài liệu").count() == 1
    ui.shot("06b-visit-after-nil-report")

    # --- the server goes away; work goes on ------------------------------------------------------------
    world.server.stop()
    ui.back()
    ui.click_text("Sở Nội vụ")
    ui.type("Mã hộp", "000.00.01.h47-p12-m3-h45")  # as read off a label, typed
    ui.click("Tìm hộp theo mã")
    assert ui.wait_text("selected-box", r"H0045") == "000.00.01.H47-P12-M3-H0045"
    ui.click("Thêm hồ sơ")
    ui.type("Hồ sơ số (số và ký hiệu)", "128")
    ui.type("Tiêu đề hồ sơ", "Sổ đăng ký công văn đến năm 1996")
    ui.tick("Tài liệu có giá trị bảo quản vĩnh viễn")
    ui.click("Lưu")
    ui.wait_for(lambda: ui.has_text("128 – Sổ đăng ký"), what="the offline file in the list")
    ui.click("Đồng bộ (6)")
    ui.click("Đồng bộ ngay")
    ui.wait_text("sync-phase", r"Không kết nối được máy chủ", timeout=60)
    ui.shot("07-sync-offline")

    # --- back online: sync, everything exactly once -----------------------------------------------------
    world.server.start()
    ui.click("Đồng bộ ngay")
    ui.wait_text("sync-phase", r"Đồng bộ xong", timeout=60)
    ui.wait_text("sync-summary", r"Máy chủ đã nhận 6 bản ghi")
    ui.shot("08-sync-done")

    store = LocalStore(world.tablet_data)
    api = world.api()
    files = api.records(NOI_VU, "file_record")
    assert sorted(f["data"]["file_no"] for f in files) == ["127", "128"]
    assert all(f["version"] == 1 for f in files)
    first = next(f for f in files if f["data"]["file_no"] == "127")
    assert [(d["type"], d["severity"], d["readability"]) for d in first["data"]["damages"]] == [
        ("crumbling", 3, "partial"),
        ("stained", 2, "full"),
    ]
    assert (first["data"]["start_date"], first["data"]["end_date"], first["data"]["leaves"]) == (
        "1996-01",
        "1996-11-06",
        84,
    )
    assert (
        len(api.records(NOI_VU, "fonds"))
        == len(api.records(NOI_VU, "box"))
        == len(api.records(NOI_VU, "visit"))
        == 1
    )
    [nil] = api.records(TAI_CHINH, "nil_report")
    assert (nil["data"]["signer_name"], nil["data"]["doc_date"]) == ("Trần Văn Hùng", "2026-04-15")
    shas = [first["data"]["photos"][0]["sha256"], nil["data"]["scan"]["sha256"]]
    for sha in shas:
        content = api.photo(sha)
        assert hashlib.sha256(content).hexdigest() == sha
        assert max(Image.open(io.BytesIO(content)).size) == 2048
    assert store.pending_count() == 0 and store.photos() == []
    for f in files:
        assert [h["action"] for h in api.history("file_record", f["id"])].count("create") <= 1

    # --- a reviewer sends the first file back ------------------------------------------------------------
    api.send_back("file_record", first["id"], "Đề nghị bổ sung số trang và ảnh bìa hồ sơ")
    ui.click("Đồng bộ ngay")
    ui.wait_text("sync-phase", r"Đồng bộ xong", timeout=60)
    ui.wait_for(
        lambda: ui.has_text("Đề nghị bổ sung số trang"), what="the reviewer's comment on the sync screen"
    )
    ui.shot("09-sync-sent-back")
    ui.click_text("Hồ sơ: 127 – Tập công văn về việc chia tách tỉnh Quảng Nam – Đà Nẵng, giấy mủn, ố vàng")
    assert "Đề nghị bổ sung số trang và ảnh bìa hồ sơ" in ui.text_of("review-comments")
    ui.shot("10-form-sent-back")
    api.close()

    # --- settings, in English ---------------------------------------------------------------------------
    ui.back_to("home-status")
    ui.wait_for(lambda: ui.has_text("Bị trả lại để sửa"), what="the sent-back status on home")
    ui.click("Cài đặt")
    ui.choose("Tiếng Anh")
    ui.wait_for(lambda: ui.has_text("Display language"), what="English texts")
    ui.shot("11-settings-en")
    ui.back_to("home-status")
    ui.turn({"width": 800, "height": 1280})
    ui.shot("12-home-en-portrait")
