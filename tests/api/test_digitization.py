"""The archive centre marks files digitized: staff only, all-or-nothing, audited, version unchanged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import AGENCY_A
from tests.exports.helpers import add_file, add_fonds

URL = "/api/v1/digitization"


def _files(client: TestClient, auth: Any, n: int) -> list[dict[str, Any]]:
    a = auth("surveyor_a")
    f = add_fonds(client, a, AGENCY_A, "12")
    return [add_file(client, a, AGENCY_A, f["id"], file_no=str(i + 1)) for i in range(n)]


def _record(client: TestClient, auth: Any, rid: str) -> dict[str, Any]:
    return client.get(f"/api/v1/records/file_record/{rid}", headers=auth("reviewer")).json()  # type: ignore[no-any-return]


def _history(client: TestClient, auth: Any, rid: str) -> list[dict[str, Any]]:
    return client.get(f"/api/v1/records/file_record/{rid}/history", headers=auth("reviewer")).json()  # type: ignore[no-any-return]


def test_mark_and_clear_digitized_is_audited_and_keeps_the_version(client: TestClient, auth: Any) -> None:
    files = _files(client, auth, 2)
    ids = [f["id"] for f in files]
    day = dt.date.today() - dt.timedelta(days=3)
    resp = client.post(URL, json={"ids": ids, "on": day.isoformat()}, headers=auth("reviewer"))
    assert resp.status_code == 200 and resp.json() == {"changed": 2}
    again = client.post(URL, json={"ids": ids, "on": day.isoformat()}, headers=auth("reviewer"))
    assert again.json() == {"changed": 0}  # already so: nothing written twice
    assert _record(client, auth, ids[0])["version"] == 1
    entry = _history(client, auth, ids[0])[-1]
    assert entry["action"] == "digitized" and entry["version_before"] == entry["version_after"] == 1

    cleared = client.post(URL, json={"ids": ids[:1], "on": None}, headers=auth("admin"))
    assert cleared.json() == {"changed": 1}
    assert [h["action"] for h in _history(client, auth, ids[0])][-2:] == ["digitized", "digitized:cleared"]


def test_bad_requests_change_nothing(client: TestClient, auth: Any) -> None:
    files = _files(client, auth, 1)
    rid = files[0]["id"]
    unknown = "7d9f3c1e-0000-4000-8000-000000000000"
    resp = client.post(URL, json={"ids": [rid, unknown]}, headers=auth("reviewer"))
    assert resp.status_code == 422
    err = resp.json()["error"]["details"][0]
    assert err["field"] == "ids" and err["reason"] == "unknown_reference" and err["message"]["vi"]
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    resp = client.post(URL, json={"ids": [rid], "on": future}, headers=auth("reviewer"))
    assert resp.status_code == 422 and resp.json()["error"]["details"][0]["reason"] == "in_future"
    assert client.post(URL, json={"ids": []}, headers=auth("reviewer")).status_code == 422
    for who in ("surveyor_a", "head_a"):
        assert client.post(URL, json={"ids": [rid]}, headers=auth(who)).status_code == 403
    assert [h["action"] for h in _history(client, auth, rid)] == ["create"]
