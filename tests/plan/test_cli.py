"""The command line of the digitization phase: freeze a list with its decision and annex, suggest and
apply the plan, list boxes out too long; and a digitization operator's ingest."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from sync_server.__main__ import main
from sync_server.config import Settings
from sync_server.models import FileDigitization
from tests.conftest import AGENCY_A
from tests.exports.helpers import read_xlsx, table
from tests.plan.conftest import SIGNED_PDF, Survey
from tests.scans import pdfs


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Commands run in this process against the test's database (as ``python -m sync_server``)."""
    monkeypatch.setenv("SAOLUU_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    return settings


def test_approve_list_then_plan_suggest_and_apply(
    survey: Survey, cli: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    urgent = survey.file("1", pages=30, damages=[{"type": "mould", "severity": 4}])
    calm = survey.file("2", pages=30)
    scan = tmp_path / "qd-125.pdf"
    scan.write_bytes(SIGNED_PDF)
    annex = tmp_path / "phu-luc.xlsx"
    approve = ["approve-list", "--campaign", survey.campaign, "--decision-number", "125/QĐ-SNV"]
    approve += [
        "--decision-date",
        "2026-12-01",
        "--signer",
        "Nguyễn Văn Bình",
        "--signer-position",
        "Giám đốc",
    ]
    assert main([*approve, "--scan", str(scan), "--annex", str(annex), "--user", "reviewer"]) == 0
    assert "Danh mục số / list 1: 2 hồ sơ / files, 60 trang / pages" in capsys.readouterr().out
    _, rows = table(read_xlsx(annex.read_bytes())[AGENCY_A], 3)
    assert [r["Hồ sơ số"].value for r in rows] == ["1", "2"]
    assert main([*approve, "--scan", str(scan), "--user", "reviewer"]) == 2  # nothing left to freeze
    assert "Không còn hồ sơ" in capsys.readouterr().err
    assert main([*approve, "--scan", str(scan), "--user", "operator"]) == 2  # not theirs to approve
    again = tmp_path / "lai.xlsx"
    assert main(["list-annex", "1", str(again), "--user", "admin"]) == 0 and again.stat().st_size > 0
    assert main(["list-annex", "9", str(tmp_path / "none.xlsx"), "--user", "admin"]) == 2
    assert not (tmp_path / "none.xlsx").exists()
    capsys.readouterr()

    out = tmp_path / "de-xuat.csv"
    suggest = ["plan-suggest", "--capacity", "40", "--from-year", "2026", "--year-capacity", "2027=100"]
    assert main([*suggest, "--out", str(out), "--user", "reviewer"]) == 0
    printed = capsys.readouterr().out
    assert "nothing written" in printed
    with open(out, encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0][:3] == ["Thứ tự", "Năm", "Mã cơ quan"]
    assert [(r[0], r[1], r[5], r[-1]) for r in lines[1:]] == [
        ("1", "2026", "1", urgent),
        ("2", "2027", "2", calm),
    ]
    assert lines[1][7].startswith("Rất nặng, nguy cơ mất thông tin (4/4)")
    with survey.session() as s:
        assert s.execute(select(FileDigitization)).first() is None

    assert main([*suggest, "--apply", "--user", "reviewer"]) == 0
    assert "applied" in capsys.readouterr().out
    with survey.session() as s:
        years = {r.record_id: r.plan_year for r in s.execute(select(FileDigitization)).scalars()}
    assert years == {urgent: 2026, calm: 2027}
    assert main(["plan-suggest", "--capacity", "10", "--user", "operator"]) == 2

    assert main(["boxes-overdue", "--days", "30", "--user", "operator"]) == 0
    assert "0 hộp giao đi quá 30 ngày" in capsys.readouterr().out


def test_a_digitization_operator_may_ingest_masters(survey: Survey, cli: Settings, tmp_path: Path) -> None:
    survey.file("45", pages=2)
    delivery = tmp_path / "giao-nop"
    pdfs.scan_pdf(delivery / AGENCY_A / "12" / "3" / "45.pdf", 2, 300)
    report = tmp_path / "bao-cao.csv"
    assert main(["ingest-scans", str(delivery), "--user", "operator", "--report", str(report)]) == 0
    assert main(["ingest-scans", str(delivery), "--user", "surveyor_a"]) == 2
