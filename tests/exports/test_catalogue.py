"""Catalogue export round trip: records made through the API come back from the workbook as they are
in the database, in archival order, with real dates, Vietnamese labels and no live formulas."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from sync_server.domain.exports import catalogue
from sync_server.domain.exports.registry import kinds
from sync_server.models import FileRecord
from tests.conftest import AGENCY_A, AGENCY_B
from tests.exports.helpers import add_file, add_fonds, read_xlsx, run_job, table

HEADER_ROW = 3


def _seed(client: TestClient, auth: Any) -> dict[str, Any]:
    a, b = auth("surveyor_a"), auth("surveyor_b")
    f12 = add_fonds(client, a, AGENCY_A, "12")
    f2 = add_fonds(client, a, AGENCY_A, "2", name="=cmd|' /C calc'!A0")
    fb = add_fonds(client, b, AGENCY_B, "5")
    recs = {
        "damaged": add_file(client, a, AGENCY_A, f12["id"], file_no="10"),
        "formula": add_file(
            client,
            a,
            AGENCY_A,
            f12["id"],
            file_no="2",
            title='=HYPERLINK("http://evil.example","bấm vào đây")',
            start_date="1975",
            end_date="1976",
            leaves=None,
            pages=12,
            retention="years",
            retention_years=10,
            languages=["vi", "fr"],
            carrier="photo",
            criteria=["collected"],
            rare=True,  # as a tablet of protocol 1 still sends it: read as the rare criterion
            notes="+1 ghi chú",
            damages=[],
        ),
        "dash": add_file(
            client,
            a,
            AGENCY_A,
            f12["id"],
            file_no="1",
            box_no="7",
            title="-Tập tờ trình về việc thành lập tỉnh",
            start_date="1980-04-30",
            end_date=None,
            criteria=["permanent"],
            notes="@SUM(A1)",
            damages=[],
        ),
        "other_fonds": add_file(
            client,
            a,
            AGENCY_A,
            f2["id"],
            file_no="1",
            title="Tập báo cáo tổng kết năm 1990",
            damages=[{"type": "mould", "severity": 4, "readability": "difficult"}],
        ),
    }
    for n in ("1", "2"):
        add_file(client, b, AGENCY_B, fb["id"], file_no=n, title=f"Hồ sơ Sở Tài chính số {n}")
    return recs


def _db_titles(app: Any, agency: str) -> set[tuple[str, str]]:
    with Session(app.state.engine) as s:
        rows = s.exec(
            select(FileRecord.file_no, FileRecord.title).where(
                FileRecord.agency_code == agency, col(FileRecord.deleted).is_(False)
            )
        ).all()
    return {(n, t) for n, t in rows}


def _unformula(text: str) -> str:
    return text[1:] if text.startswith("'") else text


def test_catalogue_round_trip(client: TestClient, auth: Any, app: Any) -> None:
    recs = _seed(client, auth)
    wb = read_xlsx(run_job(client, auth("reviewer"), "catalogue"))
    assert wb.sheetnames == ["Tổng hợp", AGENCY_A, AGENCY_B]

    _, summary = table(wb["Tổng hợp"], HEADER_ROW)
    by_code = {r["Mã cơ quan"].value: r for r in summary}
    assert by_code[AGENCY_A]["Số hồ sơ"].value == 4
    assert by_code[AGENCY_A]["Số phông"].value == 2
    assert by_code[AGENCY_A]["Tên cơ quan, đơn vị"].value == "Sở Nội vụ"
    assert by_code[AGENCY_A]["Hồ sơ quý, hiếm"].value == 1
    assert by_code[AGENCY_A]["Hồ sơ khó đọc (tu bổ trước)"].value == 1
    assert by_code[AGENCY_B]["Hồ sơ khó đọc (tu bổ trước)"].value == 0
    assert by_code[AGENCY_B]["Số hồ sơ"].value == 2

    ws = wb[AGENCY_A]
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
    headers, rows = table(ws, HEADER_ROW)
    assert headers == [c.header for c in catalogue.COLUMNS]
    assert all(ws.cell(HEADER_ROW, i + 1).font.b for i in range(len(headers)))
    # same files as the database, in archival order: fonds 2 before 12, box 7 before 45, file 2 before 10
    got = {(r["Hồ sơ số"].value, _unformula(r["Tiêu đề hồ sơ"].value)) for r in rows}
    assert got == _db_titles(app, AGENCY_A)
    assert [(r["Số phông"].value, r["Hộp số"].value, r["Hồ sơ số"].value) for r in rows] == [
        ("2", "45", "1"),
        ("12", "7", "1"),
        ("12", "45", "2"),
        ("12", "45", "10"),
    ]
    assert [r["STT"].value for r in rows] == [1, 2, 3, 4]
    row = {r["Hồ sơ số"].value + "/" + r["Số phông"].value: r for r in rows}

    damaged = row["10/12"]
    assert damaged["Tiêu đề hồ sơ"].value == recs["damaged"]["title"]
    assert damaged["Thời gian bắt đầu"].value == dt.datetime(1996, 1, 1)
    assert damaged["Thời gian bắt đầu"].number_format == "mm/yyyy"
    assert damaged["Thời gian kết thúc"].value == dt.datetime(1996, 11, 6)
    assert damaged["Thời gian kết thúc"].number_format == "dd/mm/yyyy"
    assert damaged["Số tờ"].value == 84
    assert damaged["Tình trạng vật lý"].value == "Mủn – Nặng, đọc được một phần; Ố, ố vàng – Trung bình"
    assert damaged["Mức độ hư hỏng nặng nhất"].value == "Nặng"
    assert damaged["Tiêu chí"].value == (
        "Tài liệu có giá trị cao bị hư hỏng hoặc có nguy cơ hư hỏng; Tài liệu có giá trị bảo quản vĩnh viễn"
    )
    assert damaged["Thời hạn bảo quản"].value == "Vĩnh viễn"
    assert damaged["Vật mang tin"].value == "Giấy"
    assert damaged["Trạng thái duyệt"].value == "Chờ duyệt"
    assert damaged["Xử lý"].value is None

    formula = row["2/12"]
    assert formula["Thời gian bắt đầu"].value == dt.datetime(1975, 1, 1)
    assert formula["Thời gian bắt đầu"].number_format == "yyyy"
    assert formula["Thời gian kết thúc"].value == dt.datetime(1976, 12, 31)
    assert formula["Số tờ"].value is None and formula["Số trang"].value == 12
    assert formula["Thời hạn bảo quản"].value == "10 năm"
    assert formula["Ngôn ngữ"].value == "Tiếng Việt, Tiếng Pháp"
    assert formula["Vật mang tin"].value == "Ảnh"
    assert formula["Tiêu chí"].value == (
        "Tài liệu sưu tầm (cá nhân, gia đình, dòng họ tiêu biểu; lịch sử tỉnh); Tài liệu quý, hiếm"
    )
    assert row["1/2"]["Xử lý"].value == "Ưu tiên tu bổ, bảo quản trước khi số hóa"

    # formula injection: every such cell is plain text that starts with an apostrophe
    cells = [
        formula["Tiêu đề hồ sơ"],
        formula["Ghi chú"],
        row["1/12"]["Tiêu đề hồ sơ"],
        row["1/12"]["Ghi chú"],
        row["1/2"]["Tên phông"],
    ]
    assert [c.value for c in cells] == [
        "'" + recs["formula"]["title"],
        "'+1 ghi chú",
        "'-Tập tờ trình về việc thành lập tỉnh",
        "'@SUM(A1)",
        "'=cmd|' /C calc'!A0",
    ]
    assert all(c.data_type == "s" for c in cells)
    assert row["1/12"]["Thời gian bắt đầu"].value == dt.datetime(1980, 4, 30)
    assert row["1/12"]["Thời gian kết thúc"].value is None

    _, rows_b = table(wb[AGENCY_B], HEADER_ROW)
    assert {(r["Hồ sơ số"].value, r["Tiêu đề hồ sơ"].value) for r in rows_b} == _db_titles(app, AGENCY_B)


def test_agency_head_exports_only_own_agency(client: TestClient, auth: Any) -> None:
    _seed(client, auth)
    h = auth("head_a")
    wb = read_xlsx(run_job(client, h, "catalogue"))
    assert wb.sheetnames == ["Tổng hợp", AGENCY_A]
    r = client.post("/api/v1/exports/catalogue/jobs", json={"agency_code": AGENCY_B}, headers=h)
    assert r.status_code == 403
    assert client.get(f"/api/v1/exports/catalogue/file?agency_code={AGENCY_B}", headers=h).status_code == 403
    assert client.post("/api/v1/exports/yearly_report/jobs", json={}, headers=h).status_code == 403
    assert [k["name"] for k in client.get("/api/v1/exports", headers=h).json()] == [
        "catalogue",
        "handover",
        "labels",
    ]


@pytest.mark.parametrize("user", ["surveyor_a", "surveyor_b"])
def test_surveyors_cannot_export(client: TestClient, auth: Any, user: str) -> None:
    h = auth(user)
    assert client.post("/api/v1/exports/catalogue/jobs", json={}, headers=h).status_code == 403
    assert client.get("/api/v1/exports/catalogue/file", headers=h).status_code == 403


def test_filters_fonds_and_review_state(client: TestClient, auth: Any) -> None:
    recs = _seed(client, auth)
    h = auth("reviewer")
    r = client.post(
        f"/api/v1/records/file_record/{recs['dash']['id']}/review", json={"state": "approved"}, headers=h
    )
    assert r.status_code == 200, r.text
    wb = read_xlsx(run_job(client, h, "catalogue", review_state="approved"))
    _, rows = table(wb[AGENCY_A], HEADER_ROW)
    assert [r["Trạng thái duyệt"].value for r in rows] == ["Đã duyệt"]
    assert wb.sheetnames == ["Tổng hợp", AGENCY_A]
    wb = read_xlsx(run_job(client, h, "catalogue", fonds_id=recs["other_fonds"]["fonds_id"]))
    _, rows = table(wb[AGENCY_A], HEADER_ROW)
    assert [r["Tiêu đề hồ sơ"].value for r in rows] == [recs["other_fonds"]["title"]]


def test_small_export_downloads_at_once_large_one_needs_a_job(
    client: TestClient, auth: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(client, auth)
    h = auth("reviewer")
    r = client.get(f"/api/v1/exports/catalogue/file?agency_code={AGENCY_B}", headers=h)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r.headers["content-disposition"]
    assert read_xlsx(r.content).sheetnames == ["Tổng hợp", AGENCY_B]
    monkeypatch.setitem(kinds(), "catalogue", dataclasses.replace(kinds()["catalogue"], direct_limit=3))
    r = client.get("/api/v1/exports/catalogue/file", headers=h)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "use_job"


def test_job_is_visible_only_to_its_owner(client: TestClient, auth: Any) -> None:
    _seed(client, auth)
    r = client.post("/api/v1/exports/catalogue/jobs", json={}, headers=auth("reviewer"))
    job = r.json()
    assert job["total"] is None or job["total"] >= 0
    for other in ("admin", "head_a"):
        assert client.get(f"/api/v1/exports/jobs/{job['id']}", headers=auth(other)).status_code == 404
        assert client.get(f"/api/v1/exports/jobs/{job['id']}/file", headers=auth(other)).status_code == 404
    mine = client.get("/api/v1/exports/jobs", headers=auth("reviewer")).json()
    assert [j["id"] for j in mine] == [job["id"]]


def test_empty_catalogue_is_a_valid_workbook(client: TestClient, auth: Any) -> None:
    wb = read_xlsx(run_job(client, auth("reviewer"), "catalogue"))
    assert wb.sheetnames == ["Tổng hợp"]
    assert "Không có hồ sơ" in str(wb["Tổng hợp"].cell(HEADER_ROW + 2, 1).value)
