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
            cached = client.get("/api/v1/me", headers=headers).status_code
            time.sleep(1.2)
            assert client.get("/api/v1/me", headers=headers).status_code == 401
            assert cached == 200  # the cache is in use (else this test proves nothing about it)
    finally:
        other_process.dispose()
        app.state.engine.dispose()
