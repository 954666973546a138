"""Authorisation matrix, generated from the route table: every API endpoint and every web page ×
every role (and no one) -> allowed or refused as the route declares. A new route without a rule
fails here, and so does a route whose rule is not enforced.

The role gate is what is checked for every route, with path parameters filled with the caller's own
agency or with unknown ids (so an allowed call ends in 2xx/404/409/422, never 401/403). Own-versus-
other-agency scoping is then checked on the routes that take an agency or a record of one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from sync_server.api.deps import AUTHENTICATED, PUBLIC, ROLES_KEY
from sync_server.web.deps import ROLES_ATTR, SESSION_COOKIE
from sync_server.web.sessions import csrf_token
from tests.api.records_data import file_record, fonds
from tests.conftest import AGENCY_A, AGENCY_B, login
from tests.web.conftest import csrf_of, web_login

USERS = {
    "admin": "admin",
    "reviewer": "reviewer",
    "agency_head": "head_a",
    "surveyor": "surveyor_a",
    "digitizer": "operator",
}
NO_AGENCY = frozenset({"digitizer"})
"""Roles that see no agency's survey data: a route about an agency refuses them whatever it declares."""
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
SHA = "0" * 64


def _routes(app: Any, prefix: str) -> Iterator[tuple[str, str, APIRoute]]:
    for ctx in iter_route_contexts(app.routes):
        route = ctx.original_route
        path = ctx.path or ""
        if isinstance(route, APIRoute) and path.startswith(prefix) and not path.endswith("/logout"):
            for method in sorted(ctx.methods or []):
                yield method, path, route


def _api_roles(route: APIRoute) -> list[str]:
    return list((route.openapi_extra or {}).get(ROLES_KEY) or [])


# signing out ends the session the matrix runs on: it is left out here and tested on its own


def _page_roles(route: APIRoute) -> list[str]:
    for dep in route.dependant.dependencies:
        roles = getattr(dep.call, ROLES_ATTR, None)
        if roles:
            return list(roles)
    return []


def _fill(path: str, agency: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if "agency" in name or name == "code":
            return agency
        if "sha" in name:
            return SHA
        if name in ("kind", "type", "entity_type"):
            return "file_record"
        if name == "username":
            return "surveyor_b"
        return UNKNOWN_ID

    return re.sub(r"\{(\w+)(?::\w+)?\}", value, path)


def _csrf(app: Any, client: TestClient) -> str:
    """The CSRF token of the client's session, as the pages put it in their forms."""
    return csrf_token(app.state.settings.secret_key, client.cookies[SESSION_COOKIE])


def _allowed(declared: list[str], role: str | None) -> bool:
    if PUBLIC in declared:
        return True
    if role is None:
        return False
    return AUTHENTICATED in declared or role in declared


def test_every_route_declares_its_roles(app) -> None:  # type: ignore[no-untyped-def]
    missing = [f"{m} {p}" for m, p, r in _routes(app, "/api/") if not _api_roles(r)]
    missing += [f"{m} {p}" for m, p, r in _routes(app, "/web") if not _page_roles(r)]
    assert missing == []
    assert len(list(_routes(app, "/api/"))) > 30 and len(list(_routes(app, "/web"))) > 20


def test_api_role_matrix(app, client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    headers: dict[str | None, dict[str, str]] = {None: {}}
    headers.update({role: auth(user) for role, user in USERS.items()})
    wrong = []
    checked = 0
    for method, path, route in _routes(app, "/api/"):
        declared = _api_roles(route)
        for role, h in headers.items():
            url = _fill(path, AGENCY_A)
            status = client.request(method, url, headers=h).status_code
            checked += 1
            allowed = _allowed(declared, role) and not (role in NO_AGENCY and "/agencies/{code}" in path)
            if allowed and status in (401, 403):
                wrong.append(f"{role} {method} {url}: {status}, declared {declared}")
            if not allowed and status != (401 if role is None else 403):
                wrong.append(f"{role} {method} {url}: {status}, expected refusal, declared {declared}")
    assert wrong == []
    assert checked > 150


def test_page_role_matrix(app) -> None:  # type: ignore[no-untyped-def]
    clients: dict[str | None, tuple[TestClient, str]] = {}
    anon = TestClient(app)
    clients[None] = (anon, csrf_of(anon.get("/web/login").text))
    for role, user in USERS.items():
        c = TestClient(app)
        assert web_login(c, user).status_code == 303
        # the scan station, a digitizer's start page, comes with the web pages: its form's token then
        home = c.get("/web")
        token = csrf_of(home.text) if home.status_code == 200 else _csrf(app, c)
        clients[role] = (c, token)
    wrong = []
    for method, path, route in _routes(app, "/web"):
        declared = _page_roles(route)
        if PUBLIC in declared:
            continue
        for role, (c, token) in clients.items():
            url = _fill(path, AGENCY_A)
            data = {"csrf_token": token} if method == "POST" else None
            status = c.request(method, url, data=data, follow_redirects=False).status_code
            allowed = _allowed(declared, role)
            if role is None:
                if status not in (303, 401):  # anonymous: sent to the sign-in page
                    wrong.append(f"anonymous {method} {url}: {status}")
            elif allowed and status in (401, 403):
                wrong.append(f"{role} {method} {url}: {status}, declared {declared}")
            elif not allowed and status != 403:
                wrong.append(f"{role} {method} {url}: {status}, expected 403, declared {declared}")
    assert wrong == []


@pytest.mark.parametrize("user", ["head_a", "surveyor_a"])
def test_own_and_other_agency(client: TestClient, auth, user: str) -> None:  # type: ignore[no-untyped-def]
    """Field users of A: their agency's agency, records and lists open; B's are refused or hidden."""
    records: dict[str, str] = {}
    for agency, owner in ((AGENCY_A, "surveyor_a"), (AGENCY_B, "surveyor_b")):
        f = fonds(agency)
        rec = file_record(agency, f["id"])
        h = login(client, owner)
        for kind, body in (("fonds", f), ("file_record", rec)):
            assert client.post(f"/api/v1/records/{kind}", json=body, headers=h).status_code == 201
        records[agency] = rec["id"]
    h = auth(user)
    for agency, ok in ((AGENCY_A, True), (AGENCY_B, False)):
        for url in (
            f"/api/v1/agencies/{agency}",
            f"/api/v1/records/file_record/{records[agency]}",
            f"/api/v1/records/file_record/{records[agency]}/history",
        ):
            status = client.get(url, headers=h).status_code
            assert (status == 200) if ok else (status in (403, 404)), (user, url, status)


DIGITIZER_MAY = {
    ("GET", "/api/v1/approved-lists"): False,
    ("GET", "/api/v1/approved-lists/preview"): False,
    ("POST", "/api/v1/approved-lists"): False,
    ("GET", "/api/v1/approved-lists/{number}"): False,
    ("GET", "/api/v1/approved-lists/{number}/items"): False,
    ("GET", "/api/v1/approved-lists/{number}/scan"): False,
    ("GET", "/api/v1/approved-lists/{number}/annex"): False,
    ("POST", "/api/v1/approved-lists/{number}/annex/jobs"): False,
    ("GET", "/api/v1/plan/batches"): True,
    ("POST", "/api/v1/plan/batches"): False,
    ("POST", "/api/v1/plan/suggest"): False,
    ("POST", "/api/v1/plan/apply"): False,
    ("POST", "/api/v1/plan/move"): False,
    ("GET", "/api/v1/plan/summary"): False,
    ("POST", "/api/v1/custody/check-out"): True,
    ("POST", "/api/v1/custody/check-in"): True,
    ("GET", "/api/v1/custody/boxes"): True,
    ("GET", "/api/v1/custody/boxes/{code}"): True,
    ("GET", "/api/v1/custody/overdue"): True,
    ("POST", "/api/v1/digitization"): False,  # the quality check's acceptance
    ("HEAD", "/api/v1/scans/uploads"): True,
    ("PATCH", "/api/v1/scans/uploads"): True,
    ("POST", "/api/v1/scans/ingest"): True,
    ("GET", "/api/v1/scans/runs/{run_id}"): True,
    ("GET", "/api/v1/scans/runs/{run_id}/report"): True,
    ("GET", "/api/v1/digitization/{record_id}/master"): False,
    ("GET", "/api/v1/digitization/{record_id}/master.pdf"): False,
    ("GET", "/api/v1/digitization/{record_id}/master/pages/{page_no}"): False,
    ("POST", "/api/v1/digitization/{record_id}/accept"): False,
    ("POST", "/api/v1/digitization/{record_id}/rescan"): False,
}
"""The digitization phase's routes (all in the matrix above) and whether a digitization operator may
call them: the scan station's, never the approval, the plan or the quality check. Staff may call all."""


def test_the_digitization_routes_declare_what_an_operator_and_field_users_may_do(app) -> None:  # type: ignore[no-untyped-def]
    declared = {(m, p): _api_roles(r) for m, p, r in _routes(app, "/api/")}
    assert set(DIGITIZER_MAY) <= set(declared)
    for key, operator in DIGITIZER_MAY.items():
        roles = declared[key]
        assert ("digitizer" in roles) == operator, (key, roles)
        assert {"admin", "reviewer"} <= set(roles) and not {"surveyor", "agency_head"} & set(roles), key


def test_the_operator_opens_the_scan_station_and_no_staff_digitization_page(app) -> None:  # type: ignore[no-untyped-def]
    """The declared roles of the digitization pages, spelled out: the operator (contractor staff)
    checks boxes out and in, and neither approves lists nor plans."""
    pages = ("/web/scan-station", "/web/scan-station/boxes", "/web/approved-lists", "/web/approved-lists/new")
    pages += ("/web/plan",)
    seen: dict[str, list[int]] = {}
    for user in ("operator", "reviewer"):
        c = TestClient(app)
        assert web_login(c, user).status_code == 303
        seen[user] = [c.get(p, follow_redirects=False).status_code for p in pages]
        c.close()
    assert seen == {"operator": [200, 200, 403, 403, 403], "reviewer": [200, 200, 200, 200, 200]}
