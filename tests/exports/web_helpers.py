"""Signing in to the web pages from tests: a TestClient through the form, or a Playwright page."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import ACCOUNTS

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def web_client(app: Any, username: str, password: str | None = None) -> TestClient:
    """A TestClient signed in to ``/web`` through the sign-in form (keeps its own cookies)."""
    c = TestClient(app)
    form = c.get("/web/login")
    pw = password if password is not None else ACCOUNTS[username].password
    r = c.post(
        "/web/login",
        data={"username": username, "password": pw, "csrf_token": csrf(form.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return c


def post_form(c: TestClient, page_url: str, action: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """Open ``page_url``, then post ``data`` with its CSRF token to ``action`` (no redirects followed)."""
    token = csrf(c.get(page_url).text)
    return c.post(action, data={**data, "csrf_token": token}, follow_redirects=False, **kwargs)


def browser_sign_in(browser: Any, base: str, username: str) -> Any:
    """A Playwright page signed in through the sign-in form."""
    context = browser.new_context(
        viewport={"width": 1440, "height": 1000}, locale="vi-VN", accept_downloads=True
    )
    page = context.new_page()
    page.goto(f"{base}/web/login")
    page.fill("#username", username)
    page.fill("#password", ACCOUNTS[username].password)
    page.get_by_role("button", name=re.compile("Đăng nhập|Sign in")).click()
    page.wait_for_url(re.compile(r"/web/(dashboard|agency|inventory)"))
    return page
