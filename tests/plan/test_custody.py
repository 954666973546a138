"""Custody of the originals: boxes out to a batch and back by the code of their printed label, the
register, where every box is, boxes out too long, and clear refusals at the scan station."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from common.boxcode import qr_payload
from sync_server.auth import principal_for
from sync_server.domain import custody
from sync_server.domain.users import get_user
from sync_server.models import BoxMovement, FileDigitization
from tests.plan.conftest import Survey

OUT, IN = "/api/v1/custody/check-out", "/api/v1/custody/check-in"


def _planned_box(survey: Survey) -> tuple[dict[str, Any], list[str], int]:
    """Box 7 with two planned files and one file outside the plan, and a 2026 batch."""
    files = [survey.file("1", box="7", pages=10), survey.file("2", box="7", pages=5)]
    survey.freeze()
    loose = survey.file("3", box="7")  # approved after the list: travels with the box, not in the plan
    h = survey.auth("reviewer")
    assert (
        survey.client.post(
            "/api/v1/plan/apply", json={"capacity": 100, "from_year": 2026}, headers=h
        ).status_code
        == 200
    )
    batch = survey.client.post("/api/v1/plan/batches", json={"year": 2026, "name": "Đợt 1"}, headers=h).json()
    return survey.box("7"), [*files, loose], batch["id"]


def _states(survey: Survey) -> dict[str, tuple[str, int | None]]:
    with survey.session() as s:
        return {r.record_id: (r.state, r.batch_id) for r in s.execute(select(FileDigitization)).scalars()}


def _error(resp: Any) -> tuple[int, str, str]:
    detail = resp.json()["error"]["details"][0]
    return resp.status_code, detail["reason"], detail["message"]["vi"]


def test_check_out_by_the_labels_qr_and_back_in_moves_the_box_and_its_planned_files(survey: Survey) -> None:
    box, (f1, f2, loose), batch = _planned_box(survey)
    h = survey.auth("operator")
    scanned = qr_payload(box["code"])  # what the USB scanner types before its Enter
    out = survey.client.post(
        OUT, json={"code": scanned, "batch_id": batch, "counterpart": "Trần Thị Mai"}, headers=h
    )
    assert out.status_code == 200, out.text
    moved = out.json()
    assert (moved["code"], moved["from_place"], moved["to_place"], moved["files"]) == (
        box["code"],
        "repository",
        "out",
        2,
    )
    assert (moved["user"], moved["batch_name"], moved["counterpart"]) == ("operator", "Đợt 1", "Trần Thị Mai")
    assert _states(survey) == {f1: ("out", batch), f2: ("out", batch)}
    assert survey.history(f1)[-1]["action"] == "digitization:out"
    assert survey.history(loose)[-1]["action"] == "review:approved"

    where = survey.client.get("/api/v1/custody/boxes", params={"place": "out"}, headers=h).json()
    assert [(b["code"], b["batch_name"], b["days_out"]) for b in where] == [(box["code"], "Đợt 1", 0)]
    status = survey.client.get(f"/api/v1/custody/boxes/{box['code'].lower()}", headers=h).json()
    assert status["box"]["place"] == "out" and status["files"] == 3
    assert status["by_state"] == {"out": 2, "": 1}

    back = survey.client.post(IN, json={"code": box["code"], "note": "đủ 3 hồ sơ"}, headers=h)
    assert back.status_code == 200, back.text
    assert (back.json()["from_place"], back.json()["to_place"], back.json()["batch_name"]) == (
        "out",
        "repository",
        "Đợt 1",
    )
    assert _states(survey) == {f1: ("out", batch), f2: ("out", batch)}  # out for scanning until the master
    status = survey.client.get(f"/api/v1/custody/boxes/{box['code']}", headers=h).json()
    assert status["box"]["place"] == "repository"
    assert [(m["to_place"], m["user"]) for m in status["movements"]] == [
        ("repository", "operator"),
        ("out", "operator"),
    ]
    inside = survey.client.get("/api/v1/custody/boxes", params={"place": "repository"}, headers=h).json()
    assert box["code"] in [b["code"] for b in inside]
    history = survey.client.get(
        f"/api/v1/records/box/{box['id']}/history", headers=survey.auth("reviewer")
    ).json()
    assert [e["action"] for e in history][-2:] == ["custody:out", "custody:repository"]


def test_the_scan_station_refuses_unknown_codes_and_double_moves_clearly(survey: Survey) -> None:
    box, _, batch = _planned_box(survey)
    h = survey.auth("operator")
    unknown = survey.client.post(
        OUT, json={"code": "000.00.01.H47-P12-M3-H9999", "batch_id": batch}, headers=h
    )
    assert _error(unknown) == (
        404,
        "box_unknown",
        "Không có hộp mã 000.00.01.H47-P12-M3-H9999: mã chưa có trong dữ liệu khảo sát "
        "(kiểm tra nhãn hoặc gõ lại)",
    )
    garbage = survey.client.post(OUT, json={"code": "https://example.com/x", "batch_id": batch}, headers=h)
    assert _error(garbage)[:2] == (422, "bad_box_code")
    never_out = survey.client.post(IN, json={"code": box["code"]}, headers=h)
    assert _error(never_out)[:2] == (409, "box_not_out")
    no_batch = survey.client.post(OUT, json={"code": box["code"], "batch_id": 999}, headers=h)
    assert _error(no_batch)[:2] == (404, "unknown_reference")

    assert (
        survey.client.post(OUT, json={"code": box["code"], "batch_id": batch}, headers=h).status_code == 200
    )
    twice = survey.client.post(OUT, json={"code": box["code"], "batch_id": batch}, headers=h)
    today = dt.date.today().strftime("%d/%m/%Y")
    assert _error(twice) == (
        409,
        "box_already_out",
        f"Hộp {box['code']} đã được giao đi số hóa (đợt Đợt 1, từ {today}); nhận hộp về trước khi giao lại",
    )
    with survey.session() as s:
        assert len(s.execute(select(BoxMovement)).scalars().all()) == 1  # the refusals wrote nothing
    for who in ("surveyor_a", "head_a"):
        assert survey.client.post(IN, json={"code": box["code"]}, headers=survey.auth(who)).status_code == 403


def test_overdue_lists_boxes_out_longer_than_n_days(survey: Survey) -> None:
    box, _, batch = _planned_box(survey)
    other = survey.box("8")
    h = survey.auth("reviewer")
    for code in (box["code"], other["code"]):
        assert survey.client.post(OUT, json={"code": code, "batch_id": batch}, headers=h).status_code == 200
    assert survey.client.get("/api/v1/custody/overdue", params={"days": 30}, headers=h).json() == []
    assert len(survey.client.get("/api/v1/custody/overdue", params={"days": 0}, headers=h).json()) == 2
    with survey.session() as s:
        reviewer = principal_for(s, get_user(s, "reviewer"))
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=45)
        rows = custody.overdue(s, reviewer, 30, now=later)
        assert [(b.code, b.days_out) for b in rows] == sorted((c, 45) for c in (box["code"], other["code"]))


def test_the_register_is_append_only(survey: Survey) -> None:
    box, _, batch = _planned_box(survey)
    survey.client.post(OUT, json={"code": box["code"], "batch_id": batch}, headers=survey.auth("operator"))
    for statement in ("UPDATE boxmovement SET note = 'sửa'", "DELETE FROM boxmovement"):
        with survey.session() as s, pytest.raises(DBAPIError, match="never change"):
            s.execute(text(statement))
