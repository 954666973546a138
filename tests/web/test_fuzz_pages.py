"""The web pages fuzzed through their query parameters (hypothesis, bounded examples): whatever a
URL holds, a page answers below 500 (issue #14.5)."""

from __future__ import annotations

import base64
import json
from typing import Any

from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzzing import bounded
from tests.web.conftest import web_login
from tests.web.world import World

EXAMPLES = 250
PARAMS = [
    "after", "before", "page", "q", "agency", "agency_code", "fonds", "fonds_id", "campaign", "criterion",
    "damage", "severity", "carrier", "state", "conflicted", "sort", "kind", "parent", "status", "next",
    "format", "edit", "size", "box_ids", "year", "lang",
]  # fmt: skip
"""Every query parameter a page reads (and a few it does not)."""


def _cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


huge = st.integers(min_value=-(10**40), max_value=10**40)
values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    huge.map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.lists(st.one_of(huge, st.text(max_size=8), st.floats(allow_nan=False)), max_size=3).map(_cursor),
    st.sampled_from(["", "0", "-1", "1e30", "\x00", "%00", "2026", "recent", "title", "csv", "thumb"]),
)
queries = st.dictionaries(st.sampled_from(PARAMS) | st.text(min_size=1, max_size=8), values, max_size=5)


def _get_pages(app: Any, world: World) -> list[str]:
    """Every ``GET /web`` page, with its path parameters filled from the world (or made up)."""
    rid = world.records["crumbling"]
    fill = {
        "{rid}": rid,
        "{username}": "surveyor_a",
        "{lang}": "en",
        "{job_id}": "0" * 32,
        "{sha256}": "f" * 64,
    }
    pages = []
    for ctx in iter_route_contexts(app.routes):  # included routers are wrapped: walk them all
        route, path = ctx.original_route, ctx.path or ""
        if isinstance(route, APIRoute) and path.startswith("/web") and "GET" in route.methods:
            for key, value in fill.items():
                path = path.replace(key, value)
            pages.append(path)
    return sorted(set(pages))


def test_no_query_gives_a_page_a_server_error(app, client: TestClient, world: World) -> None:  # type: ignore[no-untyped-def]
    pages = _get_pages(app, world)
    assert len(pages) >= 18
    browsers = {}
    for username in ("reviewer", "head_a", "surveyor_a", "admin"):
        browsers[username] = TestClient(app)
        assert web_login(browsers[username], username).status_code == 303

    @given(page=st.sampled_from(pages), user=st.sampled_from(sorted(browsers)), query=queries)
    @bounded(EXAMPLES)
    def fuzz(page: str, user: str, query: dict[str, str]) -> None:
        r = browsers[user].get(page, params=query, follow_redirects=False)
        assert r.status_code < 500, f"{user} GET {page} {query!r}: {r.status_code}"

    fuzz()
