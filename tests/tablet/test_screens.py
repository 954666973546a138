"""The tablet's screens in Chromium, held either way (1280 × 800 and 800 × 1280): layout of the file
form, names screen readers announce, taking a photo with the (fake) camera.

Screenshots of each screen in both orientations go to ``test-artifacts/tablet/screens/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from mobile_app.store import LocalStore
from tests.browser import artifacts_dir
from tests.tablet.flet_page import FletPage
from tests.tablet.processes import enroll_code, free_port, server, tablet_app

LANDSCAPE = {"width": 1280, "height": 800}
PORTRAIT = {"width": 800, "height": 1280}
FONDS_NAME = "Phông UBND tỉnh Quảng Nam (1976–1996) và các cơ quan chuyên môn trực thuộc"
CRITICAL = "4 Rất nặng, nguy cơ mất thông tin"


@dataclass
class Stack:
    root: Path
    server_url: str
    app_url: str

    @property
    def tablet_data(self) -> Path:
        return self.root / "tablet"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A server and a tablet app enrolled to khaosat1, shared by this module's tests."""
    root = tmp_path_factory.mktemp("screens")
    logs = artifacts_dir("tablet", "logs")
    sport, aport = free_port(), free_port()
    srv = server(root / "server", sport, logs).start()
    server_url = f"http://127.0.0.1:{sport}"
    code = enroll_code(root / "server")
    app = tablet_app(
        root / "tablet", aport, logs, "--enroll-server", server_url, "--enroll-code", code
    ).start()
    yield Stack(root, server_url, f"http://127.0.0.1:{aport}")
    app.kill()
    srv.stop()


@pytest.fixture(scope="module")
def app_url(stack: Stack) -> str:
    return stack.app_url


@pytest.fixture
def ui(browser, app_url: str) -> Iterator[FletPage]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=LANDSCAPE, locale="vi-VN")
    page = FletPage(context.new_page(), artifacts_dir("tablet", "screens"))
    page.open(app_url)
    yield page
    context.close()


def both_ways(ui: FletPage, name: str) -> None:
    """Screenshots held sideways and upright; the page is left sideways."""
    ui.turn(LANDSCAPE)
    ui.shot(f"{name}-landscape")
    ui.turn(PORTRAIT)
    ui.shot(f"{name}-portrait")
    ui.turn(LANDSCAPE)


def _open_agency_with_a_box(ui: FletPage, agency: str, fonds_no: str, shots: str = "") -> None:
    ui.click_text(agency)
    ui.click("Thêm phông")
    ui.type("Số phông", fonds_no)
    ui.type("Tên phông", FONDS_NAME)
    ui.click("Lưu")
    ui.type("Hộp số", "1")
    ui.click("Thêm hộp")
    ui.wait_text("box-code", r"H0001")
    if shots:
        both_ways(ui, shots)
    ui.back()


def _same_row(boxes: list[dict[str, float]]) -> bool:
    return max(b["y"] for b in boxes) - min(b["y"] for b in boxes) < 4


def test_the_file_form_uses_the_whole_tablet_either_way(ui: FletPage) -> None:
    _open_agency_with_a_box(ui, "Sở Nội vụ", "21", shots="box-label")
    ui.click("Thêm hồ sơ")
    ui.type("Hồ sơ số (số và ký hiệu)", "5")
    both_ways(ui, "file-form-top")
    ui.tick("Mủn")
    ui.tick("Ố, ố vàng")
    ui.click(CRITICAL, nth=0)
    ui.click("Đọc được một phần", nth=0)

    # sideways: the checklist spans the page (four columns, from the left half), details two by two
    ticks = [ui.box(name, "checkbox") for name in ("Mủn", "Giòn", "Rách", "Ố, ố vàng")]
    width = LANDSCAPE["width"]
    assert _same_row(ticks) and ticks[0]["x"] < width / 4 and ticks[3]["x"] > width * 0.7, ticks
    first, second = ui.box("1 Nhẹ", nth=0), ui.box("1 Nhẹ", nth=1)
    assert abs(first["y"] - second["y"]) < 4 and second["x"] > width / 2  # two ticked damages side by side
    critical = ui.box(CRITICAL, nth=0)
    assert critical["x"] + critical["width"] <= width / 2 and critical["width"] >= 120
    ui.shot("file-form-damages-landscape")

    # upright: three columns of tick boxes, each ticked damage across the width
    ui.turn(PORTRAIT)
    ui.wait_for(lambda: ui.box("Rách", "checkbox")["x"] > PORTRAIT["width"] * 0.6, what="the portrait grid")
    ticks = [ui.box(name, "checkbox") for name in ("Mủn", "Giòn", "Rách")]
    assert _same_row(ticks), ticks
    first, second = ui.box("1 Nhẹ", nth=0), ui.box("1 Nhẹ", nth=1)
    assert second["y"] > first["y"] + 100  # one under the other
    critical = ui.box(CRITICAL, nth=0)
    assert critical["x"] + critical["width"] > PORTRAIT["width"] * 0.8 and critical["width"] >= 150
    ui.shot("file-form-damages-portrait")
    ui.turn(LANDSCAPE)


def test_screen_readers_hear_names_in_the_apps_language(ui: FletPage) -> None:
    def named(name: str):  # type: ignore[no-untyped-def]
        return ui.page.get_by_role("button", name=name, exact=True)

    _open_agency_with_a_box(ui, "Sở Tài chính", "22")
    ui.wait_for(lambda: named("Quay lại").count() == 1, what="the back button named in Vietnamese")
    assert named("Back").count() == 0
    fonds = named(f"Phông 22 – {FONDS_NAME}")  # a dropdown: its label, then its choice
    ui.wait_for(lambda: fonds.count() == 1, what="the fonds dropdown's name")
    ui.click("Thêm hồ sơ")
    ui.type("Hồ sơ số (số và ký hiệu)", "9")
    ui.wait_for(lambda: named("Hộp 000.00.02.H47-P22-H0001").count() == 1, what="the box dropdown's name")
    ui.back()
    ui.wait_for(lambda: ui.has_text("Bản nháp chưa lưu"), what="the drafts")
    delete = named("Bỏ bản nháp: 9 – (chưa có tiêu đề)")
    assert delete.count() == 1
    both_ways(ui, "visit-with-draft")
    delete.click()
    ui.wait_for(lambda: not ui.has_text("Bản nháp chưa lưu"), what="the draft gone")

    ui.back()
    ui.click("Cài đặt")
    ui.choose("Tiếng Anh")
    ui.wait_for(lambda: ui.has_text("Display language"), what="English texts")
    ui.wait_for(lambda: named("Back").count() == 1, what="the back button named in English")
    assert named("Quay lại").count() == 0
    ui.back()
    ui.click("Settings")
    ui.choose("Vietnamese")
    ui.wait_for(lambda: ui.has_text("Ngôn ngữ hiển thị"), what="Vietnamese texts again")


# --- the camera --------------------------------------------------------------------------------


def fake_camera_video(path: Path, size: tuple[int, int] = (2560, 1440)) -> Path:
    """A one-frame Y4M video Chromium plays as its fake camera (a grey ramp at 2560 × 1440)."""
    width, height = size
    luma = b"".join(bytes([row * 255 // height]) * width for row in range(height))
    chroma = bytes([128]) * (width * height // 4)
    path.write_bytes(
        f"YUV4MPEG2 W{width} H{height} F5:1 Ip A1:1 C420jpeg\nFRAME\n".encode() + luma + chroma * 2
    )
    return path


@pytest.fixture(scope="module")
def camera_browser(browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A second Chromium (from the run's Playwright) with a fake camera (FLET-NOTES:
    ``--use-fake-device-for-media-stream``) filming a 2560 × 1440 picture; camera allowed."""
    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    video = fake_camera_video(tmp_path_factory.mktemp("camera") / "camera.y4m")
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    chromium = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=args)
    yield chromium
    chromium.close()


def test_photos_taken_with_the_camera_are_downscaled_like_picked_ones(camera_browser, stack: Stack) -> None:  # type: ignore[no-untyped-def]
    context = camera_browser.new_context(viewport=LANDSCAPE, locale="vi-VN", permissions=["camera"])  # type: ignore[attr-defined]
    ui = FletPage(context.new_page(), artifacts_dir("tablet", "screens")).open(stack.app_url)
    try:
        _open_agency_with_a_box(ui, "Sở Giáo dục và Đào tạo", "23")
        ui.click("Thêm hồ sơ")
        ui.click("Chụp ảnh")
        ui.wait_text("camera-status", r"Máy ảnh sẵn sàng")
        both_ways(ui, "camera")
        ui.click("Chụp")
        ui.wait_text("camera-status", r"Đã chụp 1 ảnh")

        store = LocalStore(stack.tablet_data)  # the draft the form keeps of what was done
        ui.wait_for(lambda: len(_draft_photos(store)) == 1, what="the draft with its photo")
        for ref in _draft_photos(store):
            with Image.open(store.photo_dir / ref["sha256"]) as photo:
                assert (photo.format, photo.size) == ("JPEG", (2048, 1152))  # 2560 × 1440 → long side 2048
            assert (stack.tablet_data / "thumbs" / f"{ref['sha256']}.jpg").exists()
        store.engine.dispose()
        ui.reveal(lambda: ui.label_of("photos") == "1", "the thumbnail under the camera")
        both_ways(ui, "camera-after-a-shot")
        ui.click("Đóng máy ảnh")
        ui.wait_for(lambda: not ui.has_marker("camera-status"), what="the camera closed")

        # the nil report's signed paper, photographed: the camera closes after one picture
        ui.back()
        ui.click("Báo cáo không có tài liệu thuộc diện")
        ui.click("Chụp ảnh văn bản đã ký")
        ui.wait_text("camera-status", r"Máy ảnh sẵn sàng")
        ui.click("Chụp")
        ui.wait_for(lambda: not ui.has_marker("camera-status"), what="the camera closed")
        ui.reveal(lambda: ui.label_of("photos") == "1", "the signed paper's photo")
        ui.type("Người ký", "Nguyễn Thị Hoa")
        ui.type("Chức vụ", "Giám đốc Sở")
        ui.type("Số văn bản", "88/BC-SGDĐT")
        both_ways(ui, "nil-report-with-photo")
        ui.click("Lưu")
        ui.wait_text("visit-status", r"không có tài liệu thuộc diện: văn bản số 88/BC-SGDĐT")
        both_ways(ui, "visit-after-nil-report")
    finally:
        context.close()


def _draft_photos(store: LocalStore) -> list[dict[str, Any]]:
    """The photos of the (only) file draft that has some."""
    for draft in store.drafts("file_record"):
        if draft.data.get("photos"):
            return list(draft.data["photos"])
    return []


# --- the device token in secure storage ----------------------------------------------------------


def test_the_token_moves_into_the_platforms_secure_storage(browser, stack: Stack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The real Flet secure storage (the browser's here, the Android Keystore on a tablet): an app
    enrolled before, its token in the database, moves it there at start and syncs with it."""
    data = tmp_path / "tablet"
    enroll = ("--enroll-server", stack.server_url, "--enroll-code", enroll_code(stack.root / "server"))
    app = tablet_app(data, free_port(), artifacts_dir("tablet", "logs"), *enroll, "--secure-storage").start()
    context = browser.new_context(viewport=LANDSCAPE, locale="vi-VN")
    try:
        store = LocalStore(data)
        assert store.get_pref("token") and store.get_pref("token_store") is None  # as an install of before
        ui = FletPage(context.new_page(), artifacts_dir("tablet", "screens")).open(app.ready_url.rstrip("/"))
        ui.wait_text("home-status", r"Chờ đồng bộ")
        assert store.get_pref("token") is None and store.get_pref("token_store") == "vault"
        ui.click("Đồng bộ")
        ui.click("Đồng bộ ngay")
        ui.wait_text("sync-phase", r"Đồng bộ xong", timeout=60)  # the server took the token from the vault
        store.engine.dispose()
    finally:
        context.close()
        app.kill()
