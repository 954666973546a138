"""The tablet's screens in Chromium, held either way (1280 × 800 and 800 × 1280): layout of the file
form, names screen readers announce, taking a photo with the (fake) camera.

Screenshots of each screen in both orientations go to ``test-artifacts/tablet/screens/``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser import artifacts_dir
from tests.tablet.flet_page import FletPage
from tests.tablet.processes import Proc, enroll_code, free_port, server, tablet_app

LANDSCAPE = {"width": 1280, "height": 800}
PORTRAIT = {"width": 800, "height": 1280}
FONDS_NAME = "Phông UBND tỉnh Quảng Nam (1976–1996) và các cơ quan chuyên môn trực thuộc"
CRITICAL = "4 Rất nặng, nguy cơ mất thông tin"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server and a tablet app enrolled to khaosat1, shared by this module's tests."""
    root = tmp_path_factory.mktemp("screens")
    logs = artifacts_dir("tablet", "logs")
    sport, aport = free_port(), free_port()
    srv = server(root / "server", sport, logs).start()
    code = enroll_code(root / "server")
    app: Proc = tablet_app(
        root / "tablet", aport, logs, "--enroll-server", f"http://127.0.0.1:{sport}", "--enroll-code", code
    ).start()
    yield f"http://127.0.0.1:{aport}"
    app.kill()
    srv.stop()


@pytest.fixture
def ui(browser, app_url: str) -> Iterator[FletPage]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=LANDSCAPE, locale="vi-VN")
    page = FletPage(context.new_page(), artifacts_dir("tablet", "screens"))
    page.open(app_url)
    yield page
    context.close()


def both_ways(ui: FletPage, name: str) -> None:
    """Screenshots held sideways and upright; the page is left sideways."""
    ui.page.set_viewport_size(LANDSCAPE)
    ui.shot(f"{name}-landscape")
    ui.page.set_viewport_size(PORTRAIT)
    ui.shot(f"{name}-portrait")
    ui.page.set_viewport_size(LANDSCAPE)


def _open_agency_with_a_box(ui: FletPage, agency: str, fonds_no: str) -> None:
    ui.click_text(agency)
    ui.click("Thêm phông")
    ui.type("Số phông", fonds_no)
    ui.type("Tên phông", FONDS_NAME)
    ui.click("Lưu")
    ui.type("Hộp số", "1")
    ui.click("Thêm hộp")
    ui.wait_text("box-code", r"H0001")
    ui.back()


def _same_row(boxes: list[dict[str, float]]) -> bool:
    return max(b["y"] for b in boxes) - min(b["y"] for b in boxes) < 4


def test_the_file_form_uses_the_whole_tablet_either_way(ui: FletPage) -> None:
    _open_agency_with_a_box(ui, "Sở Nội vụ", "21")
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
    ui.page.set_viewport_size(PORTRAIT)
    ui.wait_for(lambda: ui.box("Rách", "checkbox")["x"] > PORTRAIT["width"] * 0.6, what="the portrait grid")
    ticks = [ui.box(name, "checkbox") for name in ("Mủn", "Giòn", "Rách")]
    assert _same_row(ticks), ticks
    first, second = ui.box("1 Nhẹ", nth=0), ui.box("1 Nhẹ", nth=1)
    assert second["y"] > first["y"] + 100  # one under the other
    critical = ui.box(CRITICAL, nth=0)
    assert critical["x"] + critical["width"] > PORTRAIT["width"] * 0.8 and critical["width"] >= 150
    ui.shot("file-form-damages-portrait")
    ui.page.set_viewport_size(LANDSCAPE)


def test_screen_readers_hear_names_in_the_apps_language(ui: FletPage) -> None:
    def named(name: str):  # type: ignore[no-untyped-def]
        return ui.page.get_by_role("button", name=name, exact=True)

    _open_agency_with_a_box(ui, "Sở Tài chính", "22")
    ui.wait_for(lambda: named("Quay lại").count() == 1, what="the back button named in Vietnamese")
    assert named("Back").count() == 0
    assert named(f"Phông 22 – {FONDS_NAME}").count() == 1  # a dropdown: its label, then its choice
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
