"""fixity: every stored master re-hashed where it is kept; a flipped bit or a missing S3 object is
reported loudly (exit code, an ERROR line, the figures the dashboard shows) and never repaired."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import bagit
import boto3
import pytest
from sqlalchemy import select

from common.vocab import CheckResult
from sync_server.__main__ import main
from sync_server.config import Settings
from sync_server.domain.preservation import figures, fixity
from sync_server.domain.preservation.copies import write_copy
from sync_server.models import FixityCheck, FixityRun
from sync_server.storage import LocalPhotoStore
from sync_server.storage.s3 import S3PhotoStore
from tests.conftest import AGENCY_A
from tests.copies.conftest import Masters, add_set
from tests.scans.conftest import Archive


def _flip(path: Path, at: int) -> bytes:
    data = path.read_bytes()
    changed = bytearray(data)
    changed[at] ^= 0x04
    path.write_bytes(bytes(changed))
    return data


def test_a_bit_flipped_in_a_stored_master_is_reported_by_the_next_fixity_run(
    archive: Archive,
    delivery: Path,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = LocalPhotoStore(settings.master_dir)  # type: ignore[arg-type]
    _, b, _ = Masters(archive, delivery, store).add("45", "46", "47")
    monkeypatch.setenv("SAOLUU_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    assert main(["fixity"]) == 0
    assert "[3/3]" in capsys.readouterr().out

    sha = archive.state(b).master_sha256  # type: ignore[union-attr]
    assert sha is not None
    original = _flip(store.path(sha), 5000)
    caplog.clear()
    assert main(["fixity", "--quiet"]) == 1
    errors = [
        r.getMessage() for r in caplog.records if r.levelno == logging.ERROR and r.name == "saoluu.fixity"
    ]
    assert any(sha in e and "mismatch" in e for e in errors), errors
    assert "có vấn đề / problems 1" in capsys.readouterr().out
    with archive.session() as s:
        latest = s.execute(select(FixityRun).order_by(FixityRun.id.desc())).scalars().first()
        assert latest is not None and (latest.total, latest.ok, latest.problems) == (3, 2, 1)
        (bad,) = fixity.latest_problems(s)
        assert (bad.sha256, bad.result) == (sha, CheckResult.MISMATCH.value) and bad.found not in (None, sha)
        assert figures.figures(s).fixity_problems == 1
    assert store.path(sha).read_bytes() != original  # reported, never repaired

    store.path(sha).write_bytes(original)  # staff restore it from a copy: the next run clears it
    assert main(["fixity", "--quiet"]) == 0
    with archive.session() as s:
        assert figures.figures(s).fixity_problems == 0 and fixity.latest_problems(s) == []
        assert s.execute(select(FixityCheck).where(FixityCheck.result != "ok")).scalars().one().sha256 == sha


def test_a_copy_reads_masters_from_s3_and_a_missing_s3_object_is_reported(
    archive: Archive,
    delivery: Path,
    tmp_path: Path,
    s3_endpoint: str,
    s3_bucket: str,
    s3_client: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = S3PhotoStore(
        boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1"), s3_bucket, "masters/"
    )
    a, b = Masters(archive, delivery, store).add("45", "46")
    sha_a, sha_b = (archive.state(r).master_sha256 for r in (a, b))  # type: ignore[union-attr]
    add_set(archive, 1)
    with archive.session() as s:  # a copy read from the bucket is a valid bag of the same bytes
        copy = write_copy(s, store, None, 1, [f"{AGENCY_A}/12"], tmp_path / "bo-1", organization="TTLT")
    assert copy.state == "written"
    bagit.Bag(str(tmp_path / "bo-1")).validate()
    s3_client.delete_object(Bucket=s3_bucket, Key=f"masters/{sha_b[:2]}/{sha_b}")  # type: ignore[index]
    with archive.session() as s:
        run = fixity.run_fixity(s, store, None)
        assert (run.total, run.ok, run.problems) == (2, 1, 1)
        results = {c.sha256: c.result for c in s.execute(select(FixityCheck)).scalars()}
    assert results == {sha_a: "ok", sha_b: "missing"}
    assert any(sha_b in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)
