"""The exports and administration pages through their forms (session sign-in, CSRF)."""

from __future__ import annotations

import io
import re
import time
from typing import Any

import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image

from common.enroll import parse_enroll_uri
from common.vocab import Role
from tests.conftest import AGENCY_A, AGENCY_B, login
from tests.exports.helpers import add_box, add_file, add_fonds, read_xlsx
from tests.exports.web_helpers import csrf, post_form, web_client
from tests.pdfs import qr_codes, render

JOB_URL = re.compile(r"/web/exports/jobs/([0-9a-f]{32})$")


def _finish(c: TestClient, job_url: str, timeout: float = 60) -> bytes:
    """Follow the job page (it asks to be refreshed) until it links the file; download it."""
    deadline = time.monotonic() + timeout
    while True:
        r = c.get(job_url)
        assert r.status_code == 200
        if 'id="download"' in r.text:
            assert "Refresh" not in r.headers
            break
        assert r.headers["Refresh"] == "2"
        assert time.monotonic() < deadline
        time.sleep(0.1)
    file = c.get(job_url + "/file")
    assert file.status_code == 200
    return file.content


def test_reviewer_starts_an_export_and_downloads_it(app: Any, client: TestClient, auth: Any) -> None:
    f = add_fonds(client, auth("surveyor_a"), AGENCY_A, "12")
    add_file(client, auth("surveyor_a"), AGENCY_A, f["id"], title="=1+2 Tập công văn")
    c = web_client(app, "reviewer")
    page = c.get("/web/exports")
    assert page.status_code == 200 and "Báo cáo hằng năm" in page.text
    r = post_form(c, "/web/exports", "/web/exports", {"kind": "catalogue", "agency_code": AGENCY_A})
    assert r.status_code == 303
    job_url = r.headers["location"]
    assert JOB_URL.search(job_url)
    wb = read_xlsx(_finish(c, job_url))
    assert wb.sheetnames == ["Tổng hợp", AGENCY_A]
    assert wb[AGENCY_A]["G4"].value == "'=1+2 Tập công văn"
    assert "danh-muc-ho-so_" in c.get("/web/exports").text  # listed under recent files
    # another user cannot open it
    other = web_client(app, "admin")
    assert other.get(job_url).status_code == 404
    assert other.get(job_url + "/file").status_code == 404


def test_export_form_needs_its_csrf_token_and_a_known_kind(app: Any) -> None:
    c = web_client(app, "reviewer")
    assert c.post("/web/exports", data={"kind": "catalogue"}).status_code == 403
    r = post_form(c, "/web/exports", "/web/exports", {"kind": "nope"})
    assert r.status_code == 422
    r = post_form(c, "/web/exports", "/web/exports", {"kind": "yearly_report", "year": "99"})
    assert r.status_code == 422 and "year" in r.text


def test_agency_head_sees_own_agency_only_and_no_yearly_report(app: Any) -> None:
    c = web_client(app, "head_a")
    page = c.get("/web/exports").text
    assert AGENCY_A in page and AGENCY_B not in page
    assert 'value="yearly_report"' not in page
    r = post_form(c, "/web/exports", "/web/exports", {"kind": "catalogue", "agency_code": AGENCY_B})
    assert r.status_code == 403
    r = post_form(c, "/web/exports", "/web/exports", {"kind": "yearly_report"})
    assert r.status_code == 403
    assert web_client(app, "surveyor_a").get("/web/exports").status_code == 403


def test_labels_from_pasted_box_codes(app: Any, client: TestClient, auth: Any) -> None:
    f = add_fonds(client, auth("surveyor_a"), AGENCY_A, "12")
    boxes = [add_box(client, auth("surveyor_a"), AGENCY_A, f, str(n)) for n in (1, 2, 3)]
    c = web_client(app, "reviewer")
    codes = f"{boxes[0]['code'].lower()}\n\nSAOLUU:BOX:{boxes[2]['code']}\n"
    r = post_form(c, "/web/exports", "/web/exports", {"kind": "labels", "box_codes": codes + "XX-P1-H1\n"})
    assert r.status_code == 422 and "XX-P1-H1" in r.text
    r = post_form(c, "/web/exports", "/web/exports", {"kind": "labels", "box_codes": codes, "layout": "2x7"})
    assert r.status_code == 303
    found = qr_codes(render(_finish(c, r.headers["location"])))
    assert sorted(found[0]) == sorted(f"SAOLUU:BOX:{b['code']}" for b in (boxes[0], boxes[2]))
    r = post_form(c, "/web/exports", "/web/exports", {"kind": "labels"})
    assert r.status_code == 422


def test_admin_pages_are_for_administrators_only(app: Any) -> None:
    for user in ("reviewer", "head_a", "surveyor_a"):
        c = web_client(app, user)
        for url in ("/web/admin", "/web/admin/devices", "/web/admin/agencies", "/web/admin/campaigns"):
            assert c.get(url).status_code == 403, (user, url)
        r = c.post("/web/admin/users", data={"username": "x", "csrf_token": csrf(c.get("/web").text)})
        assert r.status_code == 403
    assert TestClient(app).get("/web/admin", follow_redirects=False).status_code == 303


def test_admin_creates_edits_and_resets_a_user(app: Any, client: TestClient) -> None:
    c = web_client(app, "admin")
    new = {
        "username": "khaosat_c",
        "full_name": "Trần Thị Cúc",
        "password": "matkhau-moi-1",
        "role": "surveyor",
        "assigned_agencies": [AGENCY_A, AGENCY_B],
    }
    r = post_form(c, "/web/admin", "/web/admin/users", new)
    assert r.status_code == 303 and r.headers["location"] == "/web/admin/users/khaosat_c"
    page = c.get(r.headers["location"]).text
    assert "Đã tạo tài khoản khaosat_c" in page and "Trần Thị Cúc" in page
    api = client.get("/api/v1/admin/users/khaosat_c", headers=login(client, "admin")).json()
    assert api["assigned_agencies"] == sorted([AGENCY_A, AGENCY_B]) and api["role"] == "surveyor"

    again = post_form(c, "/web/admin", "/web/admin/users", new)
    assert again.status_code == 409 and "khaosat_c" in again.text and "đã có" in again.text
    bad = post_form(c, "/web/admin", "/web/admin/users", {**new, "username": "x y", "password": "123"})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text
    head = post_form(
        c, "/web/admin", "/web/admin/users", {**new, "username": "truongphong", "role": "agency_head"}
    )
    assert head.status_code == 422  # an agency head needs an agency

    url = "/web/admin/users/khaosat_c"
    edit = {"full_name": "Trần Thị Cúc", "role": "agency_head", "agency_code": AGENCY_B, "active": "1"}
    assert post_form(c, url, url, edit).status_code == 303
    api = client.get("/api/v1/admin/users/khaosat_c", headers=login(client, "admin")).json()
    assert (api["role"], api["agency_code"], api["assigned_agencies"]) == ("agency_head", AGENCY_B, [])

    assert post_form(c, url, url + "/password", {"password": "short"}).status_code == 422
    common = post_form(c, url, url + "/password", {"password": "password123"})
    assert common.status_code == 422 and "Mật khẩu quá phổ biến hoặc dễ đoán" in common.text
    weak = post_form(c, "/web/admin", "/web/admin/users", {**new, "username": "ks_d", "password": "12345678"})
    assert weak.status_code == 422 and "Mật khẩu quá phổ biến hoặc dễ đoán" in weak.text
    assert post_form(c, url, url + "/password", {"password": "mat-khau-moi-2"}).status_code == 303
    assert login(client, "khaosat_c", "mat-khau-moi-2")

    me = "/web/admin/users/admin"
    r = post_form(c, me, me, {"role": "reviewer", "active": "1"})
    assert r.status_code == 422 and "Không tự đổi vai trò" in r.text


def test_enroll_code_qr_enrolls_a_tablet_and_revoking_it_ends_its_access(
    app: Any, client: TestClient
) -> None:
    c = web_client(app, "admin")
    url = "/web/admin/users/surveyor_a"
    page = post_form(c, url, url + "/enroll-code", {})
    assert page.status_code == 200
    code = re.search(r'id="enroll-code">([A-Z0-9-]+)<', page.text).group(1)  # type: ignore[union-attr]
    qr_b64 = re.search(r'id="enroll-qr" class="enroll-qr" src="data:image/png;base64,([^"]+)"', page.text)
    assert qr_b64 is not None
    import base64

    image = Image.open(io.BytesIO(base64.b64decode(qr_b64.group(1))))
    [scanned] = zxingcpp.read_barcodes(image)
    server, scanned_code = parse_enroll_uri(scanned.text)
    assert scanned_code == code and server.startswith("http")

    r = client.post("/api/v1/devices/enroll", json={"code": scanned_code, "device_name": "Máy tính bảng 01"})
    assert r.status_code == 200, r.text
    token = {"Authorization": f"Bearer {r.json()['token']}"}
    assert client.get("/api/v1/agencies", headers=token).status_code == 200
    devices = c.get("/web/admin/devices").text
    assert "Máy tính bảng 01" in devices and "surveyor_a" in devices
    device_id = r.json()["device_id"]
    r = post_form(c, "/web/admin/devices", f"/web/admin/devices/{device_id}/revoke", {"back": url})
    assert r.status_code == 303 and r.headers["location"] == url
    assert client.get("/api/v1/agencies", headers=token).status_code == 401
    assert "Đã thu hồi" in c.get(url).text


def test_agency_import_lists_row_errors_and_imports_a_good_file(app: Any) -> None:
    c = web_client(app, "admin")
    bad = "ma,ten,loai,ma_cap_tren\n000.00.03.H47,Sở Xây dựng,department,\nbad code,Sở X,nope,\n"
    r = post_form(
        c,
        "/web/admin/agencies",
        "/web/admin/agencies/import",
        {},
        files={"file": ("ds.csv", bad.encode(), "text/csv")},
    )
    assert r.status_code == 422
    assert "rows[3]" in r.text and "rows[2]" not in r.text
    assert "Sở Xây dựng" not in c.get("/web/admin/agencies").text  # nothing imported
    good = "ma,ten,loai,ma_cap_tren\n000.00.03.H47,Sở Xây dựng,department,000.00.00.H47\n"
    r = post_form(
        c,
        "/web/admin/agencies",
        "/web/admin/agencies/import",
        {},
        files={"file": ("ds.csv", good.encode(), "text/csv")},
    )
    assert r.status_code == 303
    page = c.get("/web/admin/agencies").text
    assert "Đã nhập: 1 mới" in page and "Sở Xây dựng" in page


def test_admin_creates_and_edits_a_campaign(app: Any) -> None:
    c = web_client(app, "admin")
    form = {
        "year": "2026",
        "name": "Thống kê năm 2026",
        "starts_on": "2026-03-01",
        "ends_on": "2026-12-15",
        "active": "1",
    }
    assert post_form(c, "/web/admin/campaigns", "/web/admin/campaigns", form).status_code == 303
    page = c.get("/web/admin/campaigns").text
    assert "Thống kê năm 2026" in page
    cid = re.search(r"edit=([0-9a-f-]{36})", page).group(1)  # type: ignore[union-attr]
    edit = c.get(f"/web/admin/campaigns?edit={cid}").text
    assert 'value="Thống kê năm 2026"' in edit
    r = post_form(
        c, "/web/admin/campaigns", "/web/admin/campaigns", {**form, "id": cid, "ends_on": "2026-01-01"}
    )
    assert r.status_code == 422  # ends before it starts
    r = post_form(c, "/web/admin/campaigns", "/web/admin/campaigns", {**form, "id": cid, "name": "Đợt 2026"})
    assert r.status_code == 303
    page = c.get("/web/admin/campaigns").text
    assert "Đợt 2026" in page and page.count("edit=") == 1


def test_roles_list_matches_the_vocabulary(app: Any) -> None:
    page = web_client(app, "admin").get("/web/admin").text
    for role in Role:
        assert f'value="{role.value}"' in page
