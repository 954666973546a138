"""Per-agency scoping: an agency head or surveyor of agency A can neither read nor write B's data."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.records_data import file_record, fonds
from tests.conftest import AGENCY_A, AGENCY_B

FIELD_USERS_OF_A = ["head_a", "surveyor_a"]


def _seed_b(client: TestClient, auth) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A fonds and a file record of agency B, made by B's own surveyor."""
    f = fonds(AGENCY_B)
    assert client.post("/api/v1/records/fonds", json=f, headers=auth("surveyor_b")).status_code == 201
    rec = file_record(AGENCY_B, f["id"])
    r = client.post("/api/v1/records/file_record", json=rec, headers=auth("surveyor_b"))
    assert r.status_code == 201, r.text
    return f["id"], rec["id"]


@pytest.mark.parametrize("user", FIELD_USERS_OF_A)
def test_field_user_reads_and_writes_own_agency(client: TestClient, auth, user: str) -> None:  # type: ignore[no-untyped-def]
    h = auth(user)
    f = fonds(AGENCY_A)
    assert client.post("/api/v1/records/fonds", json=f, headers=h).status_code == 201
    rec = file_record(AGENCY_A, f["id"])
    r = client.post("/api/v1/records/file_record", json=rec, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 1
    got = client.get(f"/api/v1/records/file_record/{rec['id']}", headers=h).json()
    assert got["data"]["title"] == rec["title"]
    assert got["data"]["damages"][0]["type"] == "crumbling"
    listed = client.get(f"/api/v1/agencies/{AGENCY_A}/records/file_record", headers=h).json()
    assert [x["id"] for x in listed] == [rec["id"]]


@pytest.mark.parametrize("user", FIELD_USERS_OF_A)
def test_field_user_of_a_cannot_read_b(client: TestClient, auth, user: str) -> None:  # type: ignore[no-untyped-def]
    fonds_b, record_b = _seed_b(client, auth)
    h = auth(user)
    assert client.get(f"/api/v1/records/file_record/{record_b}", headers=h).status_code == 404
    assert client.get(f"/api/v1/records/fonds/{fonds_b}", headers=h).status_code == 404
    assert client.get(f"/api/v1/records/file_record/{record_b}/history", headers=h).status_code == 404
    r = client.get(f"/api/v1/agencies/{AGENCY_B}/records/file_record", headers=h)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"
    assert client.get(f"/api/v1/agencies/{AGENCY_B}", headers=h).status_code == 403
    visible = [a["code"] for a in client.get("/api/v1/agencies", headers=h).json()]
    assert visible == [AGENCY_A]


@pytest.mark.parametrize("user", FIELD_USERS_OF_A)
def test_field_user_of_a_cannot_write_b(client: TestClient, auth, app, user: str) -> None:  # type: ignore[no-untyped-def]
    fonds_b, _ = _seed_b(client, auth)
    h = auth(user)
    before = _count_rows(app)
    r = client.post("/api/v1/records/fonds", json=fonds(AGENCY_B, "99"), headers=h)
    assert r.status_code == 403
    r = client.post("/api/v1/records/file_record", json=file_record(AGENCY_B, fonds_b), headers=h)
    assert r.status_code == 403
    # nor by pointing a record of A at B's fonds
    r = client.post("/api/v1/records/file_record", json=file_record(AGENCY_A, fonds_b), headers=h)
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "fonds_id"
    assert _count_rows(app) == before


def _count_rows(app) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    from sqlalchemy import func
    from sqlmodel import Session, select

    from sync_server.models import AuditLog, FileRecord, Fonds

    with Session(app.state.engine) as s:
        return (
            s.exec(select(func.count()).select_from(Fonds)).one(),
            s.exec(select(func.count()).select_from(FileRecord)).one(),
            s.exec(select(func.count()).select_from(AuditLog)).one(),
        )


def test_reviewer_reads_every_agency_but_cannot_list_documents(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    fonds_b, record_b = _seed_b(client, auth)
    h = auth("reviewer")
    assert client.get(f"/api/v1/records/file_record/{record_b}", headers=h).status_code == 200
    assert len(client.get("/api/v1/agencies", headers=h).json()) == 3
    r = client.post("/api/v1/records/file_record", json=file_record(AGENCY_B, fonds_b), headers=h)
    assert r.status_code == 403


@pytest.mark.parametrize("user", ["reviewer", "head_a", "surveyor_a"])
def test_admin_endpoints_refuse_other_roles(client: TestClient, auth, user: str) -> None:  # type: ignore[no-untyped-def]
    h = auth(user)
    assert client.get("/api/v1/admin/users", headers=h).status_code == 403
    body = {"username": "intruder", "password": "mat-khau-dot-nhap", "role": "admin"}
    assert client.post("/api/v1/admin/users", json=body, headers=h).status_code == 403
    files = {"file": ("a.csv", b"code,name,kind\nX1,X,other\n", "text/csv")}
    assert client.post("/api/v1/admin/agencies/import", files=files, headers=h).status_code == 403


def test_every_api_route_declares_who_may_call_it(app) -> None:  # type: ignore[no-untyped-def]
    from fastapi.routing import APIRoute, iter_route_contexts

    from sync_server.api.deps import ROLES_KEY

    routes = [
        (ctx.path or "", ctx.original_route)
        for ctx in iter_route_contexts(app.routes)  # included routers are wrapped: walk them all
        if isinstance(ctx.original_route, APIRoute) and (ctx.path or "").startswith("/api/")
    ]
    undeclared = [path for path, r in routes if not (r.openapi_extra or {}).get(ROLES_KEY)]
    assert len(routes) > 30
    assert undeclared == []
