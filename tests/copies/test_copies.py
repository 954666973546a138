"""write-copy and verify-copy: accepted masters written to a set as a BagIt bag, checked by bagit's
own validator, re-hashed against the manifest, and every failure reported."""

from __future__ import annotations

import hashlib
from pathlib import Path

import bagit
import pytest
from sqlalchemy import select

from common.errors import ValidationFailed
from common.vocab import CheckResult, CopyState
from sync_server.domain.preservation.copies import write_copy
from sync_server.domain.preservation.verify import verify_copy
from sync_server.models import AuditLog, CopyCheck, CopyItem, CopyWrite
from tests.conftest import AGENCY_A
from tests.copies.conftest import Masters, add_set

FONDS = f"{AGENCY_A}/12"


def _write(masters: Masters, target: Path, number: int = 1, fonds: list[str] | None = None) -> CopyWrite:
    with masters.archive.session() as s:
        return write_copy(s, masters.store, None, number, fonds or [FONDS], target, organization="TTLT")


def _verify(masters: Masters, target: Path) -> CopyCheck:
    with masters.archive.session() as s:
        return verify_copy(s, None, target)


def test_a_copy_is_a_valid_bag_of_the_accepted_masters_named_by_file_code_and_verifies_intact(
    masters: Masters, tmp_path: Path
) -> None:
    a, b = masters.add("45", "46")
    masters.add("47", accept=False)  # scanned, not accepted: not copied
    add_set(masters.archive, 1)
    target = tmp_path / "bo-1" / "2027-03"

    written = _write(masters, target)
    assert (written.state, written.files) == (CopyState.WRITTEN.value, 2)
    bagit.Bag(str(target)).validate()  # bagit's own validator: structure, oxum, every checksum
    names = sorted(p.relative_to(target).as_posix() for p in (target / "data").rglob("*.pdf"))
    assert names == [
        f"data/{AGENCY_A}.12/{AGENCY_A}.12.3.45.pdf",
        f"data/{AGENCY_A}.12/{AGENCY_A}.12.3.46.pdf",
    ]
    info = bagit.Bag(str(target)).info
    assert info["Source-Organization"] == "TTLT" and info["SaoLuu-Copy-Write"] == str(written.id)
    with masters.archive.session() as s:
        items = {i.record_id: i for i in s.execute(select(CopyItem)).scalars()}
        assert set(items) == {a, b} and all(i.result is None for i in items.values())
        for rid, item in items.items():
            master = masters.archive.state(rid)
            assert master is not None and item.sha256 == master.master_sha256
            assert hashlib.sha256((target / item.path).read_bytes()).hexdigest() == item.sha256

    check = _verify(masters, target)
    assert (check.result, check.files) == (CheckResult.OK.value, 7)  # 2 masters, 2 metadata, 3 tag files
    with masters.archive.session() as s:
        assert {i.result for i in s.execute(select(CopyItem)).scalars()} == {"ok"}
        actions = (
            s.execute(select(AuditLog.action).where(AuditLog.entity_type == "copy_write")).scalars().all()
        )
        assert actions == ["write:start", "write", "verify"]


def test_a_flipped_bit_a_missing_file_and_an_interrupted_copy_are_each_reported(
    masters: Masters, tmp_path: Path
) -> None:
    masters.add("45", "46")
    add_set(masters.archive, 1)
    first, second = tmp_path / "c1", tmp_path / "c2"
    _write(masters, first)
    _write(masters, second)

    pdf = next((first / "data").rglob("*.45.pdf"))
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    flipped = _verify(masters, first)
    assert flipped.result == CheckResult.MISMATCH.value
    assert [p["reason"] for p in flipped.problems or []] == ["copy_file_mismatch"]
    assert not bagit.Bag(str(first)).is_valid()

    next((second / "data").rglob("*.46.pdf")).unlink()
    missing = _verify(masters, second)
    assert missing.result == CheckResult.INCOMPLETE.value
    assert "copy_file_missing" in [p["reason"] for p in missing.problems or []]
    with masters.archive.session() as s:
        results = {
            (i.write_id, i.path.rsplit(".", 2)[-2]): i.result for i in s.execute(select(CopyItem)).scalars()
        }
    assert sorted(results.values()) == ["mismatch", "missing", "ok", "ok"]

    # interrupted: the tags were never written (a killed process leaves the row "running")
    third = tmp_path / "c3"
    copy = _write(masters, third)
    for name in ("bagit.txt", "tagmanifest-sha256.txt", "bag-info.txt"):
        (third / name).unlink()
    with masters.archive.session() as s:
        row = s.get(CopyWrite, copy.id)
        assert row is not None
        row.state, row.finished_at = CopyState.RUNNING.value, None
        s.add(row)
        s.commit()
    interrupted = _verify(masters, third)
    assert interrupted.result == CheckResult.INCOMPLETE.value
    assert [p["reason"] for p in interrupted.problems or []] == ["copy_interrupted"]


def test_a_copy_needs_an_empty_folder_a_known_set_and_accepted_masters(
    masters: Masters, tmp_path: Path
) -> None:
    masters.add("45", accept=False)
    add_set(masters.archive, 1)
    with pytest.raises(ValidationFailed) as nothing:
        _write(masters, tmp_path / "x")
    assert nothing.value.details[0].reason == "copy_nothing"
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "a.txt").write_text("x")
    masters.add("46")
    with pytest.raises(ValidationFailed) as busy:
        _write(masters, tmp_path / "busy")
    assert busy.value.details[0].reason == "copy_target_not_empty"
