"""Yearly report and handover catalogue: every figure read back equals the database's."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from common.vocab import Carrier, DamageType
from sync_server.domain.exports import yearly
from sync_server.domain.standing import ComplianceStatus
from sync_server.models import FileDamage, FileDigitization, FileRecord
from tests.conftest import AGENCY_A, AGENCY_B, PROVINCE
from tests.exports.helpers import add_campaign, add_file, add_fonds, add_nil_report, read_xlsx, run_job, table

HEADER_ROW = 3


def _seed(client: TestClient, auth: Any) -> dict[str, Any]:
    a = auth("surveyor_a")
    f12 = add_fonds(client, a, AGENCY_A, "12", shelf_metres=12.5)
    coll = add_fonds(client, a, AGENCY_A, "S1", name="Sưu tập tài liệu về dòng họ Phan", kind="collection")
    add_fonds(client, a, AGENCY_A, "30", shelf_metres=2.0)  # a fonds with nothing listed
    add_file(client, a, AGENCY_A, f12["id"], file_no="1", leaves=84)
    add_file(
        client,
        a,
        AGENCY_A,
        f12["id"],
        file_no="2",
        leaves=10,
        pages=3,
        carrier="maps",
        criteria=["permanent"],
        rare=True,
        damages=[{"type": "mould", "severity": 4, "readability": "difficult"}],
    )
    add_file(client, a, AGENCY_A, coll["id"], file_no="1", leaves=5, criteria=["collected"], damages=[])
    add_nil_report(client, auth("head_b"), AGENCY_B)
    return {"f12": f12, "coll": coll}


def _records(app: Any) -> list[FileRecord]:
    with Session(app.state.engine) as s:
        return list(s.exec(select(FileRecord).where(col(FileRecord.deleted).is_(False))).all())


def _digitized(app: Any) -> set[str]:
    """Ids of the files accepted as digitized."""
    with Session(app.state.engine) as s:
        rows = s.exec(select(FileDigitization).where(FileDigitization.state == "accepted")).all()
        return {d.record_id for d in rows}


def _digitize_the_file_with_pages(client: TestClient, auth: Any, app: Any) -> FileRecord:
    """The archive centre marks one file digitized (the one with pages), through the API."""
    done = next(r for r in _records(app) if r.pages)
    resp = client.post("/api/v1/digitization", json={"ids": [done.id]}, headers=auth("reviewer"))
    assert resp.status_code == 200 and resp.json() == {"changed": 1}, resp.text
    return done


def test_yearly_report_round_trip(client: TestClient, auth: Any, app: Any) -> None:
    _seed(client, auth)
    _digitize_the_file_with_pages(client, auth, app)
    wb = read_xlsx(run_job(client, auth("reviewer"), "yearly_report", year=2026))
    assert wb.sheetnames[:4] == ["Theo cơ quan", "Theo tiêu chí", "Theo vật mang tin", "Theo hư hỏng"]
    assert wb.sheetnames[4:] == ["Kế hoạch số hóa", "Số hóa theo phông", "Bản sao, bàn giao"]
    ws = wb["Theo cơ quan"]
    assert "NĂM 2026" in ws["A1"].value and "15/12/2026" in ws["A2"].value
    headers, rows = table(ws, HEADER_ROW)
    assert headers == [c.header for c in yearly.AGENCY_COLUMNS]
    by_code = {r["Mã cơ quan"].value: r for r in rows}
    assert set(by_code) == {PROVINCE, AGENCY_A, AGENCY_B}
    # A's files all await review: in progress, as the tracker says (not listed)
    assert by_code[AGENCY_A]["Tình hình báo cáo"].value == ComplianceStatus.IN_PROGRESS.vi
    assert by_code[AGENCY_B]["Tình hình báo cáo"].value == ComplianceStatus.NIL_REPORT.vi
    assert by_code[AGENCY_B]["Văn bản báo cáo"].value == "Số 15/BC-STC ngày 20/11/2026 (Chờ duyệt)"
    assert by_code[PROVINCE]["Tình hình báo cáo"].value == ComplianceStatus.NOT_VISITED.vi

    records, digitized = _records(app), _digitized(app)
    a = by_code[AGENCY_A]
    assert a["Số phông"].value == 3
    assert a["Mét giá"].value == 14.5
    assert a["Số hồ sơ"].value == len(records) == 3
    assert a["Số tờ"].value == sum(r.leaves or 0 for r in records) == 99
    assert a["Số trang"].value == 3
    assert a[f"Tiêu chí: {crit_label('rare')}"].value == 1
    assert a["Hồ sơ khó đọc: ưu tiên tu bổ, bảo quản trước khi số hóa"].value == 1
    assert a["Hồ sơ có hư hỏng"].value == sum(1 for r in records if r.max_severity) == 2
    assert a["Hồ sơ đã số hóa"].value == sum(1 for r in records if r.id in digitized) == 1
    assert a["Trang đã số hóa"].value == sum(r.pages or 0 for r in records if r.id in digitized) == 3
    assert by_code[AGENCY_B]["Hồ sơ đã số hóa"].value == 0
    for crit in ("permanent", "collected", "damaged", "rare"):
        header = next(h for h in headers if h and h.startswith("Tiêu chí") and crit_label(crit) in h)
        assert a[header].value == sum(1 for r in records if crit in r.criteria.split(","))
    total_row = ws.cell(HEADER_ROW + len(rows) + 1, 2)
    assert total_row.value == "Tổng cộng"
    assert ws.cell(HEADER_ROW + len(rows) + 1, headers.index("Số hồ sơ") + 1).value == 3
    note = ws.cell(HEADER_ROW + len(rows) + 3, 1).value
    assert note == (
        "Chưa khảo sát: 1 — Đang khảo sát: 1 — Trả lại để sửa: 0 — Đã lập danh mục: 0 — "
        "Báo cáo không có tài liệu: 1 (trên 3 cơ quan, đơn vị; đã báo cáo: 1)."
    )

    carriers = {r[0].value: r[1].value for r in wb["Theo vật mang tin"].iter_rows(min_row=HEADER_ROW + 1)}
    expected = Counter(r.carrier for r in records)
    for carrier in Carrier:
        assert carriers[carrier.vi] == expected.get(carrier.value, 0)
    assert carriers["Tổng cộng"] == 3

    with Session(app.state.engine) as s:
        damage = Counter((d.damage_type, d.severity) for d in s.exec(select(FileDamage)).all())
    dmg = wb["Theo hư hỏng"]
    matrix = {r[0].value: [c.value for c in r[1:6]] for r in dmg.iter_rows(min_row=HEADER_ROW + 1, max_col=6)}
    for kind in DamageType:
        row = [damage.get((kind.value, s), 0) for s in (1, 2, 3, 4)]
        assert matrix[kind.vi] == [*row, sum(row)], kind
    assert matrix["Nấm mốc"] == [0, 0, 0, 1, 1]
    assert matrix["Tổng cộng"][4] == sum(damage.values()) == 3

    crit_rows = {r[0].value: r[1].value for r in wb["Theo tiêu chí"].iter_rows(min_row=HEADER_ROW + 1)}
    assert crit_rows["Tài liệu quý, hiếm"] == 1
    assert crit_rows["Trong đó: hồ sơ khó đọc, ưu tiên tu bổ, bảo quản trước khi số hóa"] == 1
    assert crit_rows["Tài liệu có giá trị bảo quản vĩnh viễn"] == 2


def crit_label(code: str) -> str:
    from sync_server.domain.exports.wording import CRITERION

    return CRITERION[code]


def test_yearly_report_of_one_campaign(client: TestClient, auth: Any, app: Any) -> None:
    seeded = _seed(client, auth)
    campaign = add_campaign(app)
    add_file(client, auth("surveyor_a"), AGENCY_A, seeded["f12"]["id"], file_no="9", campaign_id=campaign)
    wb = read_xlsx(run_job(client, auth("reviewer"), "yearly_report", campaign_id=campaign))
    _, rows = table(wb["Theo cơ quan"], HEADER_ROW)
    by_code = {r["Mã cơ quan"].value: r for r in rows}
    assert by_code[AGENCY_A]["Số hồ sơ"].value == 1
    # its nil report has no campaign
    assert by_code[AGENCY_B]["Tình hình báo cáo"].value == ComplianceStatus.NOT_VISITED.vi


def test_handover_round_trip(client: TestClient, auth: Any, app: Any) -> None:
    seeded = _seed(client, auth)
    _digitize_the_file_with_pages(client, auth, app)
    wb = read_xlsx(run_job(client, auth("reviewer"), "handover"))
    ws = wb["Bàn giao"]
    _, rows = table(ws, HEADER_ROW)
    assert [(r["Loại"].value, r["Số phông"].value) for r in rows] == [
        ("Phông lưu trữ", "12"),
        ("Sưu tập lưu trữ", "S1"),
    ]
    records, digitized = _records(app), _digitized(app)
    for r in rows:
        fonds_id = seeded["f12" if r["Số phông"].value == "12" else "coll"]["id"]
        mine = [x for x in records if x.fonds_id == fonds_id]
        assert r["Số hồ sơ"].value == len(mine)
        assert r["Số tờ"].value == sum(x.leaves or 0 for x in mine)
        assert r["Số trang"].value == sum(x.pages or 0 for x in mine)
        assert r["Số hồ sơ đã duyệt"].value == 0
        assert r["Số hồ sơ đã số hóa"].value == sum(1 for x in mine if x.id in digitized)
        assert r["Số trang đã số hóa"].value == sum(x.pages or 0 for x in mine if x.id in digitized)
        assert r["Tên cơ quan, đơn vị"].value == "Sở Nội vụ"
    assert rows[0]["Thời gian"].value == "1976–1996"
    assert rows[0]["Mét giá"].value == 12.5
    tail = [[c.value for c in row] for row in ws.iter_rows(min_row=HEADER_ROW + 3)]
    assert [tail[0][3], *tail[0][8:14]] == ["Cộng: Phông lưu trữ", 2, 0, 94, 3, 1, 3]
    assert tail[-1][1] == "Tổng cộng" and tail[-1][8] == 3


def test_handover_for_agency_head_is_scoped(client: TestClient, auth: Any) -> None:
    _seed(client, auth)
    fb = add_fonds(client, auth("surveyor_b"), AGENCY_B, "5")
    add_file(client, auth("surveyor_b"), AGENCY_B, fb["id"])
    wb = read_xlsx(run_job(client, auth("head_b"), "handover"))
    _, rows = table(wb["Bàn giao"], HEADER_ROW)
    assert [r["Mã cơ quan"].value for r in rows] == [AGENCY_B]
    assert (
        dt.date.today().isoformat()
        in client.post("/api/v1/exports/handover/jobs", json={}, headers=auth("head_b")).json()["filename"]
    )
