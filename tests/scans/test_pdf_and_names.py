"""Reading PDFs (effective resolution, bombs, a reader that dies or hangs) and the naming rule."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from sync_server.domain.scans.ingest import delivered_pdfs
from sync_server.domain.scans.names import FileKey, candidate_keys, number
from sync_server.domain.scans.pdf import MIN_PPI, PdfFacts, PdfRefused, inspect_pdf
from sync_server.domain.scans.reader import PdfReader
from tests.scans import pdfs

AGENCY = "000.00.01.H47"


@pytest.mark.parametrize(("ppi", "expected"), [(150, 150), (200, 200), (300, 300)])
def test_effective_resolution_of_scanned_pages(tmp_path: Path, ppi: int, expected: int) -> None:
    facts = inspect_pdf(pdfs.scan_pdf(tmp_path / "s.pdf", 2, ppi))
    assert facts.pages == 2 and facts.min_ppi == expected
    refused = facts.refusal(None)
    assert (refused is None) == (ppi >= MIN_PPI)


def test_resolution_counts_the_size_an_image_is_drawn_at_through_forms(tmp_path: Path) -> None:
    """A 150 ppi scan drawn at half size through a form XObject is 300 ppi on the page (PDFium's own
    image metadata, which ignores the form's transform, says 150)."""
    path = pdfs.form_wrapped_pdf(tmp_path / "f.pdf", 150, 0.5)
    assert inspect_pdf(path).min_ppi == 300
    page = pdfium.PdfDocument(path)[0]
    image = next(o for o in page.get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE)
    assert round(image.get_metadata().horizontal_dpi) == 150
    assert inspect_pdf(pdfs.form_wrapped_pdf(tmp_path / "g.pdf", 300, 2.0)).min_ppi == 150


def test_refusals_name_the_first_page_at_fault() -> None:
    facts = PdfFacts(3, (300.0, 150.4, None))
    refused = facts.refusal(None)
    assert refused is not None and (refused.reason, refused.ctx["page"]) == ("scan_no_image", 3)
    refused = PdfFacts(3, (300.0, 150.4, 199.6)).refusal(None)
    assert refused is not None and refused.ctx == {"page": 2, "ppi": 150, "min": 200}
    assert PdfFacts(2, (199.6, 300.0)).refusal(2) is None  # 200 ppi with rounding in the drawing
    refused = PdfFacts(2, (300.0, 300.0)).refusal(3)
    assert refused is not None and refused.ctx == {"pages": 2, "expected": 3}


def test_a_content_bomb_costs_one_pdf_and_the_reader_goes_on(tmp_path: Path) -> None:
    bomb = pdfs.content_bomb_pdf(tmp_path / "bomb.pdf")
    good = pdfs.scan_pdf(tmp_path / "good.pdf", 1, 300)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with PdfReader(memory_bytes=256 * 1024**2) as reader:
        answers = dict(reader.inspect_all([("bomb", bomb), ("good", good), ("again", good)]))
    assert getattr(answers["bomb"], "reason", None) == "scan_unreadable"
    assert isinstance(answers["good"], PdfFacts) and isinstance(answers["again"], PdfFacts)


def test_a_reader_that_dies_or_hangs_is_replaced(tmp_path: Path) -> None:
    good = pdfs.scan_pdf(tmp_path / "good.pdf", 1, 300)
    with PdfReader() as reader:
        assert reader.inspect(good).pages == 1
        assert reader._proc is not None
        reader._proc.kill()  # as a crash of the engine would
        reader._proc.wait()
        assert reader.inspect(good).pages == 1
        reader._proc.send_signal(signal.SIGSTOP)  # it stops answering, as on a PDF that never ends
        reader.time_limit = 0.5
        answers = reader.inspect_all([("hung", good), ("next", good)])
        item, answer = next(answers)
        assert item == "hung" and isinstance(answer, PdfRefused) and answer.reason == "scan_unreadable"
        reader.time_limit = 60.0
        item, facts = next(answers)  # sent again, to a fresh reader
        assert item == "next" and isinstance(facts, PdfFacts) and facts.pages == 1


def test_numbers_compare_in_capitals_without_leading_zeros() -> None:
    assert number(" 0045 ") == "45" and number("s1") == "S1" and number("12/BC") == "12-BC"
    assert number("0") == "0" and number("3.1") == "3-1"


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        (f"{AGENCY}/12/3/45.pdf", [FileKey(AGENCY, "12", "3", "45"), FileKey(f"{AGENCY}.12", "3", "", "45")]),
        (f"{AGENCY}.12.3.45.pdf", [FileKey(AGENCY, "12", "3", "45"), FileKey(f"{AGENCY}.12", "3", "", "45")]),
        (f"giao/{AGENCY}/012/0045.PDF", [FileKey(AGENCY, "12", "", "45")]),
        (f"{AGENCY}/S1/M2/7.pdf", [FileKey(AGENCY, "S1", "M2", "7")]),
        ("000.00.09.H47/12/3/45.pdf", []),  # an agency that does not exist
        ("45.pdf", []),
    ],
)
def test_names_are_read_every_way_the_rule_allows(name: str, keys: list[FileKey]) -> None:
    known = {AGENCY, f"{AGENCY}.12"}  # an agency code may itself end like a fonds number
    assert sorted(candidate_keys(name, known), key=str) == sorted(keys, key=str)


def test_a_delivery_lists_its_pdfs_by_path_and_any_name_can_be_reported(tmp_path: Path) -> None:
    for name in ("b/2.pdf", "a/10.PDF", "a/9.pdf", ".cache/x.pdf", "a/.~lock.pdf", "a/notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    odd = tmp_path / os.fsdecode(b"h\xe0s\xf4.pdf")  # Latin-1 bytes from an old Windows disk
    odd.write_bytes(b"x")
    found = delivered_pdfs(tmp_path)
    assert [d.name for d in found] == ["a/10.PDF", "a/9.pdf", "b/2.pdf", "h\ufffds\ufffd.pdf"]
    assert [d.n for d in found] == [1, 2, 3, 4] and found[3].path == odd
    assert inspect_pdf(pdfs.scan_pdf(tmp_path / os.fsdecode(b"\xe0.pdf"), 1)).pages == 1
