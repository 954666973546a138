"""The approved list's page over HTTP: a large list's annex goes through an export job."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from sync_server.web.routes import approved_lists as route
from tests.plan.conftest import Survey
from tests.waiting import poll
from tests.web.conftest import csrf_of


def test_a_large_lists_annex_is_made_by_an_export_job(
    survey: Survey, web: Callable[[str], TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    survey.file("1", pages=3, title="Sổ công văn đi năm 1976")
    survey.file("2", pages=4, title="Tập báo cáo năm 1977")
    assert survey.freeze().status_code == 201
    monkeypatch.setattr(route, "DIRECT_LIMIT", 1)  # two files count as a large list here
    c = web("reviewer")
    page = c.get("/web/approved-lists/1")
    assert "Tạo phụ lục (Excel, chạy nền)" in page.text and 'id="annex-link"' not in page.text
    direct = c.get("/web/approved-lists/1/annex", follow_redirects=False)
    assert direct.status_code == 303 and direct.headers["location"] == "/web/approved-lists/1"
    started = c.post(
        "/web/approved-lists/1/annex", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert started.status_code == 303
    job_url = started.headers["location"]
    assert re.fullmatch(r"/web/exports/jobs/[\w-]+", job_url)
    assert poll(lambda: 'id="download"' in c.get(job_url).text, timeout=30)
    got = c.get(job_url + "/file")
    assert got.status_code == 200
    cells = [
        str(v)
        for ws in load_workbook(io.BytesIO(got.content), read_only=True).worksheets
        for row in ws.iter_rows(values_only=True)
        for v in row
    ]
    assert "Sổ công văn đi năm 1976" in cells and "Tập báo cáo năm 1977" in cells
