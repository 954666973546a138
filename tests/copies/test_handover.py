"""Handovers: refused while a fonds has files not accepted (or explicitly partial), the package a
BagIt bag streamed as a tar (validated by bagit once unpacked), its SHA-256 and minutes recorded."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import bagit
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from common import circular02 as c02
from common.errors import SaoLuuError
from sync_server.domain.preservation.handover import HandoverIn, PackageBroken, create_handover, package
from sync_server.domain.preservation.minutes import write_minutes
from sync_server.models import Handover, HandoverItem
from tests.conftest import AGENCY_A
from tests.copies.conftest import Masters

FONDS = f"{AGENCY_A}/12"


def _hand_over(masters: Masters, **extra: object) -> Handover:
    data = HandoverIn(fonds=[FONDS], recipient="Cục Văn thư và Lưu trữ nhà nước", **extra)  # type: ignore[arg-type]
    with masters.archive.session() as s:
        return create_handover(s, masters.store, None, data)


def _package_bytes(masters: Masters, handover_id: int) -> tuple[bytes, int]:
    app = masters.archive.app
    with masters.archive.session() as s:
        pkg = package(s, app.state.engine, masters.store, None, handover_id, organization="TTLT Quảng Nam")
    return b"".join(pkg.chunks()), pkg.size


def test_a_fonds_with_files_not_accepted_is_refused_with_their_list_or_handed_over_as_partial(
    masters: Masters,
) -> None:
    masters.add("45")
    masters.add("46", accept=False)  # scanned, awaiting its check
    masters.archive.file("47")  # approved, never scanned
    masters.archive.file("48", approve=False)  # not in the approved list: not expected at all
    with pytest.raises(SaoLuuError) as refused:
        _hand_over(masters)
    assert refused.value.code == "handover_incomplete"
    listed = {d.field: d.message.vi for d in refused.value.details}
    code = f"{AGENCY_A}.12.3"
    assert listed == {
        f"{code}.46": f"Hồ sơ {code}.46 chưa nghiệm thu bản số hóa (đang: Đã số hóa, chờ kiểm tra)",
        f"{code}.47": f"Hồ sơ {code}.47 chưa nghiệm thu bản số hóa (đang: chưa số hóa)",
    }
    with masters.archive.session() as s:
        assert s.execute(select(Handover)).first() is None

    partial = _hand_over(masters, partial=True, number="01/BB-TTLT")
    assert (partial.partial, partial.files, partial.missing, partial.number) == (True, 1, 2, "01/BB-TTLT")
    assert partial.fonds[0]["missing"] == 2 and partial.fonds[0]["pages"] == 2


def test_the_package_is_a_bagit_bag_streamed_as_a_tar_whose_sha256_is_recorded(
    masters: Masters, tmp_path: Path
) -> None:
    a, b = masters.add("45", "46", pages=3)
    masters.archive.client.put(
        f"/api/v1/records/file_record/{a}/metadata",
        json={"documents": 12, "keywords": "đê điều; thủy lợi", "info_sign": "TL-01"},
        headers=masters.archive.auth("reviewer"),
    )
    row = _hand_over(masters)
    assert (row.partial, row.files, row.pages, row.number) == (False, 2, 6, f"BG-{row.handed_on.year}-001")
    assert row.documents == 12 and row.package_sha256 is None

    data, size = _package_bytes(masters, row.id)  # type: ignore[arg-type]
    assert len(data) == size and size % 10240 == 0
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        names = tar.getnames()
        tar.extractall(tmp_path, filter="data")
    root = tmp_path / row.number
    assert names[-4:] == [
        f"{row.number}/{n}"
        for n in ("manifest-sha256.txt", "bag-info.txt", "tagmanifest-sha256.txt", "bagit.txt")
    ]
    found = bagit.Bag(str(root))
    found.validate()  # bagit's own validator over the unpacked tar
    assert found.info["External-Identifier"] == row.number
    assert found.info["Source-Organization"] == "TTLT Quảng Nam"
    assert found.info["Bagging-Date"] == row.handed_on.isoformat()
    assert found.info["Payload-Oxum"].endswith(".4")  # two masters, the catalogue, the JSON Lines
    assert sorted(p.name for p in (root / "data" / f"{AGENCY_A}.12").iterdir()) == [
        f"{AGENCY_A}.12.3.45.pdf",
        f"{AGENCY_A}.12.3.46.pdf",
    ]
    lines = [json.loads(x) for x in (root / "data" / "ho-so.jsonl").read_text(encoding="utf-8").splitlines()]
    assert list(lines[0]) == [f.vi for f in c02.PACKAGE_FIELDS]
    first = lines[0]
    assert first["Mã hồ sơ"] == f"{AGENCY_A}.12.3.45" and first["Tổng số văn bản trong hồ sơ"] == 12
    assert first["Từ khóa"] == "đê điều; thủy lợi" and first["Số lượng trang"] == 3
    assert first["Tệp bản số hóa"] == f"data/{AGENCY_A}.12/{AGENCY_A}.12.3.45.pdf"
    sheet = load_workbook(root / "data" / "danh-muc-ho-so.xlsx").active
    header = [c.value for c in next(sheet.iter_rows(min_row=3, max_row=3))]
    assert header == ["STT", *(f.vi for f in c02.PACKAGE_FIELDS)]

    with masters.archive.session() as s:
        recorded = s.get(Handover, row.id)
        assert recorded is not None and recorded.package_sha256 == hashlib.sha256(data).hexdigest()
        assert recorded.package_size == size
        assert {i.record_id for i in s.execute(select(HandoverItem)).scalars()} == {a, b}
    again, _ = _package_bytes(masters, row.id)  # type: ignore[arg-type]
    assert again == data  # every download is the same bytes

    minutes = tmp_path / "bien-ban.xlsx"
    write_minutes(recorded, "TTLT Quảng Nam", minutes)
    cells = [
        [c for c in r if c is not None] for r in load_workbook(minutes).active.iter_rows(values_only=True)
    ]
    assert cells[4][:3] == [1, AGENCY_A, "12"] and cells[4][-4:] == [2, 12, 6, 0]
    assert any(recorded.package_sha256 in str(c) for r in cells for c in r)


def test_a_master_changed_in_the_store_breaks_the_stream(masters: Masters) -> None:
    (rid,) = masters.add("45")
    row = _hand_over(masters)
    state = masters.archive.state(rid)
    assert state is not None and state.master_sha256 is not None
    path = masters.store.path(state.master_sha256)  # type: ignore[attr-defined]
    data = bytearray(path.read_bytes())
    data[100] ^= 0x80
    path.write_bytes(bytes(data))
    with pytest.raises(PackageBroken):
        _package_bytes(masters, row.id)  # type: ignore[arg-type]
    with masters.archive.session() as s:
        assert s.get(Handover, row.id).package_sha256 is None  # type: ignore[union-attr]
