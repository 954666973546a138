"""SIGKILL the tablet app while the surveyor types and while it syncs: after a restart nothing saved
is missing and nothing reaches the server twice."""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from mobile_app.container import build_container
from mobile_app.store import LocalStore
from tests.browser import artifacts_dir
from tests.images import noise_jpeg, photo_jpeg
from tests.tablet.flet_page import FletPage
from tests.tablet.processes import Api, Proc, enroll_code, free_port, server, tablet_app

AGENCY = "000.00.01.H47"


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[tuple[Proc, Proc, str, Path]]:
    """A server and an app enrolled to khaosat1 (not started yet): ``(server, app, server_url, root)``."""
    sport, aport = free_port(), free_port()
    logs = artifacts_dir("tablet", "logs")
    srv = server(tmp_path / "server", sport, logs).start()
    url = f"http://127.0.0.1:{sport}"
    code = enroll_code(tmp_path / "server")
    app = tablet_app(tmp_path / "tablet", aport, logs, "--enroll-server", url, "--enroll-code", code)
    yield srv, app, url, tmp_path
    app.kill()
    srv.stop()


@pytest.fixture
def ui(browser) -> Iterator[FletPage]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield FletPage(context.new_page(), artifacts_dir("tablet"))
    context.close()


def _app_url(app: Proc) -> str:
    return app.ready_url.rstrip("/")


def test_kill_while_typing_loses_nothing_after_the_autosave(stack, ui: FletPage) -> None:  # type: ignore[no-untyped-def]
    _srv, app, url, root = stack
    app.start()
    ui.open(_app_url(app))
    ui.click_text("Sở Nội vụ")
    ui.click("Thêm phông")
    ui.type("Số phông", "7")
    ui.type("Tên phông", "Phông Sở Nội vụ")
    ui.click("Lưu")
    ui.type("Hộp số", "1")
    ui.click("Thêm hộp")
    ui.wait_text("box-code", r"H0001")
    ui.click("Thêm hồ sơ")
    ui.type("Hồ sơ số (số và ký hiệu)", "1")
    ui.type("Tiêu đề hồ sơ", "Hồ sơ đã lưu trước khi máy tắt")
    ui.tick("Tài liệu có giá trị bảo quản vĩnh viễn")
    photo = root / "p.jpg"
    photo.write_bytes(photo_jpeg((3000, 2000)))
    ui.pick_files("Thêm ảnh", [photo])
    ui.wait_for(lambda: ui.label_of("photos") == "1", what="the thumbnail")
    first_form = ui.location()
    ui.click("Lưu và sang hồ sơ tiếp theo trong hộp")  # a saved record, then the next file's form
    # (both forms are titled "Hồ sơ mới": wait for the next one's route, not for the title)
    ui.wait_for(lambda: ui.location() != first_form, what="the next file's form")
    typed = "Hồ sơ đang gõ dở: công văn về địa giới hành chính"
    ui.type("Tiêu đề hồ sơ", typed)
    ui.type("Số lượng tờ", "37")
    ui.wait_text("form-status", r"Đã lưu nháp")
    store = LocalStore(root / "tablet")
    ui.wait_for(lambda: _draft_values(store, "2") == (typed, "37"), what="the debounced draft on disk")
    store.engine.dispose()
    ui.type("Ghi chú", "đang gõ thì máy bị tắt")
    app.kill()  # no flush, no goodbye

    app.start()
    ui.open(_app_url(app))  # the app starts again on its home screen
    ui.click_text("Sở Nội vụ")
    ui.wait_for(lambda: ui.has_text("Bản nháp chưa lưu"), what="the drafts list")
    ui.shot("12-after-kill-drafts")
    ui.click_containing("2 – Hồ sơ đang gõ dở")  # the draft's file number and title came back
    ui.shot("13-after-kill-form")
    ui.tick("Tài liệu có giá trị bảo quản vĩnh viễn")
    ui.click("Lưu")
    ui.wait_for(lambda: ui.has_text("2 – Hồ sơ đang gõ dở"), what="the saved file")
    ui.click("Đồng bộ (4)")  # fonds, box, two files
    ui.click("Đồng bộ ngay")
    ui.wait_text("sync-phase", r"Đồng bộ xong", timeout=60)

    api = Api(url, root / "server")
    files = api.records(AGENCY, "file_record")
    assert sorted((f["data"]["file_no"], f["version"]) for f in files) == [("1", 1), ("2", 1)]
    [saved] = [f for f in files if f["data"]["file_no"] == "1"]
    sha = saved["data"]["photos"][0]["sha256"]
    assert hashlib.sha256(api.photo(sha)).hexdigest() == sha
    typed_back = next(f for f in files if f["data"]["file_no"] == "2")["data"]
    assert (typed_back["title"], typed_back["leaves"]) == (typed, 37)
    api.close()


def _draft_values(store: LocalStore, file_no: str) -> tuple[str, str] | None:
    """Title and leaves of the draft of file ``file_no`` as written to the tablet's database."""
    for draft in store.drafts("file_record"):
        values = draft.data.get("values", {})
        if values.get("file_no") == file_no:
            return values.get("title"), values.get("leaves")
    return None


def _survey_offline(data_dir: Path, files: int, photos: int) -> tuple[set[str], set[str]]:
    """A day's work saved through the app's own view-models while the app is closed."""
    c = build_container(data_dir, autosave_delay=0)
    v = c.visit(AGENCY)
    v.start_visit()
    v.fonds_form.values.update(number="12", name="Phông UBND tỉnh")
    v.add_fonds()
    v.box_form.values.update(box_no="1")
    v.add_box()
    ids, shas = set(), set()
    for i in range(files):
        form = c.file_form(AGENCY, v.new_file())
        form.set("file_no", str(i + 1))
        form.set("title", f"Hồ sơ số {i + 1} về công tác văn thư, lưu trữ")
        form.toggle("criteria", "permanent", True)
        if i < photos:
            photo = noise_jpeg(random.Random(i), 2_400_000)  # does not compress: the upload takes a while
            shas.add(form.add_photo(photo)["sha256"])
        assert form.save(), form.errors.errors
        ids.add(form.record_id)
    c.store.engine.dispose()
    return ids, shas


def _sync_until(ui: FletPage, pattern: str, timeout: float = 120) -> str:
    ui.click("Đồng bộ ngay")
    return ui.wait_text("sync-phase", pattern, timeout=timeout)


def test_kill_during_sync_repeats_nothing_and_loses_nothing(stack, ui: FletPage) -> None:  # type: ignore[no-untyped-def]
    _srv, app, url, root = stack
    app.start()  # enrolls and pulls the agencies
    app.kill()
    ids, shas = _survey_offline(root / "tablet", files=600, photos=6)

    app.start()
    ui.open(_app_url(app) + "/sync")
    pushing = _sync_until(ui, r"Đang gửi bản ghi [1-9]\d*/\d+")
    app.kill()  # mid-push: some batches acknowledged, the rest not sent
    sent, total = map(int, re.search(r"(\d+)/(\d+)", pushing).groups())  # type: ignore[union-attr]
    assert 0 < sent < total
    app.start()
    ui.reload()
    uploading = _sync_until(ui, r"Đang gửi ảnh [1-9][\d.]* (KB|MB) /")
    app.kill()  # mid-upload: a photo half sent
    seen = f"{pushing} | {uploading}"
    app.start()
    ui.reload()
    _sync_until(ui, r"Đồng bộ xong")
    ui.shot("14-after-kill-sync")

    api = Api(url, root / "server")
    files = api.records(AGENCY, "file_record")
    assert len(files) == len(ids) and {f["id"] for f in files} == ids, seen
    assert all(f["version"] == 1 for f in files)  # replays were recognised, never applied twice
    on_server = {p["sha256"] for f in files for p in f["data"]["photos"]}
    assert on_server == shas
    for sha in shas:
        assert hashlib.sha256(api.photo(sha)).hexdigest() == sha
    for kind in ("visit", "fonds", "box"):
        assert len(api.records(AGENCY, kind)) == 1
    api.close()
    store = LocalStore(root / "tablet")
    assert store.pending_count() == 0 and store.photos() == []
