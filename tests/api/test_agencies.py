"""Agency list import from CSV and Excel: all or nothing, re-import updates in place, audited."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import Workbook

from sync_server.demo import AGENCIES_CSV
from tests.conftest import AGENCY_A

GOOD = """code,name,kind,parent_code,in_deposit_list,status,successor_code
000.00.00.H47,UBND tỉnh Quảng Nam,province,,1,active,
000.00.30.H47,UBND thành phố Tam Kỳ,district,000.00.00.H47,1,active,
000.30.31.H47,UBND phường An Mỹ,commune,000.00.30.H47,0,active,
000.30.32.H47,UBND phường An Sơn,commune,000.00.30.H47,0,merged,000.30.31.H47
"""


def _upload(client: TestClient, headers: dict[str, str], name: str, content: bytes):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/admin/agencies/import", files={"file": (name, content)}, headers=headers)


def _codes(client: TestClient, headers: dict[str, str]) -> dict[str, dict]:  # type: ignore[type-arg]
    return {a["code"]: a for a in client.get("/api/v1/agencies", headers=headers).json()}


def test_csv_import_then_reimport_updates_in_place(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("admin")
    r = _upload(client, h, "coquan.csv", GOOD.encode())
    assert r.status_code == 200, r.text
    assert r.json() == {"created": 3, "updated": 0, "unchanged": 1}  # the province row already existed
    agencies = _codes(client, h)
    assert agencies["000.30.32.H47"]["status"] == "merged"
    assert agencies["000.30.32.H47"]["successor_code"] == "000.30.31.H47"
    assert agencies["000.30.31.H47"]["in_deposit_list"] is False

    renamed = GOOD.replace("UBND phường An Mỹ", "UBND phường An Mỹ (mới)")
    r = _upload(client, h, "coquan.csv", renamed.encode())
    assert r.json() == {"created": 0, "updated": 1, "unchanged": 3}
    assert _codes(client, h)["000.30.31.H47"]["name"] == "UBND phường An Mỹ (mới)"


def test_excel_import_with_vietnamese_headers_and_labels(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã định danh", "Tên cơ quan", "Loại", "Mã cấp trên", "Nguồn nộp lưu", "Trạng thái"])
    ws.append(["000.01.50.H47", "Bảo tàng Quảng Nam", "Đơn vị sự nghiệp", AGENCY_A, "có", "Đang hoạt động"])
    ws.append(["000.01.51.H47", "Thư viện tỉnh Quảng Nam", "public_service", AGENCY_A, "không", "dissolved"])
    buf = io.BytesIO()
    wb.save(buf)
    h = auth("admin")
    r = _upload(client, h, "danhsach.xlsx", buf.getvalue())
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 2
    agencies = _codes(client, h)
    assert agencies["000.01.50.H47"]["kind"] == "public_service"
    assert agencies["000.01.50.H47"]["in_deposit_list"] is True
    assert agencies["000.01.51.H47"]["status"] == "dissolved"


def test_bad_file_reports_every_row_and_imports_nothing(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("admin")
    before = _codes(client, h)
    bad = (
        "code,name,kind,parent_code,status,successor_code\n"
        "111.00.01.H47,Cơ quan một,department,,active,\n"
        "111.00.01.H47,Cơ quan trùng mã,department,,active,\n"
        "111.00.02.H47,Cơ quan hai,spaceship,,active,\n"
        "111.00.03.H47,Cơ quan ba,department,999.99.99.H47,active,\n"
        "111.00.04.H47,Cơ quan bốn,department,,merged,\n"
        "111.00.05.H47,Cơ quan năm,department,,active,\n"
    )
    r = _upload(client, h, "bad.csv", bad.encode())
    assert r.status_code == 422
    found = {(d["field"], d["reason"]) for d in r.json()["error"]["details"]}
    assert found == {
        ("rows[2].code", "duplicate_code"),
        ("rows[3].code", "duplicate_code"),
        ("rows[4].kind", "not_in_vocab"),
        ("rows[5].parent_code", "unknown_agency"),
        ("rows[6].successor_code", "successor_required"),
    }
    dup = next(d for d in r.json()["error"]["details"] if d["field"] == "rows[2].code")
    assert "2, 3" in dup["message"]["vi"]
    assert _codes(client, h) == before  # not even the good row 7 went in


def test_unreadable_or_headerless_files_are_refused(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("admin")
    r = _upload(client, h, "x.xlsx", b"this is not a workbook")
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["reason"] == "unreadable_file"
    r = _upload(client, h, "x.csv", "tên,loại\nA,B\n".encode())
    assert r.status_code == 422
    assert {d["reason"] for d in r.json()["error"]["details"]} == {"unknown_column"}
    r = _upload(client, h, "x.csv", "code,name,kind\n".encode("utf-16"))
    assert r.status_code == 422


def test_demo_agency_list_imports_cleanly(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    h = auth("admin")
    r = _upload(client, h, AGENCIES_CSV.name, AGENCIES_CSV.read_bytes())
    assert r.status_code == 200, r.text
    agencies = _codes(client, h)
    kinds = {a["kind"] for a in agencies.values()}
    assert {"province", "department", "district", "commune", "public_service", "archive"} <= kinds
    assert any(a["status"] == "merged" for a in agencies.values())
    assert len(agencies) >= 50


def test_import_and_edits_are_audited(client: TestClient, auth, app) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import Session, select

    from sync_server.models import AuditLog

    h = auth("admin")
    _upload(client, h, "coquan.csv", GOOD.encode())
    body = {
        "code": AGENCY_A,
        "name": "Sở Nội vụ tỉnh Quảng Nam",
        "kind": "department",
        "parent_code": "000.00.00.H47",
    }
    r = client.put(f"/api/v1/admin/agencies/{AGENCY_A}", json=body, headers=h)
    assert r.status_code == 200, r.text
    with Session(app.state.engine) as s:
        rows = s.exec(
            select(AuditLog)
            .where(AuditLog.entity_type == "agency", AuditLog.entity_id == AGENCY_A)
            .order_by(AuditLog.id)
        ).all()
    last = rows[-1]
    assert last.action == "update"
    assert last.detail["before"]["name"] == "Sở Nội vụ"
    assert last.detail["after"]["name"] == "Sở Nội vụ tỉnh Quảng Nam"
    assert last.user_id is not None


def test_admin_puts_a_campaign_and_reads_it_back(client, auth) -> None:  # type: ignore[no-untyped-def]
    import uuid

    cid = str(uuid.uuid4())
    body = {"id": cid, "year": 2027, "name": "Kiểm kê năm 2027", "active": False}
    r = client.put(f"/api/v1/admin/campaigns/{cid}", json=body, headers=auth("admin"))
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Kiểm kê năm 2027" and r.json()["year"] == 2027
    listed = client.get("/api/v1/campaigns", headers=auth("surveyor_a")).json()
    assert any(c["id"] == cid for c in listed)
