"""Box label sheets: every QR code printed in the PDF decodes back to its box's code, and the label's
text (agency and fonds names with their Vietnamese letters) can be read back out of the PDF."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from common.boxcode import parse_box_code, qr_payload
from common.labels import LAYOUTS
from tests.browser import artifacts_dir
from tests.conftest import AGENCY_A, AGENCY_B
from tests.exports.helpers import add_box, add_fonds, run_job
from tests.pdfs import page_sizes, page_texts, qr_codes
from tests.pdfs import render as render_pages

A4_POINTS = (595.3, 841.9)


def render(pdf: bytes) -> list[Image.Image]:
    assert all(abs(w - A4_POINTS[0]) < 0.5 and abs(h - A4_POINTS[1]) < 0.5 for w, h in page_sizes(pdf))
    return render_pages(pdf)


def _seed(client: TestClient, auth: Any) -> dict[str, list[str]]:
    a, b = auth("surveyor_a"), auth("surveyor_b")
    f12 = add_fonds(client, a, AGENCY_A, "12")
    f2 = add_fonds(
        client, a, AGENCY_A, "2", name="Phông Sở Giáo dục – Đào tạo tỉnh Quảng Nam – Đà Nẵng (1976–1997)"
    )
    fb = add_fonds(client, b, AGENCY_B, "5")
    boxes_a = [add_box(client, a, AGENCY_A, f12, str(n)) for n in range(1, 17)]
    boxes_a.append(add_box(client, a, AGENCY_A, f2, "3", inventory=None))
    boxes_b = [add_box(client, b, AGENCY_B, fb, "1")]
    return {
        "a": [x["code"] for x in boxes_a],
        "a_ids": [x["id"] for x in boxes_a],
        "b": [x["code"] for x in boxes_b],
        "f12": [f12["id"]],
    }


def test_every_qr_in_the_label_pdf_decodes_to_its_box(client: TestClient, auth: Any) -> None:
    seeded = _seed(client, auth)
    pdf = run_job(client, auth("reviewer"), "labels", agency_code=AGENCY_A)
    assert pdf.startswith(b"%PDF-")
    pages = render(pdf)
    per_page = LAYOUTS["2x7"].per_page
    assert len(pages) == -(-len(seeded["a"]) // per_page) == 2
    found = qr_codes(pages)
    assert [len(p) for p in found] == [14, 3]
    payloads = [text for page in found for text in page]
    assert sorted(payloads) == sorted(qr_payload(code) for code in seeded["a"])
    assert all(parse_box_code(p) for p in payloads)
    text = " ".join(page_texts(pdf))
    assert text.count("Sở Nội vụ") == 17  # every label names its agency and its fonds, diacritics intact
    assert text.count("Phông 12: Phông Ủy ban hành chính tỉnh Quảng Nam") == 16
    assert text.count("Phông 2: Phông Sở Giáo dục – Đào tạo tỉnh Quảng Nam – Đà Nẵng (1976–1997)") == 1
    assert "Mục lục 3 · Hộp 0001" in text and "000.00.01.H47-P2-H0003" in text
    pages[0].save(artifacts_dir("exports") / "labels-2x7-page1.png")


def test_labels_of_chosen_boxes_in_the_large_layout(client: TestClient, auth: Any) -> None:
    seeded = _seed(client, auth)
    chosen = seeded["a_ids"][:3] + seeded["a_ids"][-1:]
    r = client.get(
        "/api/v1/exports/labels/file",
        params={"box_ids": chosen, "layout": "2x4"},
        headers=auth("reviewer"),
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    pages = render(r.content)
    found = qr_codes(pages)
    assert len(found) == 1
    expected = [qr_payload(c) for c in seeded["a"][:3] + seeded["a"][-1:]]
    assert sorted(found[0]) == sorted(expected)
    pages[0].save(artifacts_dir("exports") / "labels-2x4-page1.png")


def test_agency_head_gets_only_own_boxes(client: TestClient, auth: Any) -> None:
    seeded = _seed(client, auth)
    h = auth("head_b")
    r = client.get("/api/v1/exports/labels/file", headers=h)
    assert r.status_code == 200
    assert qr_codes(render(r.content)) == [[qr_payload(c) for c in seeded["b"]]]
    # B's head naming A's boxes gets none of them
    r = client.get("/api/v1/exports/labels/file", params={"box_ids": seeded["a_ids"][:2]}, headers=h)
    assert qr_codes(render(r.content)) == [[]]
    assert client.get(f"/api/v1/exports/labels/file?agency_code={AGENCY_A}", headers=h).status_code == 403


def test_fonds_filter_and_empty_selection(client: TestClient, auth: Any) -> None:
    seeded = _seed(client, auth)
    h = auth("reviewer")
    r = client.get("/api/v1/exports/labels/file", params={"fonds_id": seeded["f12"][0]}, headers=h)
    assert sum(len(p) for p in qr_codes(render(r.content))) == 16
    r = client.get("/api/v1/exports/labels/file", params={"agency_code": "000.00.00.H47"}, headers=h)
    assert r.status_code == 200
    assert qr_codes(render(r.content)) == [[]]  # one page saying there is nothing to print


def test_the_tablets_sheet_is_one_of_the_web_layouts(client: TestClient, auth: Any) -> None:
    _seed(client, auth)
    h = auth("reviewer")
    layouts = client.get("/api/v1/exports/label-layouts", headers=h).json()
    assert [(x["name"], x["per_page"]) for x in layouts] == [("3x7", 21), ("2x7", 14), ("2x4", 8)]
    params = {"agency_code": AGENCY_A, "layout": "3x7"}
    r = client.get("/api/v1/exports/labels/file", params=params, headers=h)
    assert r.status_code == 200, r.text
    assert [len(p) for p in qr_codes(render(r.content))] == [17]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_layouts_fit_on_a4(layout: str) -> None:
    x = LAYOUTS[layout]
    assert x.left + (x.cols - 1) * x.pitch_x + x.width <= 210
    assert x.top + (x.rows - 1) * x.pitch_y + x.height <= 297
