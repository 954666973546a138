"""Hostile values get a 4xx, never a 5xx (issue #14.5): a tablet retries a 5xx, so one such record
would block its outbox for good. Each case below was a 500 (or, for NUL, stored on SQLite)."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

from fastapi.testclient import TestClient

from tests.api.records_data import file_record, fonds
from tests.api.test_sync_server import batch, change, enroll
from tests.conftest import AGENCY_A
from tests.web.conftest import web_login


def test_integers_out_of_range_are_a_422(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    for cursor in ("1e30", str(10**30), str(2**63), "-1", "1.5", "nan"):
        r = client.get("/api/v1/sync/pull", params={"cursor": cursor}, headers=auth("surveyor_a"))
        assert r.status_code == 422, (cursor, r.text)
    for offset in (str(2**63), str(10**30)):
        url = f"/api/v1/agencies/{AGENCY_A}/records/fonds"
        r = client.get(url, params={"offset": offset}, headers=auth("admin"))
        assert r.status_code == 422, (offset, r.text)
    assert client.get(url, params={"offset": str(2**63 - 1)}, headers=auth("admin")).json() == []


def test_a_visit_time_out_of_range_is_rejected_not_a_500(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    tablet = enroll(client, auth, "surveyor_a")
    times = [
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+23:59",
        "9999-12-31T23:59:59",
        "1200-01-01T00:00Z",
    ]
    visits = [{"id": str(uuid.uuid4()), "agency_code": AGENCY_A, "started_at": t} for t in times]
    r = client.post("/api/v1/sync/push", json=batch(*(change("visit", v) for v in visits)), headers=tablet)
    assert r.status_code == 200, r.text
    for result in r.json()["results"]:
        assert result["status"] == "rejected" and result["errors"][0]["field"] == "data.started_at"
        assert result["errors"][0]["reason"] == "out_of_range"


def test_a_nul_byte_is_refused_on_every_engine(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    tablet = enroll(client, auth, "surveyor_a")
    f = {**fonds(AGENCY_A), "name": "Phông\x00UBND"}
    r = client.post("/api/v1/sync/push", json=batch(change("fonds", f)), headers=tablet)
    assert r.status_code == 200, r.text
    (result,) = r.json()["results"]
    assert result["status"] == "rejected" and result["errors"][0]["field"] == "data.name"
    assert result["errors"][0]["reason"] == "bad_characters"
    r = client.post("/api/v1/records/fonds", json=f, headers=auth("admin"))
    assert r.status_code == 422 and r.json()["error"]["details"][0]["reason"] == "bad_characters"
    rec = file_record(
        AGENCY_A, str(uuid.uuid4()), damages=[{"type": "other", "severity": 1, "note": "a\x00b"}]
    )
    r = client.post("/api/v1/sync/push", json=batch(change("file_record", rec)), headers=tablet)
    assert r.json()["results"][0]["status"] == "rejected"
    r = client.get("/api/v1/sync/pull", params={"cursor": "1\x00"}, headers=tablet)
    assert r.status_code in (400, 422)
    r = client.post(
        "/api/v1/admin/users",
        json={
            "username": "ks-moi",
            "password": "mat-khau-khao-sat-moi",
            "role": "reviewer",
            "full_name": "A\x00",
        },
        headers=auth("admin"),
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["reason"] == "bad_characters"
    assert client.get("/api/v1/agencies", params={"q": "S\x00"}, headers=auth("admin")).status_code < 500


def _cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def test_inventory_cursors_out_of_range_are_ignored(app) -> None:  # type: ignore[no-untyped-def]
    web = TestClient(app)
    assert web_login(web, "reviewer").status_code == 303
    for values in ([10**30, "x"], [-(10**30), "x"], [2**63, "x"], [1e308, "x"], [0, "x" * 2000], [0, "\x00"]):
        for direction in ("after", "before"):
            for sort in ("recent", "title", "severity"):
                r = web.get("/web/inventory", params={direction: _cursor(values), "sort": sort})
                assert r.status_code == 200, (values, direction, sort, r.status_code)


def test_web_forms_refuse_a_nul_byte(app) -> None:  # type: ignore[no-untyped-def]
    from tests.web.conftest import csrf_of

    web = TestClient(app)
    assert web_login(web, "admin").status_code == 303
    form = web.get("/web/admin")
    data = {"username": "ks-nul", "full_name": "Nguyễn\x00", "password": "mat-khau-khao-sat-moi"}
    r = web.post("/web/admin/users", data={**data, "role": "reviewer", "csrf_token": csrf_of(form.text)})
    assert 400 <= r.status_code < 500, r.status_code
    refused = web.get("/web/inventory", params={"q": "mủn\x00"})
    assert refused.status_code == 400 and "content-security-policy" in refused.headers  # a page, as others
