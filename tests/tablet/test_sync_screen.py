"""The sync screen in Chromium while photos go over a slow field link: progress and time remaining,
in both orientations of a 1280 × 800 tablet. Screenshots go to ``test-artifacts/tablet/``."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from mobile_app.container import build_container
from mobile_app.models.home import current_campaign
from tests.api.records_data import file_record, fonds
from tests.browser import artifacts_dir
from tests.faults.link import LinkProxy, LinkShape
from tests.images import noise_jpeg
from tests.tablet.flet_page import FletPage
from tests.tablet.processes import enroll_code, free_port, server, tablet_app

SLOW = LinkShape(up_bits=0.5e6, down_bits=2e6, rtt_s=0.15, cut_every=None)
"""62.5 kB/s up: 16 photos of 150 kB take about 40 s."""


@pytest.fixture
def ui(browser) -> Iterator[FletPage]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    yield FletPage(context.new_page(), artifacts_dir("tablet"))
    context.close()


def _day_on_the_tablet(data_dir: Path, server_url: str, link_url: str, code: str) -> int:
    """Enroll (over the fast network at the office), then a day's files with photos, saved as the
    file form saves them; the tablet will sync them over ``link_url``. Returns the records queued."""
    c = build_container(data_dir)
    enrollment = c.enrollment()
    enrollment.set("server_url", server_url)
    enrollment.set("code", code)
    assert enrollment.submit(), enrollment.error
    campaign = current_campaign(c.store)
    assert campaign is not None
    agency = c.home().rows[0].code
    f = fonds(agency)
    c.store.save("fonds", f)
    rng = random.Random(8)
    for i in range(4):
        refs = []
        for _ in range(4):
            photo = c.store.add_photo(noise_jpeg(rng, 150_000), "image/jpeg")
            refs.append({"sha256": photo.sha256, "size": photo.size, "mime": "image/jpeg"})
        rec = file_record(agency, f["id"], file_no=str(i + 1), campaign_id=campaign["id"], photos=refs)
        c.store.save("file_record", rec, photos=refs)
    c.prefs.set_server_url(link_url)
    pending = c.store.pending_count()
    c.store.engine.dispose()
    return pending


def test_sync_screen_shows_progress_and_time_remaining_over_a_slow_link(ui: FletPage, tmp_path: Path) -> None:
    sport, aport = free_port(), free_port()
    logs = artifacts_dir("tablet", "logs")
    srv = server(tmp_path / "server", sport, logs).start()
    app = tablet_app(tmp_path / "tablet", aport, logs)
    try:
        with LinkProxy(("127.0.0.1", sport), SLOW) as link:
            code = enroll_code(tmp_path / "server")
            pending = _day_on_the_tablet(tmp_path / "tablet", f"http://127.0.0.1:{sport}", link.url, code)
            app.start()
            ui.open(f"http://127.0.0.1:{aport}")
            ui.click(f"Đồng bộ ({pending})")
            ui.wait_text("sync-eta", r"^$")  # nothing to estimate before a sync runs
            ui.click("Đồng bộ ngay")
            ui.wait_text("sync-phase", r"Đang gửi ảnh [\d.]+ KB / 2\.3 MB", timeout=30)
            eta = ui.wait_text("sync-eta", r"^Còn (khoảng \d+ phút|chưa đến 1 phút)$", timeout=30)
            ui.shot("sync-progress-landscape")
            ui.turn({"width": 800, "height": 1280})
            ui.wait_text("sync-phase", r"Đang gửi ảnh")
            ui.shot("sync-progress-portrait")
            ui.wait_text("sync-phase", r"Đồng bộ xong", timeout=120)
            assert ui.text_of("sync-eta") == ""
            assert link.counters.up > 16 * 150_000  # the photos really went through the slow link
            print(f"\nshown while sending: {eta!r}")
    finally:
        app.kill()
        srv.stop()
