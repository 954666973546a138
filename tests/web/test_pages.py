"""The pages over HTTP (TestClient, SQLite and PostgreSQL): sign-in, sessions, CSRF, headers, scope."""

from __future__ import annotations

import csv
import io
import re

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.conftest import ACCOUNTS, AGENCY_A, login
from tests.images import photo_jpeg
from tests.web.conftest import csrf_of, web_login
from tests.web.world import TITLES, World, end_visit

STAFF_PAGES = ["/web/dashboard", "/web/compliance", "/web/nil-reports", "/web/inventory"]


def test_every_page_route_declares_who_may_open_it(app) -> None:  # type: ignore[no-untyped-def]
    from sync_server.web.deps import ROLES_ATTR

    undeclared = []
    for ctx in iter_route_contexts(app.routes):
        route = ctx.original_route
        if not isinstance(route, APIRoute) or not (ctx.path or "").startswith("/web"):
            continue
        declared = [getattr(d.call, ROLES_ATTR, None) for d in route.dependant.dependencies]
        if not any(declared):
            undeclared.append(f"{sorted(ctx.methods or [])} {ctx.path}")
    assert undeclared == []


def test_sign_in_sets_a_protected_session_cookie_and_sign_out_revokes_it(app, world: World) -> None:  # type: ignore[no-untyped-def]
    c = TestClient(app)
    r = web_login(c, "reviewer")
    assert r.status_code == 303 and r.headers["location"] == "/web/dashboard"
    cookie = r.headers["set-cookie"]
    assert "saoluu_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Path=/web" in cookie
    secret = c.cookies.get("saoluu_session")
    assert c.get("/web/dashboard").status_code == 200
    page = c.get("/web/dashboard")
    out = c.post("/web/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert out.status_code == 303
    c.cookies.set("saoluu_session", secret, path="/web")  # a copied cookie is worth nothing now
    assert c.get("/web/dashboard", follow_redirects=False).headers["location"].startswith("/web/login")
    # the session was an API token like any other, revoked the same way
    assert c.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_page_naming_a_word_the_catalogue_lacks_fails_loudly(app, world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from common import words

    c = TestClient(app, raise_server_exceptions=False)
    assert web_login(c, "reviewer").status_code == 303
    assert "Tổng quan" in c.get("/web/dashboard").text
    monkeypatch.setattr(words, "CATALOGUE", {k: v for k, v in words.CATALOGUE.items() if k != "dash.title"})
    r = c.get("/web/dashboard")
    assert r.status_code == 500  # the server error page, not the key in place of the title
    assert "dash.title" not in r.text and "Lỗi máy chủ" in r.text


def test_pages_ask_anonymous_visitors_to_sign_in_and_come_back(client: TestClient) -> None:
    r = client.get("/web/inventory?state=pending", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/web/login?next=/web/inventory%3Fstate%3Dpending"
    form = client.get(r.headers["location"])
    assert 'name="next" value="/web/inventory?state=pending"' in form.text
    done = client.post(
        "/web/login",
        data={
            "username": "reviewer",
            "password": ACCOUNTS["reviewer"].password,
            "csrf_token": csrf_of(form.text),
            "next": "/web/inventory?state=pending",
        },
        follow_redirects=False,
    )
    assert done.headers["location"] == "/web/inventory?state=pending"


def test_sign_in_never_redirects_off_the_site(app) -> None:  # type: ignore[no-untyped-def]
    for evil in ("https://evil.example/", "//evil.example/web", "/\\evil.example"):
        client = TestClient(app)
        form = client.get("/web/login")
        r = client.post(
            "/web/login",
            data={
                "username": "reviewer",
                "password": ACCOUNTS["reviewer"].password,
                "csrf_token": csrf_of(form.text),
                "next": evil,
            },
            follow_redirects=False,
        )
        assert r.headers["location"] == "/web/dashboard"


@pytest.mark.parametrize("user", ["head_a", "surveyor_a"])
def test_staff_pages_refuse_other_roles(web, user: str) -> None:  # type: ignore[no-untyped-def]
    c = web(user)
    for path in ("/web/dashboard", "/web/compliance", "/web/nil-reports", "/web/compliance/export"):
        r = c.get(path)
        assert r.status_code == 403, path
        assert "text/html" in r.headers["content-type"]
        assert "không có quyền" in r.text


def test_security_headers_on_pages_and_static_files(web) -> None:  # type: ignore[no-untyped-def]
    c = web("reviewer")
    for path in ("/web/dashboard", "/web/login", "/web/static/app.css"):
        r = c.get(path)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
    assert c.get("/web/dashboard").headers["cache-control"] == "no-store"
    assert "<script>" not in c.get("/web/dashboard").text  # no inline script anywhere
    assert 'style="' not in c.get("/web/dashboard").text
    api = c.get("/api/v1/health")
    assert "content-security-policy" not in api.headers  # /docs and the API keep their own rules


def test_posts_without_or_with_a_wrong_csrf_token_are_refused(web, world: World) -> None:  # type: ignore[no-untyped-def]
    c = web("reviewer")
    rid = world.records["irrigation"]
    for data in ({"ids": rid}, {"ids": rid, "csrf_token": "0" * 64}):
        r = c.post("/web/inventory/approve", data=data)
        assert r.status_code == 403
        assert "mã bảo vệ" in r.text
    other = web("admin")  # a token from another session does not fit this one
    token = csrf_of(other.get("/web/inventory").text)
    assert c.post("/web/inventory/approve", data={"ids": rid, "csrf_token": token}).status_code == 403
    page = c.get(f"/web/records/{rid}")
    assert "Chờ duyệt" in page.text
    ok = c.post("/web/inventory/approve", data={"ids": rid, "csrf_token": csrf_of(page.text)})
    assert ok.status_code == 200 and "Đã duyệt 1 hồ sơ." in ok.text


def test_login_form_needs_its_csrf_token_too(client: TestClient) -> None:
    client.get("/web/login")
    r = client.post("/web/login", data={"username": "reviewer", "password": ACCOUNTS["reviewer"].password})
    assert r.status_code == 403
    fresh = TestClient(client.app)  # no seed cookie at all
    r = fresh.post("/web/login", data={"username": "reviewer", "password": "x", "csrf_token": "abc"})
    assert r.status_code == 403


def test_failed_sign_ins_lock_that_user_from_that_address_only(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    for _ in range(4):
        assert web_login(client, "reviewer", "wrong-password").status_code == 401
    r = web_login(client, "reviewer", "wrong-password")
    assert r.status_code == 429 and "tạm khóa" in r.text
    assert web_login(client, "reviewer").status_code == 429  # the right password waits too
    assert web_login(client, "admin").status_code == 303  # other users from here are not affected
    other_address = TestClient(app, client=("10.0.0.9", 50000))
    assert web_login(other_address, "reviewer").status_code == 303  # nor the user elsewhere
    from sqlmodel import Session

    from sync_server.models import LoginThrottle

    with Session(app.state.engine) as s:
        row = s.get(LoginThrottle, ("reviewer", "testclient"))
        assert row is not None and row.failures == 5 and row.locked_until is not None


def test_a_successful_sign_in_clears_earlier_failures(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        web_login(client, "reviewer", "wrong-password")
    assert web_login(client, "reviewer").status_code == 303
    for _ in range(4):
        assert web_login(client, "reviewer", "wrong-password").status_code == 401  # counting starts over


def test_agency_head_sees_only_their_agency(web, world: World) -> None:  # type: ignore[no-untyped-def]
    own, other = web("head_a"), web("head_b")
    rid = world.records["crumbling"]
    assert own.get(f"/web/records/{rid}").status_code == 200
    r = other.get(f"/web/records/{rid}")
    assert r.status_code == 404 and "Không tìm thấy" in r.text
    assert TITLES["crumbling"] not in other.get("/web/inventory").text
    assert TITLES["crumbling"] not in other.get(f"/web/inventory?agency={AGENCY_A}").text
    sha = own.get(f"/web/records/{rid}").text.split("/web/photos/")[1][:64]
    assert own.get(f"/web/photos/{sha}?size=thumb").headers["content-type"] == "image/jpeg"
    assert other.get(f"/web/photos/{sha}").status_code == 404
    assert other.post(f"/web/records/{rid}/review", data={"state": "approved"}).status_code == 403


def test_review_from_the_record_page(web, world: World) -> None:  # type: ignore[no-untyped-def]
    c = web("reviewer")
    rid = world.records["map"]
    page = c.get(f"/web/records/{rid}")
    token = csrf_of(page.text)
    refused = c.post(
        f"/web/records/{rid}/review", data={"state": "sent_back", "text": " ", "csrf_token": token}
    )
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
    r = c.post(
        f"/web/records/{rid}/review",
        data={"state": "rejected", "text": "Không thuộc diện", "csrf_token": token},
    )
    assert r.status_code == 200 and "Đã ghi nhận hồ sơ không đạt." in r.text
    assert "Không thuộc diện" in r.text


def test_thumbnails_are_small_jpegs(web, world: World) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    c = web("reviewer")
    sha = c.get(f"/web/records/{world.records['crumbling']}").text.split("/web/photos/")[1][:64]
    full = c.get(f"/web/photos/{sha}")
    thumb = c.get(f"/web/photos/{sha}?size=thumb")
    assert Image.open(io.BytesIO(full.content)).size == (800, 600)
    assert Image.open(io.BytesIO(thumb.content)).size == (400, 300)
    assert "immutable" in thumb.headers["cache-control"]
    assert c.get("/web/photos/" + "0" * 64).status_code == 404


NIL_REPORT_FORM = {
    "statement": "Không có tài liệu thuộc diện",
    "signer_name": "Nguyễn Văn Bình",
    "signer_position": "Giám đốc",
    "doc_number": "12/BC",
    "doc_date": "2026-10-01",
}


def test_nil_report_scan_is_checked_by_content_and_stored_by_hash(web, app, world: World) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    from sqlmodel import Session

    from sync_server.models import NilReport, Photo

    c = web("head_b")
    form = dict(NIL_REPORT_FORM)
    token = csrf_of(c.get("/web/agency").text)
    png_header_only = b"\x89PNG\r\n\x1a\n" + b"\0" * 200
    r = c.post(
        "/web/agency/nil-report",
        data={**form, "csrf_token": token},
        files={"scan": ("scan.png", png_header_only, "image/png")},
    )
    assert r.status_code == 422 and "Chỉ nhận ảnh JPEG hoặc PNG" in r.text
    r = c.post("/web/agency/nil-report", data={**form, "csrf_token": token})
    assert r.status_code == 422  # the first report needs its scan
    scan = photo_jpeg(text="BÁO CÁO")
    r = c.post(
        "/web/agency/nil-report",
        data={**form, "csrf_token": token},
        files={"scan": ("scan.jpg", scan, "image/jpeg")},
    )
    assert r.status_code == 200 and "Đã gửi báo cáo" in r.text
    sha = hashlib.sha256(scan).hexdigest()
    with Session(app.state.engine) as s:
        assert s.get(Photo, sha) is not None
        report = s.exec(__import__("sqlmodel").select(NilReport)).one()
        assert report.data["scan"]["sha256"] == sha and report.review_state == "pending"
    stored = [p for p in (app.state.settings.photo_dir).rglob("*") if p.is_file() and p.name == sha]
    assert len(stored) == 1
    # corrected without a new scan: the scan is kept, the version goes up
    r = c.post("/web/agency/nil-report", data={**form, "doc_number": "13/BC", "csrf_token": token})
    assert r.status_code == 200
    with Session(app.state.engine) as s:
        report = s.exec(__import__("sqlmodel").select(NilReport)).one()
        assert (report.version, report.doc_number, report.data["scan"]["sha256"]) == (2, "13/BC", sha)


def test_a_nil_report_scan_declaring_a_huge_image_is_refused_not_a_500(web, world: World) -> None:  # type: ignore[no-untyped-def]
    from tests.security.test_image_bombs import bomb_png

    c = web("head_b")
    form = {**NIL_REPORT_FORM, "csrf_token": csrf_of(c.get("/web/agency").text)}
    scan = bomb_png(20000, 20000, depth=8, colour=0)  # 400 megapixels: Pillow's own bomb error
    r = c.post("/web/agency/nil-report", data=form, files={"scan": ("scan.png", scan, "image/png")})
    assert r.status_code == 422 and "Ảnh có kích thước (số điểm ảnh) quá lớn" in r.text


def test_head_confirms_the_agency_list(web, client: TestClient, world: World) -> None:  # type: ignore[no-untyped-def]
    c = web("head_a")
    page = c.get("/web/agency")
    assert "Xác nhận danh mục" in page.text and "Đang khảo sát" in page.text
    end_visit(client, world)  # an open visit holds the confirmation back (test_confirmation_rules)
    page = c.get("/web/agency")
    r = c.post("/web/agency/confirm", data={"note": "Đủ", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 200 and "Đã xác nhận danh mục 4 hồ sơ." in r.text
    assert "Đã lập danh mục" in r.text
    empty = web("head_b")
    r = empty.post("/web/agency/confirm", data={"csrf_token": csrf_of(empty.get("/web/agency").text)})
    assert r.status_code == 422  # nothing to confirm


def test_compliance_export_lists_the_agencies_that_have_not_reported(web, world: World) -> None:  # type: ignore[no-untyped-def]
    c = web("reviewer")
    r = c.get(f"/web/compliance/export?format=csv&campaign={world.campaign_id}")
    assert r.headers["content-disposition"] == (
        "attachment; filename=\"chua-bao-cao-2026.csv\"; filename*=UTF-8''chua-bao-cao-2026.csv"
    )
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Mã định danh", "Cơ quan, đơn vị"]
    assert sorted(row[0] for row in rows[1:]) == ["000.00.00.H47", "000.00.01.H47", "000.00.02.H47"]
    x = c.get(f"/web/compliance/export?format=xlsx&campaign={world.campaign_id}&kind=department")
    sheet = load_workbook(io.BytesIO(x.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    assert [(v[0], v[4]) for v in values] == [
        ("000.00.01.H47", "Đang khảo sát"),
        ("000.00.02.H47", "Chưa khảo sát"),
    ]


def test_inventory_bookmarks_survive_bad_values(web, world: World) -> None:  # type: ignore[no-untyped-def]
    c = web("reviewer")
    r = c.get("/web/inventory?state=nope&severity=9&sort=sideways&after=garbage&damage=&carrier=paper")
    assert r.status_code == 200
    assert r.text.count('href="/web/records/') == 3  # carrier=paper applied, the rest ignored


def test_language_switch_is_remembered(web) -> None:  # type: ignore[no-untyped-def]
    c = web("reviewer")
    r = c.get("/web/lang/en?next=/web/compliance", follow_redirects=False)
    assert r.headers["location"] == "/web/compliance"
    page = c.get("/web/compliance")
    assert '<html lang="en">' in page.text and "Agency compliance tracker" in page.text
    assert (
        c.get("/web/lang/xx?next=https://evil.example", follow_redirects=False).headers["location"] == "/web"
    )


def test_api_errors_stay_json(client: TestClient) -> None:
    r = client.get("/api/v1/records/file_record/x", headers=login(client, "reviewer"))
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_unknown_page_is_an_html_404(web) -> None:  # type: ignore[no-untyped-def]
    r = web("reviewer").get("/web/nowhere")
    assert r.status_code == 404 and re.search(r"<h1>\s*Không thực hiện được", r.text)


def test_reviewer_marks_files_digitized_on_the_record_and_in_bulk(web, world: World) -> None:  # type: ignore[no-untyped-def]
    c = web("reviewer")
    rid = world.records["irrigation"]
    page = c.get(f"/web/records/{rid}")
    assert "Chưa số hóa." in page.text and 'name="on"' in page.text
    token = csrf_of(page.text)
    assert c.post(f"/web/records/{rid}/digitized", data={"on": "2026-11-02"}).status_code == 403  # no token
    bad = c.post(f"/web/records/{rid}/digitized", data={"on": "2099-01-01", "csrf_token": token})
    assert bad.status_code == 422 and "Ngày không được ở tương lai" in bad.text
    ok = c.post(f"/web/records/{rid}/digitized", data={"on": "2026-11-02", "csrf_token": token})
    assert ok.status_code == 200 and "Đã số hóa ngày 02/11/2026" in ok.text
    assert "Bỏ ghi nhận" in ok.text
    assert "Ghi nhận đã số hóa</td>" in ok.text.replace("\n", "")  # named in the history

    others = [world.records["crumbling"], world.records["map"]]
    inv = c.get("/web/inventory")
    assert "Ghi nhận đã số hóa (hôm nay)" in inv.text
    bulk = c.post("/web/inventory/digitized", data={"ids": [rid, *others], "csrf_token": csrf_of(inv.text)})
    assert bulk.status_code == 200 and "Đã ghi nhận số hóa 2 hồ sơ." in bulk.text  # the first keeps its day
    assert "Đã số hóa ngày 02/11/2026" in c.get(f"/web/records/{rid}").text
    head = web("head_a")
    assert head.get(f"/web/records/{rid}").status_code == 200
    refused = head.post(f"/web/records/{rid}/digitized", data={"on": "2026-11-02", "csrf_token": token})
    assert refused.status_code in (403, 404)
