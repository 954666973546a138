"""Ingest of scanned masters on SQLite and PostgreSQL, with real PDFs made in the tests: matched by
the naming rule, measured, stored content-addressed, audited, reported; every bad PDF refused with
its reason and nothing of it stored."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from common.vocab import IngestOutcome
from sync_server.domain import digitization
from sync_server.domain.scans.report import COLUMNS, write_report
from sync_server.models import AuditLog, FileDigitization, ScanMaster
from sync_server.storage import LocalPhotoStore
from tests.conftest import AGENCY_A, AGENCY_B
from tests.scans import pdfs
from tests.scans.conftest import Archive, blobs

A = AGENCY_A


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_delivery_is_matched_by_name_measured_stored_and_audited(
    archive: Archive, delivery: Path, store: LocalPhotoStore
) -> None:
    tree = archive.file("45", pages=3)
    dotted = archive.file("46")  # no page count on the record: the master's is taken
    padded = archive.file("7", fonds="S1", inventory=None, pages=2)
    at_200 = archive.file("12-BC", pages=2)  # recorded as 12/BC in some files: "-" in names
    files = {
        f"{A}/12/3/45.pdf": pdfs.scan_pdf(delivery / A / "12" / "3" / "45.pdf", 3, 300, seed=1),
        f"giao-nop/{A}.12.3.46.pdf": pdfs.scan_pdf(
            delivery / "giao-nop" / f"{A}.12.3.46.pdf", 4, 300, seed=2
        ),
        f"{A}/s1/0007.PDF": pdfs.scan_pdf(delivery / A / "s1" / "0007.PDF", 2, 300, seed=3),
        f"{A}/12/3.12-BC.pdf": pdfs.scan_pdf(delivery / A / "12" / "3.12-BC.pdf", 2, 200, seed=4),
    }
    (delivery / "notes.txt").write_text("not a PDF: ignored")
    (delivery / ".hidden.pdf").write_bytes(b"ignored too")

    run, items = archive.ingest(delivery, store)

    assert (run.total, run.stored, run.held, run.refused) == (4, 4, 0, 0)
    assert run.finished_at is not None and run.bytes_stored == sum(p.stat().st_size for p in files.values())
    assert sorted(items) == sorted(files)
    assert blobs(store) == {_sha(p) for p in files.values()}
    for rid, name, pages in ((tree, f"{A}/12/3/45.pdf", 3), (dotted, f"giao-nop/{A}.12.3.46.pdf", 4)):
        state = archive.state(rid)
        assert state is not None and state.state == "scanned" and state.master_sha256 == _sha(files[name])
        assert state.ingest_run_id == run.id and state.accepted_on is None
        assert items[name].outcome == "stored" and items[name].pages == pages and items[name].min_ppi == 300
        assert archive.record(rid)["version"] == 1  # the tablet's record is untouched
        assert archive.history(rid)[-1]["action"] == "digitization:master"
    assert items[f"giao-nop/{A}.12.3.46.pdf"].reason == "scan_pages_from_master"
    assert items[f"{A}/12/3.12-BC.pdf"].min_ppi == 200
    assert archive.state(padded).master_sha256 == _sha(files[f"{A}/s1/0007.PDF"])  # type: ignore[union-attr]
    assert archive.state(at_200) is not None
    with archive.session() as s:
        master = s.get(ScanMaster, _sha(files[f"{A}/12/3/45.pdf"]))
        assert master is not None and (master.pages, master.min_ppi, master.run_id) == (3, 300, run.id)
        assert master.size == files[f"{A}/12/3/45.pdf"].stat().st_size
        audited = s.execute(select(AuditLog).where(AuditLog.entity_type == "ingest_run")).scalars().one()
        assert audited.detail == {"source": str(delivery.resolve()), "stored": 4, "held": 0, "refused": 0}


def test_every_bad_pdf_gets_a_clear_line_and_nothing_of_it_is_stored(
    archive: Archive, delivery: Path, store: LocalPhotoStore
) -> None:
    folder = delivery / A / "12" / "3"
    bad = {
        "1": (pdfs.scan_pdf(folder / "1.pdf", 2, 150), "scan_low_ppi", {"page": 1, "ppi": 150}),
        "2": (pdfs.scan_pdf(folder / "2.pdf", 2, [300, 150]), "scan_low_ppi", {"page": 2, "ppi": 150}),
        "3": (pdfs.encrypted_pdf(folder / "3.pdf"), "scan_encrypted", {}),
        "4": (pdfs.encrypted_pdf(folder / "4.pdf", user_password=""), "scan_encrypted", {}),
        "5": (pdfs.zero_page_pdf(folder / "5.pdf"), "scan_empty", {}),
        "6": (pdfs.truncated_pdf(folder / "6.pdf"), "scan_not_pdf", {}),
        "7": (folder / "7.pdf", "scan_not_pdf", {}),
        "8": (folder / "8.pdf", "scan_not_pdf", {}),
        "9": (pdfs.huge_page_pdf(folder / "9.pdf"), "scan_page_too_large", {"page": 1}),
        "10": (pdfs.huge_image_pdf(folder / "10.pdf"), "scan_image_too_large", {"width": 200_000}),
        "11": (pdfs.with_blank_page(folder / "11.pdf"), "scan_no_image", {"page": 2}),
        "12": (pdfs.scan_pdf(folder / "12.pdf", 2, 300), "scan_page_count", {"pages": 2, "expected": 5}),
        "13": (pdfs.scan_pdf(folder / "13.pdf", 1, 300), "scan_not_approved", {"input": "Chờ duyệt"}),
        "14": (pdfs.scan_pdf(folder / "14.pdf", 1, 300), "scan_several_records", {"n": 2}),
        "99": (pdfs.scan_pdf(folder / "99.pdf", 1, 300), "scan_no_record", {}),
    }
    (folder / "7.pdf").write_text("%PDF-1.7 but then only words, no objects")
    (folder / "8.pdf").write_bytes(b"")
    for file_no in bad:
        if file_no == "12":
            archive.file(file_no, pages=5)
        elif file_no == "13":
            archive.file(file_no, approve=False)
        elif file_no == "14":
            archive.file(file_no)
            archive.file("014")  # the same number twice in one inventory: which one is it?
        elif file_no != "99":
            archive.file(file_no)
    archive.file("1", agency=AGENCY_B)  # another agency's file 1 is not a match for agency A's name

    run, items = archive.ingest(delivery, store)

    assert (run.total, run.stored, run.refused) == (len(bad), 0, len(bad))
    for file_no, (_, reason, ctx) in bad.items():
        item = items[f"{A}/12/3/{file_no}.pdf"]
        assert (item.outcome, item.reason) == ("refused", reason), file_no
        assert ctx.items() <= (item.detail or {}).items(), (file_no, item.detail)
    assert blobs(store) == set() and not list((store.root / ".incoming").glob("*"))
    with archive.session() as s:
        assert s.execute(select(func.count()).select_from(FileDigitization)).scalar() == 0
        assert s.execute(select(func.count()).select_from(ScanMaster)).scalar() == 0

    report = write_report(archive.session(), run.id, delivery.parent / "report.xlsx")  # type: ignore[arg-type]
    ws = load_workbook(report).active
    assert [c.value for c in ws[4]] == [c.header for c in COLUMNS]
    rows = {r[1]: r for r in ws.iter_rows(min_row=5, values_only=True)}
    low = rows[f"{A}/12/3/1.pdf"]
    assert low[2] == "Từ chối" and low[3] == (
        "Trang 1 có độ phân giải 150 ppi, thấp hơn 200 ppi (Thông tư 02/2019/TT-BNV)"
    )
    assert rows[f"{A}/12/3/99.pdf"][3].startswith("Tên tệp không khớp hồ sơ nào")
    assert rows[f"{A}/12/3/14.pdf"][3].startswith("Tên tệp khớp 2 hồ sơ")
    assert "15 tệp: 0 đã nhận, 0 đã có, bỏ qua, 15 từ chối" in ws["A3"].value


def test_rerun_skips_what_is_held_and_a_different_master_waits_for_a_rescan(
    archive: Archive, delivery: Path, store: LocalPhotoStore
) -> None:
    rid = archive.file("45", pages=2)
    twin = archive.file("46", pages=2)
    first = pdfs.scan_pdf(delivery / A / "12" / "3" / "45.pdf", 2, 300, seed=1).read_bytes()
    _, items = archive.ingest(delivery, store)
    assert items[f"{A}/12/3/45.pdf"].outcome == "stored"

    again, items = archive.ingest(delivery, store)
    assert (again.stored, again.held, again.refused) == (0, 1, 0)
    assert items[f"{A}/12/3/45.pdf"].reason == "scan_already_held"

    second = pdfs.scan_pdf(delivery / A / "12" / "3" / "45.pdf", 2, 300, seed=2)  # a new scan of the file
    (delivery / A / "12" / "3" / "46.pdf").write_bytes(first)  # the first scan, delivered for file 46
    _, items = archive.ingest(delivery, store)
    assert items[f"{A}/12/3/45.pdf"].reason == "scan_other_master"
    assert items[f"{A}/12/3/46.pdf"].reason == "scan_same_as_other"  # one PDF cannot master two files
    assert archive.state(twin) is None
    assert archive.state(rid).master_sha256 != _sha(second)  # type: ignore[union-attr]

    with archive.session() as s:
        principal = _reviewer(s)
        with pytest.raises(Exception, match="validation_error"):
            digitization.send_for_rescan(s, principal, rid, "  ")
        digitization.send_for_rescan(s, principal, rid, "Trang 2 bị mờ, chụp lại")
    assert archive.state(rid).state == "rescan"  # type: ignore[union-attr]
    (delivery / A / "12" / "3" / "46.pdf").unlink()
    rescanned, items = archive.ingest(delivery, store)
    assert items[f"{A}/12/3/45.pdf"].outcome == "stored" and rescanned.stored == 1
    state = archive.state(rid)
    assert state is not None and (state.state, state.master_sha256) == ("scanned", _sha(second))
    assert state.check_reason is None
    assert {_sha(second)} < blobs(store)  # the first master stays stored
    actions = [h["action"] for h in archive.history(rid)]
    assert actions[-3:] == ["digitization:master", "digitization:rescan", "digitization:master"]


def _reviewer(session: object):  # type: ignore[no-untyped-def]
    from sync_server.auth import principal_for
    from sync_server.domain.users import get_user

    return principal_for(session, get_user(session, "reviewer"))  # type: ignore[arg-type]


def test_accepting_and_withdrawing_a_scanned_master(
    archive: Archive, delivery: Path, store: LocalPhotoStore
) -> None:
    """The quality check accepts through the same "digitized on" mark the web has; withdrawing it
    returns the file to "scanned", never loses the master."""
    rid = archive.file("45")
    pdfs.scan_pdf(delivery / A / "12" / "3" / "45.pdf", 3, 300)
    archive.ingest(delivery, store)
    url, reviewer = "/api/v1/digitization", archive.auth("reviewer")
    assert archive.client.post(url, json={"ids": [rid], "on": "2026-11-30"}, headers=reviewer).json() == {
        "changed": 1
    }
    state = archive.state(rid)
    assert state is not None and (state.state, str(state.accepted_on)) == ("accepted", "2026-11-30")
    assert archive.client.post(url, json={"ids": [rid], "on": None}, headers=reviewer).json() == {
        "changed": 1
    }
    state = archive.state(rid)
    assert state is not None and state.state == "scanned" and state.master_sha256 is not None


def test_a_file_accepted_before_its_master_keeps_its_acceptance(
    archive: Archive, delivery: Path, store: LocalPhotoStore
) -> None:
    rid = archive.file("45")
    r = archive.client.post(
        "/api/v1/digitization", json={"ids": [rid], "on": "2026-01-15"}, headers=archive.auth("reviewer")
    )
    assert r.json() == {"changed": 1}
    pdfs.scan_pdf(delivery / A / "12" / "3" / "45.pdf", 2, 300)
    _, items = archive.ingest(delivery, store)
    assert items[f"{A}/12/3/45.pdf"].outcome == IngestOutcome.STORED
    state = archive.state(rid)
    assert state is not None and (state.state, str(state.accepted_on)) == ("accepted", "2026-01-15")
    assert state.master_sha256 is not None
