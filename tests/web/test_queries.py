"""The inventory, dashboard and compliance queries on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlmodel import Session

from common import schemas as s
from common.vocab import Carrier, Criterion, DamageType, ReviewState, Role
from sync_server.auth import Principal
from sync_server.domain import dashboard, inventory
from sync_server.domain.campaigns import save_campaign
from sync_server.models import FileDamage
from tests.api.records_data import file_record, fonds
from tests.conftest import AGENCY_A, AGENCY_B, login
from tests.web.world import CAMPAIGN_ID, TITLES, World

REVIEWER = Principal(user_id=2, username="reviewer", role=Role.REVIEWER, agency_codes=None)
OLD_CAMPAIGN = "5a1f0e52-2025-4000-8000-000000000071"


@pytest.fixture(params=["narrow ids", "row checks"])
def narrow_cap(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways a narrow filter (damage, title words) can run: by the ids it matched, or row by row."""
    if request.param == "row checks":
        monkeypatch.setattr(inventory, "NARROW_CAP", 0)
    return str(request.param)


def titles(app: Any, f: inventory.InventoryFilter, sort: inventory.Sort = inventory.Sort.TITLE) -> list[str]:
    with Session(app.state.engine) as session:
        return [r.title for r in inventory.list_inventory(session, REVIEWER, f, sort).rows]


def test_each_filter(app, world: World, narrow_cap: str) -> None:  # type: ignore[no-untyped-def]
    F = inventory.InventoryFilter
    assert titles(app, F(q="mun")) == [TITLES["crumbling"]]
    assert titles(app, F(q="MỦN ố")) == [TITLES["crumbling"]]
    assert titles(app, F(q="da nang 1996")) == [TITLES["crumbling"]]
    assert titles(app, F(q="50%")) == []  # wildcards are searched for, not obeyed
    assert titles(app, F(q="o_vang")) == []
    assert titles(app, F(damage=DamageType.MOULD)) == [TITLES["genealogy"]]
    assert titles(app, F(damage=DamageType.CRUMBLING, severity=2)) == []
    assert titles(app, F(damage=DamageType.STAINED, severity=2)) == [TITLES["crumbling"]]
    assert titles(app, F(severity=0)) == [TITLES["irrigation"]]
    assert titles(app, F(severity=4)) == [TITLES["genealogy"]]
    assert titles(app, F(carrier=Carrier.MAPS)) == [TITLES["map"]]
    assert titles(app, F(criterion=Criterion.COLLECTED)) == [TITLES["genealogy"]]
    assert len(titles(app, F(criterion=Criterion.PERMANENT))) == 3
    assert len(titles(app, F(agency=AGENCY_A, fonds=world.fonds_a, campaign=CAMPAIGN_ID))) == 4
    assert titles(app, F(agency=AGENCY_B)) == []
    assert titles(app, F(fonds=str(uuid.uuid4()))) == []
    assert titles(app, F(campaign=OLD_CAMPAIGN)) == []
    assert titles(app, F(state=ReviewState.APPROVED)) == []
    assert titles(app, F(q="ban do", damage=DamageType.TORN, carrier=Carrier.MAPS)) == [TITLES["map"]]
    assert titles(app, F(q="quy hoach", damage=DamageType.MOULD)) == []


def test_counts_are_exact_when_cheap_and_capped_otherwise(app, world: World, narrow_cap: str) -> None:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as session:
        page = inventory.list_inventory(session, REVIEWER, inventory.InventoryFilter())
        assert (page.total, page.total_is_lower_bound) == (4, False)
        page = inventory.list_inventory(session, REVIEWER, inventory.InventoryFilter(q="nam"))
        expected = 3 if narrow_cap == "narrow ids" else None  # too many to list: not counted
        assert page.total == expected


@pytest.mark.parametrize("sort", list(inventory.Sort))
def test_keyset_pages_cover_everything_once_both_ways(app, client: TestClient, sort: inventory.Sort) -> None:  # type: ignore[no-untyped-def]
    h = login(client, "surveyor_a")
    f = fonds(AGENCY_A)
    client.post("/api/v1/records/fonds", json=f, headers=h)
    for i in range(23):
        damages = [{"type": "torn", "severity": 1 + i % 4}] if i % 3 else []
        body = file_record(
            AGENCY_A, f["id"], title=f"Hồ sơ {i % 5} số {i:02d}", file_no=str(i), damages=damages
        )
        assert client.post("/api/v1/records/file_record", json=body, headers=h).status_code == 201
    with Session(app.state.engine) as session:
        seen, after, pages = [], None, []
        while True:
            page = inventory.list_inventory(
                session, REVIEWER, inventory.InventoryFilter(), sort, after=after, size=5
            )
            pages.append(page)
            seen.extend(r.id for r in page.rows)
            if page.next_cursor is None:
                break
            after = page.next_cursor
        assert len(seen) == len(set(seen)) == 23
        everything = inventory.list_inventory(session, REVIEWER, inventory.InventoryFilter(), sort, size=50)
        assert seen == [r.id for r in everything.rows]  # the same order as one long page
        back = inventory.list_inventory(
            session, REVIEWER, inventory.InventoryFilter(), sort, before=pages[-1].prev_cursor, size=5
        )
        assert [r.id for r in back.rows] == [r.id for r in pages[-2].rows]
        assert back.next_cursor is not None and back.prev_cursor is not None
        first = inventory.list_inventory(
            session, REVIEWER, inventory.InventoryFilter(), sort, before=pages[1].prev_cursor, size=5
        )
        assert [r.id for r in first.rows] == [r.id for r in pages[0].rows]
        assert first.prev_cursor is None


def test_scope_limits_what_a_head_sees(app, world: World) -> None:  # type: ignore[no-untyped-def]
    head_b = Principal(
        user_id=4, username="head_b", role=Role.AGENCY_HEAD, agency_codes=frozenset([AGENCY_B])
    )
    nobody = Principal(user_id=9, username="x", role=Role.SURVEYOR, agency_codes=frozenset())
    with Session(app.state.engine) as session:
        assert inventory.list_inventory(session, head_b, inventory.InventoryFilter()).rows == []
        assert (
            inventory.list_inventory(session, head_b, inventory.InventoryFilter(agency=AGENCY_A)).rows == []
        )
        assert inventory.list_inventory(session, nobody, inventory.InventoryFilter()).total == 0


def test_bulk_approve(app, world: World) -> None:  # type: ignore[no-untyped-def]
    ids = [world.records["map"], world.records["irrigation"], str(uuid.uuid4())]
    with Session(app.state.engine) as session:
        approved, missing = inventory.approve_many(session, REVIEWER, ids)
        assert (approved, missing) == (2, [ids[2]])
        approved_titles = titles(app, inventory.InventoryFilter(state=ReviewState.APPROVED))
    assert approved_titles == [TITLES["map"], TITLES["irrigation"]]


def test_damage_rows_follow_their_record_campaign(app, world: World, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as session:
        save_campaign(session, None, s.Campaign(id=uuid.UUID(OLD_CAMPAIGN), year=2025, name="Năm 2025"))
        rows = session.execute(select(FileDamage.record_id, FileDamage.campaign_id)).all()
        assert rows and {c for _, c in rows} == {CAMPAIGN_ID}
    rid = world.records["crumbling"]
    h = login(client, "surveyor_a")
    current = client.get(f"/api/v1/records/file_record/{rid}", headers=h).json()
    moved = {**current["data"], "campaign_id": OLD_CAMPAIGN}
    change = {"type": "file_record", "id": rid, "rev": 9, "base_version": 1, "data": moved}
    r = client.post("/api/v1/sync/push", json={"batch_id": str(uuid.uuid4()), "changes": [change]}, headers=h)
    assert r.json()["results"][0]["status"] == "applied"
    with Session(app.state.engine) as session:
        got = dict(
            session.execute(
                select(FileDamage.damage_type, FileDamage.campaign_id).where(FileDamage.record_id == rid)
            ).all()
        )
        assert got == {"crumbling": OLD_CAMPAIGN, "stained": OLD_CAMPAIGN}
        # and a direct update of the campaign (no new damage rows) is followed too
        session.execute(
            FileDamage.__table__.update().where(FileDamage.record_id == rid).values(campaign_id=None)  # type: ignore[attr-defined]
        )
        from sync_server.models import FileRecord

        session.execute(
            FileRecord.__table__.update().where(FileRecord.id == rid).values(campaign_id=CAMPAIGN_ID)
        )  # type: ignore[attr-defined]
        session.commit()
        got = set(
            session.execute(select(FileDamage.campaign_id).where(FileDamage.record_id == rid)).scalars()
        )
        assert got == {CAMPAIGN_ID}


def test_dashboard_figures(app, world: World) -> None:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as session:
        campaign = dashboard.pick_campaign(session)
        assert campaign is not None and campaign.id == CAMPAIGN_ID
        d = dashboard.dashboard(session, campaign)
    assert d.agencies == 3 and d.files == 4 and d.unassigned_files == 0
    assert d.status_counts[dashboard.ComplianceStatus.IN_PROGRESS] == 1
    assert d.status_counts[dashboard.ComplianceStatus.NOT_VISITED] == 2
    assert d.by_criterion == {
        Criterion.PERMANENT: 3,
        Criterion.COLLECTED: 1,
        Criterion.DAMAGED: 2,
        Criterion.RARE: 1,  # the genealogy, sent with the flag of protocol 1
    }
    assert d.conservation == 1  # the genealogy, mouldy and hard to read
    assert d.by_carrier[Carrier.PAPER] == 3 and d.by_carrier[Carrier.MAPS] == 1
    nonzero = {(t.value, int(sev)): n for (t, sev), n in d.damage.items() if n}
    assert nonzero == {("crumbling", 3): 1, ("stained", 2): 1, ("torn", 2): 1, ("mould", 4): 1}
    assert [(a.username, a.changes) for a in d.activity] == []  # pushed through the REST API: no device


def test_sync_activity_counts_device_pushes(app, world: World, tablet) -> None:  # type: ignore[no-untyped-def]
    engine = tablet("surveyor_a", name="Máy tính bảng 1")
    f = fonds(AGENCY_A)
    engine.store.save("fonds", f)
    for i in range(3):
        engine.store.save("file_record", file_record(AGENCY_A, f["id"], file_no=str(i)))
    engine.sync()
    with Session(app.state.engine) as session:
        lines = dashboard.activity(session)
    assert [(a.username, a.device_name, a.changes, a.conflicts) for a in lines] == [
        ("surveyor_a", "Máy tính bảng 1", 4, 0)
    ]


def test_compliance_statuses(app, world: World, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    def status(code: str) -> dashboard.ComplianceStatus:
        with Session(app.state.engine) as session:
            return {line.code: line.status for line in dashboard.compliance(session, CAMPAIGN_ID)}[code]

    assert status(AGENCY_A) == dashboard.ComplianceStatus.IN_PROGRESS
    assert status(AGENCY_B) == dashboard.ComplianceStatus.NOT_VISITED
    with Session(app.state.engine) as session:
        ids = list(world.records.values())
        inventory.approve_many(session, REVIEWER, ids)
    assert status(AGENCY_A) == dashboard.ComplianceStatus.LISTED  # every file reviewed and approved
    with Session(app.state.engine) as session:
        from sync_server.domain.review import review

        review(session, REVIEWER, "file_record", ids[0], ReviewState.SENT_BACK, "Sửa số tờ")
    assert status(AGENCY_A) == dashboard.ComplianceStatus.SENT_BACK
    h = login(client, "head_b")
    nil = {
        "id": str(uuid.uuid4()),
        "agency_code": AGENCY_B,
        "campaign_id": CAMPAIGN_ID,
        "signer_name": "A",
        "signer_position": "Giám đốc",
        "doc_number": "1/BC",
        "doc_date": "2026-10-01",
    }
    assert client.post("/api/v1/records/nil_report", json=nil, headers=h).status_code == 201
    assert status(AGENCY_B) == dashboard.ComplianceStatus.NIL_REPORT
    with Session(app.state.engine) as session:
        lines = dashboard.compliance(session, CAMPAIGN_ID, status=dashboard.ComplianceStatus.NIL_REPORT)
        assert [line.code for line in lines] == [AGENCY_B]
        assert [line.code for line in dashboard.compliance(session, CAMPAIGN_ID, kind="province")] == [
            "000.00.00.H47"
        ]
        d = dashboard.dashboard(session, dashboard.pick_campaign(session))
        assert d.status_counts[dashboard.ComplianceStatus.NIL_REPORT] == 1
        assert d.status_counts[dashboard.ComplianceStatus.SENT_BACK] == 1


def test_trigger_kept_counts_equal_a_recount_after_every_kind_of_write(  # type: ignore[no-untyped-def]
    app, world: World, client: TestClient
) -> None:
    def push(rid: str, rev: int, base: int, data: dict[str, Any] | None, deleted: bool = False) -> str:
        change = {
            "type": "file_record",
            "id": rid,
            "rev": rev,
            "base_version": base,
            "data": data,
            "deleted": deleted,
        }
        body = {"batch_id": str(uuid.uuid4()), "changes": [change]}
        return str(client.post("/api/v1/sync/push", json=body, headers=h).json()["results"][0]["status"])

    def check() -> dict[tuple[str, str, str, str], int]:
        with Session(app.state.engine) as session:
            kept = dashboard.count_rows(session)
            dashboard.recount(session)
            assert dashboard.count_rows(session) == kept
            return kept

    h = login(client, "surveyor_a")
    with Session(app.state.engine) as session:
        save_campaign(session, None, s.Campaign(id=uuid.UUID(OLD_CAMPAIGN), year=2025, name="Năm 2025"))
    before = check()
    assert before[(CAMPAIGN_ID, "file", "damaged,permanent", "paper")] == 1
    assert before[(CAMPAIGN_ID, "agency", AGENCY_A, "pending")] == 4
    assert before[(CAMPAIGN_ID, "damage", "mould", "4")] == 1

    data = {
        r: client.get(f"/api/v1/records/file_record/{rid}", headers=h).json()["data"]
        for r, rid in world.records.items()
    }
    crumbling = {
        **data["crumbling"],
        "campaign_id": OLD_CAMPAIGN,
        "criteria": ["permanent"],
        "carrier": "photo",
        "damages": [{"type": "fire", "severity": 1}],
    }
    assert push(world.records["crumbling"], 2, 1, crumbling) == "applied"  # moved, recounted, re-damaged
    assert push(world.records["map"], 2, 1, data["map"], deleted=True) == "applied"  # deleted on the tablet
    assert push(world.records["irrigation"], 2, 1, {**data["irrigation"], "file_no": "13"}) == "applied"
    late = {**data["genealogy"], "damages": []}
    assert push(world.records["genealogy"], 2, 1, {**data["genealogy"], "leaves": 2}) == "applied"
    other = login(client, "head_a")
    change = {
        "type": "file_record",
        "id": world.records["genealogy"],
        "rev": 3,
        "base_version": 1,
        "data": late,
    }
    conflict = client.post(
        "/api/v1/sync/push", headers=other, json={"batch_id": str(uuid.uuid4()), "changes": [change]}
    ).json()
    assert conflict["results"][0]["status"] == "conflict"
    with Session(app.state.engine) as session:
        inventory.approve_many(session, REVIEWER, [world.records["irrigation"]])
        from sync_server.domain import conflicts

        revision = conflicts.open_revisions(session, "file_record", world.records["genealogy"])[0]
        conflicts.resolve(session, REVIEWER, "file_record", world.records["genealogy"], revision.id, None)
    after = check()
    assert after[(OLD_CAMPAIGN, "file", "permanent", "photo")] == 1
    assert after[(OLD_CAMPAIGN, "damage", "fire", "1")] == 1
    assert (CAMPAIGN_ID, "damage", "crumbling", "3") not in after
    assert (CAMPAIGN_ID, "damage", "mould", "4") not in after  # the chosen revision has no damage
    assert after[(CAMPAIGN_ID, "agency", AGENCY_A, "approved")] == 1
    assert after[(CAMPAIGN_ID, "agency", AGENCY_A, "pending")] == 1  # genealogy, back to review
    assert (CAMPAIGN_ID, "file", "collected,damaged,permanent", "maps") not in after
