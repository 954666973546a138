"""Export downloads name their file safely (issue #14.6): the agency code is validated before it
reaches a header, and file names follow RFC 6266 / 5987."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sync_server.responses import content_disposition
from tests.conftest import AGENCY_A


def test_an_agency_code_that_would_split_the_header_is_refused(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    for code in ('X"; filename="evil.html', "Sở-Nội-vụ", "A\r\nSet-Cookie: x=1", "x" * 41):
        r = client.get(
            "/api/v1/exports/catalogue/file", params={"agency_code": code}, headers=auth("reviewer")
        )
        assert r.status_code == 422, (code, r.status_code)
        assert r.json()["error"]["details"][0]["field"] == "agency_code"


def test_a_download_names_its_file_once_in_both_forms(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    r = client.get(
        "/api/v1/exports/catalogue/file", params={"agency_code": AGENCY_A.lower()}, headers=auth("reviewer")
    )
    assert r.status_code == 200, r.text
    disposition = r.headers["content-disposition"]
    assert disposition.startswith(f'attachment; filename="danh-muc-ho-so_{AGENCY_A}_')
    assert disposition.count("filename=") == 1 and disposition.count("filename*=UTF-8''") == 1


def test_file_names_are_encoded_per_rfc_6266() -> None:
    assert content_disposition("chua-bao-cao-2026.csv") == (
        "attachment; filename=\"chua-bao-cao-2026.csv\"; filename*=UTF-8''chua-bao-cao-2026.csv"
    )
    assert content_disposition('báo cáo "a";b.xlsx') == (
        "attachment; filename=\"b_o c_o _a_;b.xlsx\"; filename*=UTF-8''b%C3%A1o%20c%C3%A1o%20%22a%22%3Bb.xlsx"
    )
