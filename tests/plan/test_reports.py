"""Plan against done: per year 2026–2033 (dashboard figures, ``/plan/summary``) and per agency and
fonds in the yearly report, with files planned, scanned (a real ingest) and accepted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sync_server.domain.scans.ingest import ingest_folder
from sync_server.storage import LocalPhotoStore
from tests.conftest import AGENCY_A, AGENCY_B
from tests.exports.helpers import read_xlsx, run_job, table
from tests.plan.conftest import Survey
from tests.scans import pdfs

YEAR = dt.date.today().year


def test_plan_against_done_per_year_and_per_fonds(survey: Survey, tmp_path: Path) -> None:
    scanned = survey.file("1", pages=2)
    later = survey.file("2", pages=20)
    other = survey.file("5", agency=AGENCY_B, fonds="1", leaves=5, pages=None)  # 10 pages by its leaves
    survey.file("6", fonds="13", pages=4)
    assert survey.freeze().status_code == 201
    h = survey.auth("reviewer")
    assert (
        survey.client.post(
            "/api/v1/plan/apply", json={"capacity": 1000, "from_year": YEAR}, headers=h
        ).status_code
        == 200
    )
    fonds_13 = survey.fonds[(AGENCY_A, "13")]["id"]
    moves = (({"ids": [later]}, YEAR + 1), ({"fonds_id": fonds_13}, YEAR + 2))
    for target, year in moves:
        assert (
            survey.client.post("/api/v1/plan/move", json={**target, "year": year}, headers=h).status_code
            == 200
        )

    delivery = tmp_path / "giao-nop"
    pdfs.scan_pdf(delivery / AGENCY_A / "12" / "3" / "1.pdf", 2, 300)
    with survey.session() as s:
        run = ingest_folder(s, LocalPhotoStore(tmp_path / "masters"), delivery, None)
        assert run.stored == 1
    assert (
        survey.client.post("/api/v1/digitization", json={"ids": [scanned, other]}, headers=h).status_code
        == 200
    )

    summary = survey.client.get("/api/v1/plan/summary", headers=h).json()
    years = {y["year"]: y for y in summary["years"]}
    assert list(years) == list(range(2026, 2034))
    this = years[YEAR]
    assert (this["planned_files"], this["planned_pages"]) == (2, 12)
    assert (this["scanned_files"], this["scanned_pages"]) == (1, 2)
    assert (this["accepted_files"], this["accepted_pages"]) == (2, 2)  # the other has no master, no pages
    assert (years[YEAR + 1]["planned_files"], years[YEAR + 1]["planned_pages"]) == (1, 20)
    assert summary["total"]["planned_files"] == 4 and summary["total"]["planned_pages"] == 36

    wb = read_xlsx(run_job(survey.client, h, "yearly_report", year=YEAR))
    _, rows = table(wb["Kế hoạch số hóa"], 3)
    by_year = {r["Năm"].value: [c.value for c in list(r.values())[1:]] for r in rows}
    assert by_year[YEAR] == [2, 12, 1, 2, 2, 2, 16.7]
    assert by_year[YEAR + 2] == [1, 4, 0, 0, 0, 0, 0.0]

    headers, rows = table(wb["Số hóa theo phông"], 3)
    assert headers[5:9] == [
        f"Số hồ sơ kế hoạch (năm {YEAR})",
        f"Số trang kế hoạch (năm {YEAR})",
        "Số hồ sơ kế hoạch (lũy kế)",
        "Số trang kế hoạch (lũy kế)",
    ]
    figures = {
        (r["Mã cơ quan"].value, r["Số phông"].value): [c.value for c in list(r.values())[5:]] for r in rows
    }
    assert figures == {
        (AGENCY_A, "12"): [1, 2, 2, 22, 1, 2, 1, 2, 1, 2, 1, 2],
        (AGENCY_A, "13"): [0, 0, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0],
        (AGENCY_B, "1"): [1, 10, 1, 10, 0, 0, 0, 0, 1, 0, 1, 0],
    }
