"""Backups that are actually restored: the CLI backs up a live database and restores it elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from sync_server.models import AuditLog, FileRecord
from tests.api.records_data import file_record, fonds
from tests.conftest import AGENCY_A
from tests.faults.conftest import ROOT


def _cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "sync_server", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def _counts(url: str) -> tuple[int, int, str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            records = conn.execute(select(func.count()).select_from(FileRecord)).scalar_one()
            audit = conn.execute(select(func.count()).select_from(AuditLog)).scalar_one()
            title = conn.execute(select(FileRecord.title).order_by(FileRecord.id).limit(1)).scalar_one()  # type: ignore[arg-type]
            return records, audit, title
    finally:
        engine.dispose()


def test_backup_then_restore_into_an_empty_database(
    client: TestClient, auth, database_url: str, empty_database_url: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    if empty_database_url.startswith("sqlite") != database_url.startswith("sqlite"):
        pytest.skip("a backup restores into the same engine (a file copy or pg_dump), not across engines")
    h = auth("surveyor_a")
    f = fonds(AGENCY_A)
    assert client.post("/api/v1/records/fonds", json=f, headers=h).status_code == 201
    for i in range(5):
        rec = file_record(AGENCY_A, f["id"], file_no=str(i + 1), title=f"Hồ sơ mủn, ố vàng số {i + 1}")
        assert client.post("/api/v1/records/file_record", json=rec, headers=h).status_code == 201
    before = _counts(database_url)

    archive = tmp_path / "backup" / "saoluu.backup"
    done = _cli(database_url, "backup", str(archive))  # while the app (and its engine) is live
    assert done.returncode == 0, done.stderr
    assert archive.stat().st_size > 0

    done = _cli(empty_database_url, "restore", str(archive))
    assert done.returncode == 0, done.stderr
    assert _counts(empty_database_url) == before
    assert before[0] == 5 and "mủn" in before[2]
