"""The preservation pages over HTTP (SQLite and PostgreSQL): a file's Circular 02/2019 metadata on
its record page, copy sets, handovers and the dashboard's rings."""

# ruff: noqa: F811  (the copies fixtures, imported, are parameters of the tests)
from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

from sqlalchemy import select

from sync_server.domain.preservation.copies import write_copy
from sync_server.domain.preservation.verify import verify_copy
from sync_server.models import AuditLog, CopySet, FileMetadata, FileRecord, Handover
from tests.conftest import AGENCY_A
from tests.copies.conftest import Masters, add_set, archive, delivery, masters  # noqa: F401
from tests.web.conftest import csrf_of, web_login

FONDS = f"{AGENCY_A}/12"


def signed_in(m: Masters):  # type: ignore[no-untyped-def]
    web = m.archive.client
    assert web_login(web, "reviewer").status_code == 303
    return web


def test_metadata_is_shown_edited_and_bad_input_changes_nothing(masters: Masters) -> None:
    (rid,) = masters.add("45")
    web = signed_in(masters)
    page = web.get(f"/web/records/{rid}").text
    assert "Thông tin hồ sơ theo Thông tư 02/2019/TT-BNV" in page
    assert f"{AGENCY_A}.12.3.45" in page and "Ký hiệu thông tin" in page and "Tình trạng vật lý" in page
    form = {"csrf_token": csrf_of(page), "file_code": "", "info_sign": "TT-01", "keywords": "đất đai",
            "documents": "12", "annotation": "Có bản đồ"}  # fmt: skip
    r = web.post(f"/web/records/{rid}/metadata", data=form, follow_redirects=False)
    assert r.status_code == 303
    assert "Sửa thông tin hồ sơ (Thông tư 02/2019)" in web.get(f"/web/records/{rid}").text  # in its history
    with masters.archive.session() as s:
        row = s.get(FileMetadata, rid)
        assert row is not None and (row.info_sign, row.documents, row.keywords) == ("TT-01", 12, "đất đai")
    bad = {**form, "documents": "mười hai", "file_code": "mã có dấu!", "info_sign": "X" * 31}
    r = web.post(f"/web/records/{rid}/metadata", data=bad)
    assert r.status_code == 422
    assert "Phải là số nguyên" in r.text and "Mã hồ sơ chỉ gồm chữ cái không dấu" in r.text
    assert "Dài quá 30 ký tự" in r.text and 'value="mười hai"' in r.text  # shown again as typed
    with masters.archive.session() as s:
        row = s.get(FileMetadata, rid)
        assert row is not None and (row.info_sign, row.documents, row.file_code) == ("TT-01", 12, None)
        audits = s.execute(select(AuditLog).where(AuditLog.entity_id == rid, AuditLog.action == "metadata"))
        assert len(audits.all()) == 1


def test_metadata_section_is_for_staff_only(masters: Masters, web) -> None:  # type: ignore[no-untyped-def]
    (rid,) = masters.add("45")
    surveyor = web("surveyor_a")
    page = surveyor.get(f"/web/records/{rid}")
    assert page.status_code == 200 and "Thông tư 02/2019" not in page.text
    r = surveyor.post(
        f"/web/records/{rid}/metadata", data={"csrf_token": csrf_of(page.text), "info_sign": "x"}
    )
    assert r.status_code == 403


def test_copy_sets_page_registers_lists_what_each_holds_and_the_files_short(
    masters: Masters, tmp_path: Path
) -> None:
    a, b = masters.add("45", "46")
    add_set(masters.archive, 1)
    with masters.archive.session() as s:
        write_copy(s, masters.store, None, 1, [FONDS], tmp_path / "bo1", organization="TTLT")
        verify_copy(s, None, tmp_path / "bo1")
    web = signed_in(masters)
    page = web.get("/web/copy-sets").text
    assert "2 trong 2 hồ sơ đã nghiệm thu có bản số hóa." in page
    assert "Nguyên vẹn" in page and "verify-copy THU_MUC" in page and "write-copy --set 1" in page
    form = {"csrf_token": csrf_of(page), "number": "2", "name": "Bộ 2 — băng LTO", "medium": "lto",
            "location": "Kho B", "note": ""}  # fmt: skip
    assert web.post("/web/copy-sets", data=form, follow_redirects=False).status_code == 303
    again = web.post("/web/copy-sets", data={**form, "name": "Trùng số"})
    assert again.status_code == 422 and "Đã có bộ sao số 2" in again.text
    empty = web.post("/web/copy-sets", data={**form, "number": "3", "location": ""})
    assert empty.status_code == 422
    with masters.archive.session() as s:
        assert [c.number for c in s.execute(select(CopySet).order_by(CopySet.number)).scalars()] == [1, 2]
    assert a and b


def test_handover_refused_then_partial_then_package_and_minutes(masters: Masters) -> None:
    masters.add("45", "46")
    (pending,) = masters.add("47", accept=False)
    web = signed_in(masters)
    with masters.archive.session() as s:
        fonds_id = s.get_one(FileRecord, pending).fonds_id
    page = web.get("/web/handovers", params={"fonds": fonds_id}).text
    assert "2 hồ sơ, 4 trang" in page and "1 hồ sơ chưa nghiệm thu hoặc chưa có bản số hóa" in page
    form = {"csrf_token": csrf_of(page), "fonds": fonds_id, "recipient": "Cục Văn thư", "number": "01/BB"}
    refused = web.post("/web/handovers", data=form)
    assert refused.status_code == 422 and "Không bàn giao được" in refused.text
    assert f"Hồ sơ {AGENCY_A}.12.3.47 chưa nghiệm thu" in refused.text
    done = web.post("/web/handovers", data={**form, "partial": "1"}, follow_redirects=False)
    assert done.status_code == 303
    with masters.archive.session() as s:
        (row,) = s.execute(select(Handover)).scalars()
        assert (row.number, row.partial, row.files, row.missing) == ("01/BB", True, 2, 1)
    tar = web.get(f"/web/handovers/{row.id}/package")
    assert tar.status_code == 200 and int(tar.headers["content-length"]) == len(tar.content)
    with tarfile.open(fileobj=io.BytesIO(tar.content)) as bag:
        names = bag.getnames()
    assert f"01-BB/data/{AGENCY_A}.12/{AGENCY_A}.12.3.45.pdf" in names and "01-BB/bagit.txt" in names
    assert web.get(f"/web/handovers/{row.id}/minutes").content[:2] == b"PK"
    listing = web.get("/web/handovers").text
    assert hashlib.sha256(tar.content).hexdigest() in listing and "Bàn giao một phần" in listing


def test_dashboard_draws_the_files_short_of_two_sets_and_fixity_problems(masters: Masters) -> None:
    masters.add("45", "46")
    web = signed_in(masters)
    page = web.get("/web/dashboard").text
    assert 'id="sets-ring-title"' in page and "Chưa có bộ sao nguyên vẹn: <strong>2</strong>" in page
