"""The preservation pages in Chromium against the real server: a file's metadata edited (a refused
value first), a copy set registered, a handover refused then recorded as partial, its package
downloaded and validated by ``bagit``, its minutes downloaded; the dashboard's rings."""

# ruff: noqa: F811  (the copies fixtures, imported, are parameters of the tests)
from __future__ import annotations

import re
import tarfile
from pathlib import Path
from typing import Any

import bagit
from openpyxl import load_workbook
from sqlalchemy import select

from sync_server.domain.preservation.copies import write_copy
from sync_server.domain.preservation.fixity import run_fixity
from sync_server.domain.preservation.verify import verify_copy
from sync_server.models import CopySet, FileDigitization, FileMetadata, Handover
from sync_server.storage import LocalPhotoStore
from tests.conftest import AGENCY_A
from tests.copies.conftest import Masters, add_set, archive, delivery, masters  # noqa: F401
from tests.web.conftest import go, shot

FONDS = f"{AGENCY_A}/12"
DESK = {"width": 1280, "height": 800}


def _desk(page: Any) -> Any:
    page.set_viewport_size(DESK)
    return page


def test_staff_edit_a_files_metadata_and_a_refused_value_changes_nothing(signed_in, masters: Masters) -> None:  # type: ignore[no-untyped-def]
    (rid,) = masters.add("45")
    page = _desk(signed_in("reviewer"))
    base = page.url.split("/web/")[0]
    page.goto(f"{base}/web/records/{rid}")
    section = page.get_by_role("region", name="Thông tin hồ sơ theo Thông tư 02/2019/TT-BNV")
    assert section.locator("#meta-code").inner_text() == f"{AGENCY_A}.12.3.45"
    assert section.locator("#meta-condition").inner_text().startswith("Mủn – Nặng")  # from the damages
    page.fill("#meta-info_sign", "TT.01")
    page.fill("#meta-keywords", "đất đai; địa giới hành chính")
    page.fill("#meta-documents", "mười hai")
    page.fill("#meta-annotation", "Có 2 bản đồ khổ A3")
    section.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").first.inner_text().startswith("Chưa lưu")
    assert page.locator("#meta-documents-error").inner_text() == "Phải là số nguyên"
    assert page.locator("#meta-documents").get_attribute("aria-invalid") == "true"
    assert page.locator("#meta-keywords").input_value() == "đất đai; địa giới hành chính"  # kept as typed
    page.locator("#meta-documents").scroll_into_view_if_needed()
    shot(page, "metadata-refused")
    with masters.archive.session() as s:
        assert s.get(FileMetadata, rid) is None  # nothing was saved

    page.fill("#meta-documents", "12")
    page.fill("#meta-file_code", "qn.snv.12.45")
    section.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Đã lưu thông tin hồ sơ."
    assert page.locator("#meta-code").inner_text() == "QN.SNV.12.45"  # the override, in capitals
    assert f"mã theo quy tắc: {AGENCY_A}.12.3.45" in page.locator("#metadata-title + dl").inner_text()
    page.locator("#metadata-title").scroll_into_view_if_needed()
    shot(page, "metadata-saved")
    with masters.archive.session() as s:
        row = s.get(FileMetadata, rid)
        assert row is not None
        assert (row.file_code, row.info_sign, row.documents) == ("QN.SNV.12.45", "TT.01", 12)
        assert row.annotation == "Có 2 bản đồ khổ A3"


def test_register_a_copy_set_and_see_what_each_set_holds(signed_in, masters: Masters, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    masters.add("45", "46")
    add_set(masters.archive, 1)
    with masters.archive.session() as s:  # the command-line job, on the machine holding the medium
        write_copy(s, masters.store, None, 1, [FONDS], tmp_path / "bo1", organization="TTLT")
        verify_copy(s, None, tmp_path / "bo1")
    page = _desk(signed_in("reviewer"))
    go(page, "Bộ sao bảo hiểm")
    assert page.locator("#short-count").inner_text().startswith("2 trong 2 hồ sơ")
    assert page.locator("#short-table tbody tr").count() == 2
    page.fill("#cs-number", "2")
    page.fill("#cs-name", "Bộ 2 — băng LTO, kho B")
    page.select_option("#cs-medium", "lto")
    page.fill("#cs-location", "Kho B, tầng 2")
    page.get_by_role("button", name="Đăng ký bộ sao").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Đã đăng ký bộ sao số 2."
    rows = page.locator("#sets-table tbody tr")
    assert rows.count() == 2
    one, two = rows.nth(0).inner_text(), rows.nth(1).inner_text()
    assert "Nguyên vẹn" in one and "Chưa kiểm tra" in two and "Băng từ LTO" in two
    assert "write-copy --set" in page.locator("#cli-title + p + p + pre").inner_text()
    page.get_by_text("Các bản sao của bộ 1").click()
    shot(page, "copy-sets")
    with masters.archive.session() as s:
        assert s.execute(select(CopySet.location).where(CopySet.number == 2)).scalar_one() == "Kho B, tầng 2"

    page.fill("#cs-number", "2")
    page.fill("#cs-name", "Trùng số")
    page.fill("#cs-location", "Kho C")
    page.get_by_role("button", name="Đăng ký bộ sao").click()
    page.wait_for_load_state()
    assert page.locator("#cs-number-error").inner_text() == "Đã có bộ sao số 2"


def test_a_handover_is_refused_then_recorded_partial_and_its_package_is_a_valid_bag(  # type: ignore[no-untyped-def]
    signed_in, masters: Masters, tmp_path: Path
) -> None:
    masters.add("45", "46")
    masters.add("47", accept=False)
    page = _desk(signed_in("reviewer"))
    go(page, "Bàn giao")
    page.get_by_label(re.compile(r"^12 – ")).check()
    page.get_by_role("button", name="Xem trước").click()
    page.wait_for_load_state()
    assert (
        page.locator("#plan-figures").inner_text()
        == "2 hồ sơ, 4 trang, " + page.locator("#plan-figures").inner_text().split(", ")[2]
    )
    assert page.locator("#missing-table tbody tr").inner_text().startswith(f"{AGENCY_A}.12.3.47")
    page.fill("#ho-recipient", "Cục Văn thư và Lưu trữ nhà nước")
    page.fill("#ho-number", "01/BB-TTLT")
    page.get_by_role("button", name="Ghi nhận bàn giao").click()
    page.wait_for_load_state()
    refusal = page.locator("#handover-refusal").inner_text()
    assert "Không bàn giao được" in refusal and f"Hồ sơ {AGENCY_A}.12.3.47 chưa nghiệm thu" in refusal
    shot(page, "handover-refused")
    with masters.archive.session() as s:
        assert s.execute(select(Handover)).first() is None

    page.check("#ho-partial")
    page.get_by_role("button", name="Ghi nhận bàn giao").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Đã ghi nhận bàn giao 01/BB-TTLT."
    row = page.locator("#handovers-table tbody tr").first
    assert "Bàn giao một phần" in row.inner_text() and "gói chưa được tải" in row.inner_text()

    with page.expect_download() as got:
        row.get_by_role("link", name="Tải gói (.tar)").click()
    tar = tmp_path / got.value.suggested_filename
    got.value.save_as(tar)
    assert tar.name == "01-BB-TTLT.tar"
    with tarfile.open(tar) as archive_:
        archive_.extractall(tmp_path / "out", filter="data")
    bag = bagit.Bag(str(tmp_path / "out" / "01-BB-TTLT"))
    bag.validate()  # bagit's own validator: structure, Payload-Oxum, every manifest hash
    assert bag.info["External-Identifier"] == "01/BB-TTLT"
    assert sorted(p for p in bag.payload_files() if p.endswith(".pdf")) == [
        f"data/{AGENCY_A}.12/{AGENCY_A}.12.3.45.pdf",
        f"data/{AGENCY_A}.12/{AGENCY_A}.12.3.46.pdf",
    ]

    with page.expect_download() as got:
        row.get_by_role("link", name="Biên bản (.xlsx)").click()
    minutes = tmp_path / "bien-ban.xlsx"
    got.value.save_as(minutes)
    text = " ".join(
        str(c) for ws in load_workbook(minutes) for r in ws.iter_rows(values_only=True) for c in r if c
    )
    page.reload()
    sha = page.locator("#handovers-table tbody tr").first.locator("code.sha").inner_text()
    assert sha and sha in text  # the minutes carry the package's SHA-256, recorded when it was sent
    shot(page, "handovers")


def test_the_dashboard_draws_files_short_of_two_sets_and_fixity_problems(  # type: ignore[no-untyped-def]
    signed_in, masters: Masters, tmp_path: Path
) -> None:
    ids = masters.add("45", "46", "47")
    add_set(masters.archive, 1)
    add_set(masters.archive, 2)
    with masters.archive.session() as s:
        for n in (1, 2):
            write_copy(s, masters.store, None, n, [FONDS], tmp_path / f"bo{n}", organization="TTLT")
            verify_copy(s, None, tmp_path / f"bo{n}")
        next((tmp_path / "bo2" / "data").rglob("*.46.pdf")).write_bytes(b"damaged")
        verify_copy(s, None, tmp_path / "bo2")  # 46 now on one verified set only
        sha = s.get_one(FileDigitization, ids[2]).master_sha256
        assert sha is not None and isinstance(masters.store, LocalPhotoStore)
        blob = masters.store.path(sha)
        data = bytearray(blob.read_bytes())
        data[len(data) // 2] ^= 0x01  # one bit flipped in a stored master
        blob.write_bytes(bytes(data))
        run_fixity(s, masters.store, None)
    page = _desk(signed_in("reviewer"))
    sets = page.get_by_role("img", name="Hồ sơ đã nghiệm thu theo số bộ sao nguyên vẹn")
    assert sets.locator("path").count() == 2  # two arcs: one set, two sets
    legend = page.locator(".donut").first.inner_text()
    assert "Một bộ sao nguyên vẹn: 1" in legend and "Đủ hai bộ trở lên: 2" in legend
    fixity_ring = page.get_by_role("img", name="Bản số hóa hỏng hoặc mất")
    assert fixity_ring.locator("text").text_content() == "1"
    assert "Hỏng hoặc mất: 1" in page.locator(".donut").nth(1).inner_text()
    page.locator("#preservation-title").scroll_into_view_if_needed()
    shot(page, "dashboard-preservation")
