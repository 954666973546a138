"""Web page tests: the real app (SQLite and PostgreSQL), a seeded world, signed-in browsers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.browser import artifacts_dir
from tests.conftest import ACCOUNTS
from tests.plan.conftest import survey  # noqa: F401 (the digitization pages' world)
from tests.sync.conftest import live_server, tablet  # noqa: F401 (fixtures used by the browser tests)
from tests.web.world import World, build

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def world(app, client: TestClient) -> World:  # type: ignore[no-untyped-def]
    return build(app, client)


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def web_login(client: TestClient, username: str, password: str | None = None) -> Any:
    """Sign in through the sign-in form (the client keeps the session cookie)."""
    form = client.get("/web/login")
    pw = password if password is not None else ACCOUNTS[username].password
    return client.post(
        "/web/login",
        data={"username": username, "password": pw, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )


@pytest.fixture
def web(app) -> Iterator[Callable[[str], TestClient]]:  # type: ignore[no-untyped-def]
    """``web("reviewer")`` -> a TestClient signed in to the pages as that account (own cookies)."""
    made: list[TestClient] = []

    def make(username: str) -> TestClient:
        c = TestClient(app)
        made.append(c)
        r = web_login(c, username)
        assert r.status_code == 303, r.text
        return c

    yield make
    for c in made:
        c.close()


@pytest.fixture
def signed_in(browser, live_server: str):  # type: ignore[no-untyped-def]  # noqa: F811
    """``signed_in("reviewer")`` -> a Playwright page signed in through the sign-in form."""
    contexts = []

    def make(username: str, lang: str | None = None) -> Any:
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="vi-VN")
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server}/web/login")
        if lang == "en":
            page.get_by_role("link", name="English").click()
        page.fill("#username", username)
        page.fill("#password", ACCOUNTS[username].password)
        page.get_by_role("button", name=re.compile("Đăng nhập|Sign in")).click()
        page.wait_for_url(re.compile(r"/web/(dashboard|agency|inventory|scan-station)"))
        return page

    yield make
    for context in contexts:
        context.close()


def shot(page: Any, name: str) -> None:
    """A full-page screenshot under the run's ``web`` artifacts."""
    page.screenshot(path=str(artifacts_dir("web") / f"{name}.png"), full_page=True)


def go(page: Any, name: str) -> None:
    """Follow a link of the main navigation."""
    nav = page.get_by_role("navigation", name=re.compile("Điều hướng chính|Main navigation"))
    nav.get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()
