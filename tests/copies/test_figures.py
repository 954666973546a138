"""What the dashboard and the yearly report count: copies written and verified, files short of two
verified sets, files handed over."""

from __future__ import annotations

from pathlib import Path

from sync_server.domain.preservation.copies import write_copy
from sync_server.domain.preservation.figures import figures, unprotected_files
from sync_server.domain.preservation.handover import HandoverIn, create_handover, package
from sync_server.domain.preservation.verify import verify_copy
from tests.conftest import AGENCY_A
from tests.copies.conftest import Masters, add_set
from tests.exports.helpers import read_xlsx
from tests.web.conftest import web_login

FONDS = f"{AGENCY_A}/12"


def test_files_count_as_protected_once_verified_intact_on_two_sets_and_the_dashboard_says_so(
    masters: Masters, tmp_path: Path
) -> None:
    a, b = masters.add("45", "46")
    (late,) = masters.add("47")
    add_set(masters.archive, 1)
    add_set(masters.archive, 2)
    with masters.archive.session() as s:
        one = write_copy(s, masters.store, None, 1, [FONDS], tmp_path / "bo1", organization="TTLT")
        assert figures(s).masters == 3 and figures(s).protected == 0
        write_copy(s, masters.store, None, 2, [FONDS], tmp_path / "bo2", organization="TTLT")
        assert figures(s).copies_written == 2 and figures(s).copies_verified == 0
        verify_copy(s, None, tmp_path / "bo1")
        assert figures(s).protected == 0  # verified on one set only
        verify_copy(s, None, tmp_path / "bo2")
        f = figures(s)
        assert (f.copies_verified, f.protected, f.unprotected) == (2, 3, 0)

        next((tmp_path / "bo1" / "data").rglob("*.46.pdf")).write_bytes(b"damaged")
        verify_copy(s, None, tmp_path / "bo1")
        f = figures(s)
        assert (f.copies_written, f.copies_verified, f.protected, f.unprotected) == (2, 1, 2, 1)
        assert unprotected_files(s) == [(b, 1)]
        assert one.id is not None

        row = create_handover(s, masters.store, None, HandoverIn(fonds=[FONDS], recipient="Cục"))
        assert figures(s).handed_over == 0  # until its package is produced
        engine = masters.archive.app.state.engine
        b"".join(package(s, engine, masters.store, None, row.id, organization="TTLT").chunks())  # type: ignore[arg-type]
        assert figures(s).handed_over == 3
    assert late and a

    web = masters.archive.client
    assert web_login(web, "reviewer").status_code == 303
    page = web.get("/web/dashboard").text
    assert "Bản sao bảo hiểm và bàn giao" in page and "chưa có đủ 2 bộ sao nguyên vẹn (trên 3)" in page
    assert "Chưa chạy kiểm tra toàn vẹn" in page

    report = masters.archive.client.get(
        "/api/v1/exports/yearly_report/file", headers=masters.archive.auth("reviewer")
    )
    sheet = read_xlsx(report.content)["Bản sao, bàn giao"]
    rows = {r[1]: r for r in sheet.iter_rows(values_only=True) if r and r[1] == AGENCY_A}
    # accepted, on a copy, on two verified sets, handed over, pages handed over
    assert rows[AGENCY_A][3:8] == (3, 3, 2, 3, 6)
