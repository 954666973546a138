"""The API documentation works on a network with no way out (issue #14.8): Swagger UI renders from
this server's own assets, under a CSP, and ``/`` leads to the web pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import shot

LOCAL = {"127.0.0.1", "localhost"}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_docs_page_renders_offline_in_chromium(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    outside: list[str] = []
    problems: list[str] = []

    def only_local(route: Any) -> None:
        host = urlsplit(route.request.url).hostname
        if host in LOCAL:
            route.continue_()
        else:  # the archive's network: nothing beyond the server answers
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto(f"{live_server}/docs")
        title = page.locator(".swagger-ui .info .title")
        title.wait_for(timeout=30_000)
        assert "SaoLuu" in title.inner_text()
        page.get_by_text("/api/v1/sync/push", exact=True).first.wait_for(timeout=30_000)
        shot(page, "api-docs")
    finally:
        context.close()
    assert outside == [] and problems == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_root_leads_to_the_web_pages_and_docs_carry_a_csp(client: TestClient) -> None:
    r = client.get("/", follow_redirects=False)
    assert r.status_code in (302, 307) and r.headers["location"] == "/web"
    docs = client.get("/docs")
    csp = docs.headers["content-security-policy"]
    assert (
        "script-src 'self' 'sha256-" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "cdn" not in docs.text.lower() and "/docs-static/swagger-ui-bundle.js" in docs.text
    assert client.get("/docs-static/swagger-ui-bundle.js").status_code == 200
