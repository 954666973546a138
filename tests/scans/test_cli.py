"""``python -m sync_server ingest-scans DIR`` as an operator runs it, and killed midway."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from sync_server.__main__ import main
from sync_server.config import Settings
from sync_server.models import FileDigitization, IngestItem, IngestRun, ScanMaster
from sync_server.storage import LocalPhotoStore
from tests.conftest import AGENCY_A
from tests.scans import pdfs
from tests.scans.conftest import Archive, blobs

A = AGENCY_A


def _command(settings: Settings, *args: str) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "SAOLUU_DATA_DIR": str(settings.data_dir), "DATABASE_URL": settings.database_url}
    return [sys.executable, "-m", "sync_server", "ingest-scans", *args], env


def test_cli_prints_progress_writes_the_report_and_says_in_its_exit_code_whether_anything_was_refused(
    archive: Archive,
    delivery: Path,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    archive.file("45", pages=2)
    archive.file("46", pages=2)
    pdfs.scan_pdf(delivery / A / "12" / "3" / "45.pdf", 2, 300)
    pdfs.scan_pdf(delivery / A / "12" / "3" / "46.pdf", 2, 150)
    report = tmp_path / "bao-cao.csv"
    cmd, env = _command(settings, str(delivery), "--report", str(report), "--user", "reviewer")
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr  # one PDF was refused
    assert f"[1/2] {A}/12/3/45.pdf: Đã nhận — 2 tr., 300 ppi" in done.stdout
    assert "từ chối / refused 1" in done.stdout and str(report) in done.stdout
    with open(report, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:4] == ["STT", "Tệp PDF", "Kết quả", "Lý do, ghi chú"]
    assert [r[2] for r in rows[1:]] == ["Đã nhận", "Từ chối"]
    assert rows[2][3].startswith("Trang 1 có độ phân giải 150 ppi")
    with archive.session() as s:
        run = s.execute(select(IngestRun)).scalars().one()
        assert run.user_id is not None  # --user: who took the delivery in

    # the same command again, in this process (starting Python costs seconds on a busy machine)
    monkeypatch.setenv("SAOLUU_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    (delivery / A / "12" / "3" / "46.pdf").unlink()
    assert main(["ingest-scans", str(delivery)]) == 0  # only "already held" this time
    out = capsys.readouterr().out
    assert "Đã có, bỏ qua" in out and str(settings.data_dir / "scan-reports") in out
    assert main(["ingest-scans", str(tmp_path / "nowhere")]) == 2
    assert main(["ingest-scans", str(delivery), "--user", "surveyor_a"]) == 2  # not allowed to
    assert "không có quyền" in capsys.readouterr().err


def test_an_ingest_killed_midway_leaves_no_row_without_its_master_and_a_rerun_completes(
    archive: Archive, delivery: Path, settings: Settings
) -> None:
    count = 12
    page = pdfs.page_jpeg(300, 0, (5.8, 8.3))  # A5 at 300 ppi: copies of ~10 MB take a while
    for n in range(1, count + 1):
        archive.file(str(n))
        pdfs.pages_pdf(delivery / A / "12" / "3" / f"{n}.pdf", [pdfs.page_jpeg(300, n), *[page] * 9])
    store = LocalPhotoStore(settings.master_dir)  # type: ignore[arg-type]
    incoming = store.root / ".incoming"
    cmd, env = _command(settings, str(delivery))
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        caught = _wait_for_a_copy_under_way(incoming, proc)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert caught, "the run ended before a copy could be caught under way"

    with Session(archive.app.state.engine) as s:
        killed = s.execute(select(IngestRun)).scalars().one()
        assert killed.finished_at is None and killed.stored < count
        _assert_every_master_is_stored(s, store)

    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    with Session(archive.app.state.engine) as s:
        rerun = s.execute(select(IngestRun).where(IngestRun.id != killed.id)).scalars().one()
        assert (rerun.stored + rerun.held, rerun.refused, rerun.held) == (count, 0, killed.stored)
        assert s.execute(select(func.count()).select_from(FileDigitization)).scalar() == count
        _assert_every_master_is_stored(s, store)
        outcomes = s.execute(select(IngestItem.outcome).where(IngestItem.run_id == rerun.id)).scalars().all()
        assert set(outcomes) <= {"stored", "held"}


def _wait_for_a_copy_under_way(incoming: Path, proc: subprocess.Popen[bytes]) -> bool:
    """True once an incoming copy exists (a PDF is being copied); False if the run ended first."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if any(incoming.iterdir()):
                return True
        except FileNotFoundError:
            pass
        time.sleep(0.002)  # a poll interval: the copy window lasts tens of milliseconds
    return False


def _assert_every_master_is_stored(session: Session, store: LocalPhotoStore) -> None:
    held = blobs(store)
    pointed = set(session.execute(select(FileDigitization.master_sha256)).scalars())
    assert pointed <= held
    assert set(session.execute(select(ScanMaster.sha256)).scalars()) <= held
    for sha in pointed:
        assert store.size(sha) == session.get(ScanMaster, sha).size  # type: ignore[union-attr]
