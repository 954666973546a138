"""The digitization plan: the suggestion's rule (risk order, boxes together, yearly capacity), and
suggest / apply / move / batches / summary through the API."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select

from common.vocab import Criterion, DigitizationState
from sync_server.domain.plan import Candidate, place
from sync_server.models import FileDigitization
from tests.conftest import AGENCY_A, AGENCY_B
from tests.plan.conftest import Survey

YEARS = {2026: 100, 2027: 100, 2028: 100}


def _c(rid: str, *, pages: int = 10, box: str | None = None, fonds: str = "F1", **risk: Any) -> Candidate:
    values: dict[str, Any] = {
        "severity": 0,
        "readability": 0,
        "rare": False,
        "damaged": False,
        "start_year": None,
    }
    values.update(risk)
    return Candidate(
        record_id=rid,
        agency_code="A",
        fonds_id=fonds,
        box_id=box,
        version=1,
        fonds_no="12",
        box_code=box or "",
        file_no=rid,
        pages=pages,
        pages_known=pages > 0,
        **values,
    )


RISKY = [
    _c("s4-hard", severity=4, readability=2),
    _c("s4-part", severity=4, readability=1),
    _c("s4", severity=4),
    _c("s3-rare", severity=3, rare=True),
    _c("s3-damaged", severity=3, damaged=True),
    _c("s3-1890", severity=3, start_year=1890),
    _c("s3-1950", severity=3, start_year=1950),
    _c("s3", severity=3),
    _c("rare", rare=True),
    _c("1945", start_year=1945),
    _c("none"),
]


def test_files_are_ordered_by_severity_readability_rare_damaged_then_age() -> None:
    shuffled = RISKY[:]
    random.Random(7).shuffle(shuffled)
    found = place(shuffled, YEARS, {})
    assert [f.candidate.record_id for f in found.files] == [c.record_id for c in RISKY]
    assert [f.rank for f in found.files] == list(range(1, len(RISKY) + 1))
    assert found.files[0].candidate.reasons("vi") == ["Rất nặng, nguy cơ mất thông tin (4/4)", "Khó đọc"]
    assert found.files[3].candidate.reasons("en") == ["Severe (3/4)", "Rare"]
    assert place(list(reversed(RISKY)), YEARS, {}) == found  # deterministic


def test_years_fill_up_to_their_capacity_with_the_most_urgent_first() -> None:
    files = [_c(f"f{i}", pages=40, severity=4 - i // 3) for i in range(9)]  # 360 pages
    found = place(files, YEARS, {})
    years = {f.candidate.record_id: f.year for f in found.files}
    assert [years[f"f{i}"] for i in range(9)] == [2026, 2026, 2027, 2027, 2028, 2028, None, None, None]
    assert [(y.year, y.new_files, y.new_pages, y.free) for y in found.years] == [
        (2026, 2, 80, 20),
        (2027, 2, 80, 20),
        (2028, 2, 80, 20),
    ]
    assert (found.unplaced_files, found.unplaced_pages) == (3, 120)


def test_a_box_travels_whole_at_the_rank_of_its_most_urgent_file_and_small_ones_fill_gaps() -> None:
    box = [_c("box-minor", pages=30, box="B1"), _c("box-critical", pages=30, box="B1", severity=4)]
    loose = [_c("loose-severe", pages=60, severity=3), _c("loose-small", pages=10, severity=1)]
    found = place([*loose, *box], {2026: 100, 2027: 100}, {})
    years = {f.candidate.record_id: (f.year, f.rank) for f in found.files}
    assert years["box-critical"] == years["box-minor"] == (2026, 1)  # one unit: 60 pages
    assert years["loose-severe"] == (2027, 2)  # 60 more do not fit beside the box in 2026
    assert years["loose-small"] == (2026, 3)  # but 10 do: the earliest year with room


def test_what_is_already_planned_counts_and_years_can_differ() -> None:
    files = [_c("a", pages=50), _c("b", pages=50)]
    found = place(files, {2026: 100, 2027: 30}, {2026: (3, 80)})
    assert [(f.candidate.record_id, f.year) for f in found.files] == [("a", None), ("b", None)]
    found = place(files, {2026: 100, 2027: 60}, {2026: (3, 50)})
    assert [(f.candidate.record_id, f.year) for f in found.files] == [("a", 2026), ("b", 2027)]
    unknown = place([_c("x", pages=0)], {2026: 0}, {})
    assert unknown.files[0].year == 2026 and unknown.unknown_pages == 1


def test_files_hard_to_read_are_left_out_for_conservation_first() -> None:
    files = [_c("readable", severity=1), _c("faded", severity=4, readability=2, conservation=True)]
    found = place(files, YEARS, {})
    assert [f.candidate.record_id for f in found.files] == ["readable"] and found.conservation == 1


def _plan_rows(survey: Survey) -> dict[str, FileDigitization]:
    with survey.session() as s:
        return {r.record_id: r for r in s.execute(select(FileDigitization)).scalars()}


def _post(survey: Survey, path: str, body: dict[str, Any], who: str = "reviewer") -> Any:
    return survey.client.post(f"/api/v1/plan/{path}", json=body, headers=survey.auth(who))


def test_suggest_writes_nothing_apply_plans_and_audits_summary_counts(survey: Survey) -> None:
    crumbling = [{"type": "crumbling", "severity": 4, "readability": "partial"}]
    urgent = survey.file("1", pages=80, damages=crumbling, box="1")
    unreadable = [{"type": "faded", "severity": 4, "readability": "difficult"}]
    conserve = survey.file("7", pages=5, damages=unreadable)  # conservation first: not suggested
    boxmate = survey.file("2", pages=10, box="1")
    old = survey.file("3", pages=50, start_date="1930")
    other = survey.file("4", agency=AGENCY_B, leaves=30, pages=None)  # 60 pages by its leaves
    survey.file("5", approve=False)  # not approved: not in the list, not in the plan
    assert survey.freeze().status_code == 201
    not_listed = survey.file("6", pages=5)  # approved after the list: not in the plan's reach

    body = {"capacity": 100, "from_year": 2026, "limit": 10}
    suggested = _post(survey, "suggest", body)
    assert suggested.status_code == 200, suggested.text
    s = suggested.json()
    assert [(f["record_id"], f["year"], f["rank"]) for f in s["files"]] == [
        (urgent, 2026, 1),
        (boxmate, 2026, 1),
        (old, 2027, 2),
        (other, 2028, 3),
    ]
    assert s["files"][0]["reasons"] == [
        "Rất nặng, nguy cơ mất thông tin (4/4)",
        "Đọc được một phần",
        Criterion.DAMAGED.vi,
        "từ năm 1996",
    ]
    assert s["conservation"] == 1
    assert s["placed_files"] == 4 and s["unplaced_files"] == 0
    assert [y["new_pages"] for y in s["years"][:3]] == [90, 50, 60]
    assert _plan_rows(survey) == {}

    applied = _post(survey, "apply", body)
    assert applied.status_code == 200 and applied.json()["files"] == s["files"]
    rows = _plan_rows(survey)
    assert {rid: (r.state, r.plan_year) for rid, r in rows.items()} == {
        urgent: ("planned", 2026),
        boxmate: ("planned", 2026),
        old: ("planned", 2027),
        other: ("planned", 2028),
    }
    assert not_listed not in rows and conserve not in rows
    added = _post(survey, "move", {"year": 2030, "ids": [conserve]})  # once conserved, by hand
    assert added.json() == {"added": 1, "moved": 0, "unchanged": 0, "skipped": 0}
    assert survey.history(urgent)[-1]["action"] == "digitization:planned"
    again = _post(survey, "suggest", body).json()
    assert again["files"] == [] and again["years"][0]["planned_pages"] == 90 and again["conservation"] == 0

    summary = survey.client.get("/api/v1/plan/summary", headers=survey.auth("admin")).json()
    assert [(y["year"], y["planned_files"], y["planned_pages"]) for y in summary["years"][:3]] == [
        (2026, 2, 90),
        (2027, 1, 50),
        (2028, 1, 60),
    ]
    assert len(summary["years"]) == 8 and summary["total"]["planned_files"] == 5


def test_move_files_or_a_whole_fonds_between_years_and_batches(survey: Survey) -> None:
    a = [survey.file(str(i), fonds="12", pages=10) for i in range(3)]
    b = survey.file("1", fonds="13", pages=10)
    survey.freeze()
    unlisted = survey.file("9", fonds="12")
    assert _post(survey, "apply", {"capacity": 1000, "from_year": 2026}).status_code == 200

    batch = _post(survey, "batches", {"year": 2027, "name": "Đợt 1/2027"})
    assert batch.status_code == 201, batch.text
    taken = _post(survey, "batches", {"year": 2027, "name": "Đợt 1/2027"})
    assert taken.status_code == 422 and taken.json()["error"]["details"][0]["reason"] == "batch_taken"

    moved = _post(survey, "move", {"year": 2027, "ids": a[:2], "batch_id": batch.json()["id"]})
    assert moved.json() == {"added": 0, "moved": 2, "unchanged": 0, "skipped": 0}
    again = _post(survey, "move", {"year": 2027, "ids": a[:2], "batch_id": batch.json()["id"]})
    assert again.json() == {"added": 0, "moved": 0, "unchanged": 2, "skipped": 0}
    rows = _plan_rows(survey)
    assert (rows[a[0]].plan_year, rows[a[0]].batch_id) == (2027, batch.json()["id"])
    assert survey.history(a[0])[-1]["action"] == "digitization:planned"

    # an accepted file stays where it is; the rest of the fonds moves
    done = survey.client.post("/api/v1/digitization", json={"ids": [a[2]]}, headers=survey.auth("reviewer"))
    assert done.status_code == 200
    fonds_id = survey.fonds[(AGENCY_A, "12")]["id"]
    whole = _post(survey, "move", {"year": 2030, "fonds_id": fonds_id})
    assert whole.json() == {"added": 0, "moved": 2, "unchanged": 0, "skipped": 1}
    rows = _plan_rows(survey)
    assert [rows[rid].plan_year for rid in a] == [2030, 2030, 2026] and rows[b].plan_year == 2026
    assert rows[a[0]].batch_id is None

    def reason(resp: Any) -> str:
        assert resp.status_code == 422, resp.text
        return resp.json()["error"]["details"][0]["reason"]  # type: ignore[no-any-return]

    assert reason(_post(survey, "move", {"year": 2027, "ids": [unlisted]})) == "not_in_approved_list"
    assert reason(_post(survey, "move", {"year": 2028, "ids": [b], "batch_id": batch.json()["id"]})) == (
        "batch_other_year"
    )
    assert reason(_post(survey, "move", {"year": 2034, "ids": [b]})) == "too_large"
    assert reason(_post(survey, "move", {"year": 2027})) == "missing"

    listed = survey.client.get("/api/v1/plan/batches", params={"year": 2027}, headers=survey.auth("operator"))
    assert [(x["name"], x["files"]) for x in listed.json()] == [("Đợt 1/2027", 0)]  # its files moved on
    for who in ("operator", "surveyor_a", "head_a"):
        assert _post(survey, "suggest", {"capacity": 10}, who).status_code == 403
        assert _post(survey, "move", {"year": 2027, "ids": [b]}, who).status_code == 403
        assert _post(survey, "batches", {"year": 2027, "name": "x"}, who).status_code == 403


def test_withdrawing_an_acceptance_puts_a_planned_file_back_in_its_year(survey: Survey) -> None:
    rid = survey.file("1", pages=10)
    survey.freeze()
    _post(survey, "apply", {"capacity": 100, "from_year": 2029})
    url, h = "/api/v1/digitization", survey.auth("reviewer")
    assert survey.client.post(url, json={"ids": [rid]}, headers=h).json() == {"changed": 1}
    assert _plan_rows(survey)[rid].state == DigitizationState.ACCEPTED
    assert survey.client.post(url, json={"ids": [rid], "on": None}, headers=h).json() == {"changed": 1}
    row = _plan_rows(survey)[rid]
    assert (row.state, row.plan_year, row.accepted_on) == ("planned", 2029, None)
