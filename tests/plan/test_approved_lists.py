"""Approved lists: a numbered, frozen formal act with its signed decision, its supplements and its
annex — staff only, on SQLite and PostgreSQL."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.domain.exports import wording
from tests.conftest import AGENCY_A, AGENCY_B, login
from tests.exports.helpers import read_xlsx, table
from tests.plan.conftest import SIGNED_PDF, Survey

URL = "/api/v1/approved-lists"


def _reason(resp) -> str:  # type: ignore[no-untyped-def]
    return resp.json()["error"]["details"][0]["reason"]  # type: ignore[no-any-return]


def test_freeze_takes_the_approved_files_of_the_scope_numbers_the_list_and_keeps_the_signed_scan(
    survey: Survey,
) -> None:
    a1 = survey.file("1", pages=10)
    a2 = survey.file("2", leaves=5, pages=None)
    survey.file("3", approve=False)  # pending: not in the list
    b1 = survey.file("1", agency=AGENCY_B, pages=7)
    survey.file("9", campaign_id=None)  # no campaign: not in this campaign's list

    preview = survey.client.get(
        f"{URL}/preview", params={"campaign_id": survey.campaign}, headers=survey.auth("reviewer")
    )
    assert preview.status_code == 200, preview.text
    assert preview.json()["files"] == 3 and preview.json()["pages"] == 17

    made = survey.freeze()
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["number"] == 1 and body["files"] == 3 and body["pages"] == 17
    assert body["agency_codes"] == [] and body["supplement_to"] is None
    assert body["decision_number"] == "125/QĐ-SNV" and body["scan_mime"] == "application/pdf"

    h = survey.auth("reviewer")
    got = survey.client.get(f"{URL}/1", headers=h).json()
    assert [(a["code"], a["files"], a["pages"]) for a in got["agencies"]] == [
        (AGENCY_A, 2, 10),
        (AGENCY_B, 1, 7),
    ]
    items = survey.client.get(f"{URL}/1/items", headers=h).json()
    assert [i["record_id"] for i in items] == [a1, a2, b1]  # archival order: agency, fonds, file
    scan = survey.client.get(f"{URL}/1/scan", headers=h)
    assert scan.status_code == 200 and scan.content == SIGNED_PDF
    assert "quyet-dinh-danh-muc-so-1.pdf" in scan.headers["content-disposition"]
    history = survey.client.get("/api/v1/records/file_record/" + a1 + "/history", headers=h).json()
    assert history[-1]["action"] == "review:approved"  # the freeze changes no record


def test_a_list_never_changes_later_approvals_make_a_supplement(survey: Survey) -> None:
    first = survey.file("1", pages=10)
    assert survey.freeze().status_code == 201

    again = survey.freeze()
    assert again.status_code == 422 and _reason(again) == "list_nothing_to_freeze"
    assert "Không còn hồ sơ" in again.json()["error"]["details"][0]["message"]["vi"]

    # the record is corrected after the freeze: the list keeps it as it was approved
    edited = survey.client.get(f"/api/v1/records/file_record/{first}", headers=survey.auth("reviewer")).json()
    data = {**edited["data"], "title": "Tiêu đề sửa sau khi phê duyệt"}
    push = survey.client.post(
        "/api/v1/sync/push",
        json={
            "batch_id": "7d9f3c1e-0000-4000-8000-00000000aa01",
            "changes": [
                {
                    "type": "file_record",
                    "id": first,
                    "rev": 5,
                    "base_version": edited["version"],
                    "data": data,
                }
            ],
        },
        headers=survey.auth("surveyor_a"),
    )
    assert push.status_code == 200, push.text
    live = survey.client.get(f"/api/v1/records/file_record/{first}", headers=survey.auth("reviewer")).json()
    assert live["data"]["title"] == "Tiêu đề sửa sau khi phê duyệt" and live["version"] > edited["version"]
    items = survey.client.get(f"{URL}/1/items", headers=survey.auth("reviewer")).json()
    assert items[0]["title"] != "Tiêu đề sửa sau khi phê duyệt" and items[0]["version"] == edited["version"]

    later = survey.file("2", pages=4)
    supplement = survey.freeze(supplement_to=1, number="140/QĐ-SNV")
    assert supplement.status_code == 201, supplement.text
    assert supplement.json()["number"] == 2 and supplement.json()["supplement_to"] == 1
    items = survey.client.get(f"{URL}/2/items", headers=survey.auth("reviewer")).json()
    assert [i["record_id"] for i in items] == [later]
    lists = survey.client.get(URL, headers=survey.auth("reviewer")).json()
    assert [(x["number"], x["supplements"]) for x in lists] == [(1, [2]), (2, [])]

    survey.file("3")
    nested = survey.freeze(supplement_to=2)
    assert nested.status_code == 422 and _reason(nested) == "list_not_main"
    unknown = survey.freeze(supplement_to=99)
    assert unknown.status_code == 422 and _reason(unknown) == "unknown_reference"


def test_chosen_agencies_and_bad_input(survey: Survey) -> None:
    survey.file("1")
    b = survey.file("1", agency=AGENCY_B)
    made = survey.freeze(agencies=(AGENCY_B,))
    assert made.status_code == 201 and made.json()["agency_codes"] == [AGENCY_B] and made.json()["files"] == 1
    items = survey.client.get(f"{URL}/1/items", headers=survey.auth("reviewer")).json()
    assert [i["record_id"] for i in items] == [b]

    not_scan = survey.freeze(scan=b"<html>not a scan</html>")
    assert not_scan.status_code == 422 and _reason(not_scan) == "not_a_decision_scan"
    unknown = survey.freeze(agencies=("000.00.99.H47",))
    assert unknown.status_code == 422 and _reason(unknown) == "unknown_agency"
    for who in ("surveyor_a", "head_a", "operator"):
        assert survey.freeze(who=who).status_code == 403
    assert survey.client.get(f"{URL}/7", headers=survey.auth("reviewer")).status_code == 404
    # nothing was written by the refusals: list 2 is the next one made
    assert survey.freeze().json()["number"] == 2


def test_the_annex_has_the_catalogues_columns_one_sheet_per_agency(survey: Survey) -> None:
    damages = [{"type": "crumbling", "severity": 4, "readability": "difficult"}]
    survey.file("1", pages=10, damages=damages, criteria=["permanent", "rare"])
    survey.file("2", pages=3)
    survey.file("5", agency=AGENCY_B)
    survey.freeze()
    h = survey.auth("reviewer")
    resp = survey.client.get(f"{URL}/1/annex", headers=h)
    assert resp.status_code == 200, resp.text
    assert "phu-luc-danh-muc-duoc-phe-duyet-so-1.xlsx" in resp.headers["content-disposition"]
    wb = read_xlsx(resp.content)
    assert wb.sheetnames == ["Tổng hợp", AGENCY_A, AGENCY_B]
    assert (
        "Danh mục số 1 — kèm theo văn bản phê duyệt số 125/QĐ-SNV ngày 01/12/2026" in wb[AGENCY_A]["A2"].value
    )
    headers, rows = table(wb[AGENCY_A], 3)
    assert headers[:3] == ["STT", "Số phông", "Tên phông"] and "Tiêu chí" in headers
    assert [r["Hồ sơ số"].value for r in rows] == ["1", "2"]
    assert rows[0]["Tình trạng vật lý"].value == "Mủn – Rất nặng, nguy cơ mất thông tin, khó đọc"
    assert (
        "Tài liệu quý, hiếm" in rows[0]["Tiêu chí"].value and rows[0]["Trạng thái duyệt"].value == "Đã duyệt"
    )
    assert rows[0]["Xử lý"].value == wording.CONSERVATION and rows[1]["Xử lý"].value is None
    _, summary = table(wb["Tổng hợp"], 3)
    columns = ("Mã cơ quan", "Số hồ sơ", "Số trang", "Hồ sơ quý, hiếm", "Hồ sơ khó đọc (tu bổ trước)")
    assert [tuple(r[c].value for c in columns) for r in summary] == [
        (AGENCY_A, 2, 13, 1, 1),
        (AGENCY_B, 1, 0, 0, 0),
    ]


def test_annex_as_a_background_job_gives_the_same_rows(survey: Survey) -> None:
    survey.file("1", pages=2)
    survey.freeze()
    h = survey.auth("reviewer")
    r = survey.client.post(f"{URL}/1/annex/jobs", headers=h)
    assert r.status_code == 202, r.text
    job = r.json()
    deadline = time.monotonic() + 60
    while job["status"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.05)  # polling the job's state, as a client does
        job = survey.client.get(f"/api/v1/exports/jobs/{job['id']}", headers=h).json()
    assert job["status"] == "done" and job["done"] == job["total"] == 1
    content = survey.client.get(job["download_url"], headers=h).content
    _, rows = table(read_xlsx(content)[AGENCY_A], 3)
    assert [r["Hồ sơ số"].value for r in rows] == ["1"]


@pytest.mark.parametrize("table_name", ["approvedlist", "approvedlistitem"])
def test_the_database_refuses_to_change_or_delete_a_frozen_list(survey: Survey, table_name: str) -> None:
    survey.file("1")
    survey.freeze()
    for statement in (f"UPDATE {table_name} SET agency_codes = agency_codes", f"DELETE FROM {table_name}"):
        if table_name == "approvedlistitem":
            statement = statement.replace("agency_codes = agency_codes", "n = n + 1")
        with survey.session() as s, pytest.raises(DBAPIError, match="never change"):
            s.execute(text(statement))
    with survey.session() as s:
        assert s.execute(text(f"SELECT count(*) FROM {table_name}")).scalar_one() == 1


def test_a_scan_over_the_limit_is_refused_unread(settings: Settings) -> None:
    small = settings.model_copy(update={"max_decision_scan_bytes": 10_000})
    app = create_app(small)
    try:
        with TestClient(app) as client:
            h = login(client, "reviewer")
            form = {"campaign_id": "x", "decision_number": "1", "decision_date": "2026-12-01"}
            form |= {"signer_name": "A", "signer_position": "B"}
            big = b"%PDF-1.7\n" + b"0" * 20_000  # within the guard's slack for the form: the route refuses it
            resp = client.post(URL, data=form, files={"scan": ("qd.pdf", big)}, headers=h)
            assert resp.status_code == 413, resp.text
            assert resp.json()["error"]["details"][0]["reason"] == "body_too_large"
            huge = b"%PDF-1.7\n" + b"0" * 200_000  # beyond it: the guard refuses it before any reading
            resp = client.post(URL, data=form, files={"scan": ("qd.pdf", huge)}, headers=h)
            assert resp.status_code == 413 and resp.json()["error"]["code"] == "payload_too_large"
    finally:
        app.state.engine.dispose()
