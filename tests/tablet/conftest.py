"""Tablet fixtures: containers (the app's composition root) on temp data dirs, a real server over HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mobile_app.container import Container, build_container
from mobile_app.sync import RetryPolicy
from tests.conftest import login
from tests.sync.conftest import live_server  # noqa: F401  (the real server on a socket)

FAST_RETRY = RetryPolicy(attempts=2, base=0.01, cap=0.02)


@pytest.fixture
def make_container(tmp_path: Path) -> Iterator[Callable[..., Container]]:
    """``make_container(name="tab")`` -> a container on its own data dir (same name: same dir)."""

    def make(name: str = "tab", **kw: object) -> Container:
        kw.setdefault("autosave_delay", 0)
        kw.setdefault("retry", FAST_RETRY)
        return build_container(tmp_path / name, **kw)  # type: ignore[arg-type]

    yield make


@pytest.fixture
def enroll_code(client: TestClient) -> Callable[[str], str]:
    """``enroll_code("surveyor_a")`` -> a fresh one-time enrollment code from the admin API."""

    def make(username: str) -> str:
        admin = login(client, "admin")
        resp = client.post(f"/api/v1/admin/users/{username}/enroll-codes", headers=admin)
        assert resp.status_code == 200, resp.text
        return str(resp.json()["code"])

    return make


@pytest.fixture
def enrolled(make_container, enroll_code, live_server: str) -> Callable[..., Container]:  # type: ignore[no-untyped-def]  # noqa: F811
    """``enrolled("surveyor_a")`` -> a container enrolled over HTTP and synced once (agencies pulled)."""

    def make(username: str = "surveyor_a", name: str = "tab") -> Container:
        c = make_container(name)
        model = c.enrollment()
        model.set("server_url", live_server)
        model.set("code", enroll_code(username))
        assert model.submit(), model.error
        return c

    return make
