"""Sign-in, tokens and revocation over the real app."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from sync_server.app import create_app
from sync_server.auth import revoke_tokens
from sync_server.config import Settings
from sync_server.db import make_engine
from sync_server.models import User
from tests.conftest import login


def test_login_returns_bearer_token_and_me_reports_scope(client: TestClient) -> None:
    headers = login(client, "surveyor_a")
    me = client.get("/api/v1/me", headers=headers).json()
    assert me["username"] == "surveyor_a"
    assert me["role"] == "surveyor"
    assert me["agency_codes"] == ["000.00.01.H47"]


def test_wrong_password_is_refused_with_structured_vietnamese_error(client: TestClient) -> None:
    r = client.post("/api/v1/auth/token", data={"username": "admin", "password": "sai-mat-khau"})
    assert r.status_code == 401
    err = r.json()["error"]
    assert err["code"] == "bad_credentials"
    assert err["message"]["vi"] == "Sai tên đăng nhập hoặc mật khẩu"
    assert err["message"]["en"]


def test_missing_or_garbage_token_is_401(client: TestClient) -> None:
    assert client.get("/api/v1/me").status_code == 401
    r = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "not_authenticated"


def test_logout_revokes_the_token_at_once(client: TestClient) -> None:
    headers = login(client, "head_a")
    other = login(client, "head_a")
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get("/api/v1/me", headers=other).status_code == 200  # only that session ended


def test_password_reset_or_deactivation_revokes_every_token(client: TestClient) -> None:
    admin = login(client, "admin")
    victim = login(client, "surveyor_b")
    r = client.patch("/api/v1/admin/users/surveyor_b", json={"password": "mat-khau-moi-1"}, headers=admin)
    assert r.status_code == 200, r.text
    assert client.get("/api/v1/me", headers=victim).status_code == 401
    fresh = login(client, "surveyor_b", "mat-khau-moi-1")
    client.patch("/api/v1/admin/users/surveyor_b", json={"active": False}, headers=admin)
    assert client.get("/api/v1/me", headers=fresh).status_code == 401
    r = client.post("/api/v1/auth/token", data={"username": "surveyor_b", "password": "mat-khau-moi-1"})
    assert r.status_code == 401


def test_passwords_are_stored_as_argon2_hashes(app) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import Session, select

    from sync_server.models import User

    with Session(app.state.engine) as session:
        user = session.exec(select(User).where(User.username == "admin")).one()
    assert user.password_hash.startswith("$argon2id$")
    assert "matkhau-admin" not in user.password_hash


def test_expired_user_and_device_tokens_stop_working(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    """A token past its expiry (user sessions 12 h, devices 365 days) is refused like a revoked one."""
    import datetime as dt

    from sqlmodel import Session, select

    from sync_server.auth import token_digest
    from sync_server.models import ApiToken

    user = login(client, "surveyor_a")
    admin = login(client, "admin")
    code = client.post("/api/v1/admin/users/surveyor_a/enroll-codes", headers=admin).json()["code"]
    device_token = client.post("/api/v1/devices/enroll", json={"code": code, "device_name": "tab"}).json()[
        "token"
    ]
    device = {"Authorization": f"Bearer {device_token}"}
    for headers in (user, device):
        assert client.get("/api/v1/sync/pull", headers=headers).status_code == 200

    with Session(app.state.engine) as s:
        for headers in (user, device):
            secret = headers["Authorization"].removeprefix("Bearer ")
            row = s.exec(select(ApiToken).where(ApiToken.token_hash == token_digest(secret))).one()
            row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)  # as if the time had passed
            s.add(row)
        s.commit()
    for headers in (user, device):
        resp = client.get("/api/v1/sync/pull", headers=headers)
        assert resp.status_code == 401 and resp.json()["error"]["code"] == "not_authenticated"
    assert (
        client.get("/api/v1/sync/pull", headers=login(client, "surveyor_a")).status_code == 200
    )  # sign in again


def test_a_token_revoked_by_another_server_process_stops_working_within_the_cache_time(
    settings: Settings,
) -> None:
    """Each process keeps what it read about a token for ``SAOLUU_AUTH_CACHE_SECONDS``; its own
    revocations clear that at once (the tests above), another process's are seen within that time."""
    app = create_app(settings.model_copy(update={"auth_cache_seconds": 1.0}))
    other_process = make_engine(settings)  # its writes can't reach this app's cache
    try:
        with TestClient(app) as client:
            headers = login(client, "surveyor_a")
            assert client.get("/api/v1/me", headers=headers).status_code == 200
            with Session(other_process) as s:
                user = s.exec(select(User).where(User.username == "surveyor_a")).one()
                assert user.id is not None and revoke_tokens(s, user.id) >= 1
                s.commit()
            revoked_at = time.monotonic()
            cached = client.get("/api/v1/me", headers=headers).status_code
            while client.get("/api/v1/me", headers=headers).status_code == 200:
                assert time.monotonic() - revoked_at < 5, "the revocation was never seen"
            assert cached == 200  # the cache is in use (else this test proves nothing about it)
            assert time.monotonic() - revoked_at < 1.0 + 1.0  # within the cache time (and a margin)
    finally:
        other_process.dispose()
        app.state.engine.dispose()


def _api_sign_in(client: TestClient, username: str, password: str) -> int:
    return client.post("/api/v1/auth/token", data={"username": username, "password": password}).status_code


def test_api_sign_in_is_throttled_with_the_web_form(app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    """One lockout for both doors: failures through the API lock the web form and the API alike,
    the right password included, for that user from that address only."""
    from tests.web.conftest import web_login

    for _ in range(4):
        assert _api_sign_in(client, "reviewer", "sai-mat-khau") == 401
    locked = client.post("/api/v1/auth/token", data={"username": "reviewer", "password": "sai-mat-khau"})
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(locked.headers["Retry-After"]) <= 60
    assert _api_sign_in(client, "reviewer", "matkhau-reviewer") == 429  # the right password waits too
    assert web_login(client, "reviewer").status_code == 429  # and the web form says the same
    assert _api_sign_in(client, "admin", "matkhau-admin") == 200  # other users are not affected
    elsewhere = TestClient(app, client=("10.0.0.9", 50000))
    assert _api_sign_in(elsewhere, "reviewer", "matkhau-reviewer") == 200  # nor the user elsewhere


def test_web_failures_lock_the_api_too(client: TestClient) -> None:
    from tests.web.conftest import web_login

    for _ in range(5):
        web_login(client, "head_a", "sai-mat-khau")
    assert _api_sign_in(client, "head_a", "matkhau-head_a") == 429


def test_each_token_works_at_its_own_door_only(client: TestClient) -> None:
    """A tablet's or an API bearer token is no web session cookie, and a web session's secret is
    no bearer token."""
    from tests.web.conftest import web_login

    admin = login(client, "admin")
    code = client.post("/api/v1/admin/users/surveyor_a/enroll-codes", headers=admin).json()["code"]
    device = client.post("/api/v1/devices/enroll", json={"code": code, "device_name": "tab"}).json()["token"]
    api = login(client, "surveyor_a")["Authorization"].removeprefix("Bearer ")
    for secret in (device, api):
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
        web = TestClient(client.app)
        web.cookies.set("saoluu_session", secret, path="/web")
        r = web.get("/web/inventory", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/web/login"), secret

    assert web_login(client, "surveyor_a").status_code == 303
    session_secret = client.cookies.get("saoluu_session")
    assert session_secret and client.get("/web/inventory").status_code == 200
    bearer = {"Authorization": f"Bearer {session_secret}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 401
