"""The commands as an operator runs them: write-copy killed midway, verify-copy, handover."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import bagit
import pytest
from openpyxl import load_workbook

from sync_server.__main__ import main
from sync_server.config import Settings
from sync_server.storage import LocalPhotoStore
from tests.conftest import AGENCY_A
from tests.copies.conftest import Masters
from tests.scans import pdfs
from tests.scans.conftest import Archive


def _env(settings: Settings) -> dict[str, str]:
    return {**os.environ, "SAOLUU_DATA_DIR": str(settings.data_dir), "DATABASE_URL": settings.database_url}


def _in_process(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAOLUU_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DATABASE_URL", settings.database_url)


def test_a_copy_killed_midway_is_reported_incomplete_by_verify_copy(
    archive: Archive,
    delivery: Path,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    masters = Masters(archive, delivery, LocalPhotoStore(settings.master_dir))  # type: ignore[arg-type]
    page = pdfs.page_jpeg(300, 0, (5.8, 8.3))  # A5 at 300 ppi: ~1 MB a page
    count = 8
    for n in range(1, count + 1):
        archive.file(str(n), pages=12)
        pdfs.pages_pdf(delivery / AGENCY_A / "12" / "3" / f"{n}.pdf", [pdfs.page_jpeg(300, n), *[page] * 11])
    run, _ = archive.ingest(delivery, masters.store)
    assert run.stored == count
    masters.accept(*(r.record_id for r in _records(archive)))
    _in_process(settings, monkeypatch)
    assert (
        main(
            ["add-copy-set", "1", "--name", "Bộ 1 — ổ cứng, kho A", "--medium", "hdd", "--location", "Kho A"]
        )
        == 0
    )

    target = tmp_path / "media" / "bo-1"
    cmd = [
        sys.executable,
        "-m",
        "sync_server",
        "write-copy",
        str(target),
        "--set",
        "1",
        "--fonds",
        f"{AGENCY_A}/12",
    ]
    proc = subprocess.Popen(cmd, env=_env(settings), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        caught = _wait_for_a_master_written(target / "data", proc)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert caught, "the copy ended before it could be caught midway"
    assert not (target / "bagit.txt").exists()

    capsys.readouterr()
    assert main(["verify-copy", str(target)]) == 1
    captured = capsys.readouterr()
    assert "Bản sao chưa hoàn chỉnh / Incomplete copy" in captured.out
    assert "bị dừng giữa chừng" in captured.err

    done = tmp_path / "media" / "bo-1-lai"  # written again, to the end this time
    assert main(["write-copy", str(done), "--set", "1"]) == 0
    bagit.Bag(str(done)).validate()
    assert main(["verify-copy", str(done)]) == 0
    assert "Nguyên vẹn / Intact" in capsys.readouterr().out


def _records(archive: Archive) -> list:  # type: ignore[type-arg]
    from sqlalchemy import select

    from sync_server.models import FileDigitization

    with archive.session() as s:
        return list(s.execute(select(FileDigitization)).scalars())


def _wait_for_a_master_written(data: Path, proc: subprocess.Popen[bytes]) -> bool:
    """True once a master is in the copy's folder; False if the command ended first."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if data.is_dir() and any(data.rglob("*.pdf")):
            return True
        time.sleep(0.002)  # a poll interval: copying eight masters takes about a second
    return False


def test_handover_is_refused_listing_what_is_missing_or_partial_with_its_package_and_minutes(
    archive: Archive,
    delivery: Path,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    masters = Masters(archive, delivery, LocalPhotoStore(settings.master_dir))  # type: ignore[arg-type]
    masters.add("45")
    masters.add("46", accept=False)
    _in_process(settings, monkeypatch)
    args = ["handover", "--fonds", f"{AGENCY_A}/12", "--recipient", "Cục Văn thư và Lưu trữ nhà nước"]
    out, minutes = tmp_path / "goi.tar", tmp_path / "bien-ban.xlsx"
    assert main([*args, "--out", str(out)]) == 1
    assert f"{AGENCY_A}.12.3.46: Hồ sơ {AGENCY_A}.12.3.46 chưa nghiệm thu" in capsys.readouterr().err
    assert not out.exists()

    assert main([*args, "--partial", "--number", "02/BB", "--out", str(out), "--minutes", str(minutes)]) == 0
    assert "một phần" in capsys.readouterr().err
    with tarfile.open(out) as tar:
        tar.extractall(tmp_path / "x", filter="data")
    bagit.Bag(str(tmp_path / "x" / "02-BB")).validate()
    rows = list(load_workbook(minutes).active.iter_rows(values_only=True))
    assert rows[0][0].startswith("BIÊN BẢN BÀN GIAO") and any("một phần" in str(r[0]) for r in rows)


def test_the_fixity_timer_runs_a_command_this_version_has() -> None:
    from sync_server.__main__ import build_parser

    unit = (Path(__file__).parents[2] / "build" / "deploy" / "saoluu-fixity.service").read_text()
    (command,) = [line for line in unit.splitlines() if line.startswith("ExecStart=")]
    args = command.split(" -m sync_server ", 1)[1].split()
    assert build_parser().parse_args(args).func.__name__ == "cmd_fixity"
    timer = (Path(__file__).parents[2] / "build" / "deploy" / "saoluu-fixity.timer").read_text()
    assert "OnCalendar=" in timer and "Persistent=true" in timer
