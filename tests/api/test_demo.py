"""The demo tells today's story: Quảng Nam merged into Đà Nẵng City on 1 July 2025."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from common.vocab import AgencyKind, AgencyStatus
from sync_server.auth import agency_scope
from sync_server.config import Settings
from sync_server.db import make_engine, migrate
from sync_server.demo import seed_demo
from sync_server.models import Agency, Fonds, User


def _successor(agencies: dict[str, Agency], code: str) -> Agency:
    """Where an agency's records went: its successor's successor… down to an active agency."""
    agency = agencies[code]
    while agency.status == AgencyStatus.MERGED:
        assert agency.successor_code, agency.code
        agency = agencies[agency.successor_code]
    return agency


def test_demo_agencies_are_da_nang_after_the_merger(empty_database_url: str, tmp_path: Path) -> None:
    engine = make_engine(Settings(database_url=empty_database_url, data_dir=tmp_path))
    migrate(engine)
    with Session(engine) as s:
        seed_demo(s, tmp_path)
        agencies = {a.code: a for a in s.exec(select(Agency)).all()}
        fonds = list(s.exec(select(Fonds)).all())
        head = s.exec(select(User).where(User.username == "thutruong.snv")).one()
        surveyor = s.exec(select(User).where(User.username == "khaosat2")).one()
        assert surveyor.id is not None
        assigned = agency_scope(s, surveyor.role, surveyor.id, None) or frozenset()  # type: ignore[arg-type]
    engine.dispose()

    active = [a for a in agencies.values() if a.status == AgencyStatus.ACTIVE]
    top = [a for a in agencies.values() if a.kind == AgencyKind.PROVINCE and a.parent_code is None]
    [city] = [a for a in top if a.status == AgencyStatus.ACTIVE]
    assert city.name == "UBND thành phố Đà Nẵng"
    [province] = [a for a in top if "Quảng Nam" in a.name]
    assert province.status == AgencyStatus.MERGED and province.successor_code == city.code

    former = [a for a in agencies.values() if a.kind == AgencyKind.DEPARTMENT and "Quảng Nam" in a.name]
    assert len(former) >= 10 and all(a.in_deposit_list for a in former)
    for department in former:
        now = _successor(agencies, department.code)
        assert now.status == AgencyStatus.ACTIVE and now.name.endswith("thành phố Đà Nẵng"), department.name
    assert not [a for a in active if a.kind == AgencyKind.DEPARTMENT and "Quảng Nam" in a.name]

    [archive] = [a for a in active if a.kind == AgencyKind.ARCHIVE]
    assert archive.name == "Trung tâm Lưu trữ lịch sử thành phố Đà Nẵng"
    [old_archive] = [a for a in agencies.values() if a.kind == AgencyKind.ARCHIVE and a is not archive]
    assert "Quảng Nam" in old_archive.name and _successor(agencies, old_archive.code) is archive

    districts = [a for a in agencies.values() if a.kind == AgencyKind.DISTRICT]
    assert districts and all(a.status == AgencyStatus.DISSOLVED and a.in_deposit_list for a in districts)
    closed = [f for f in fonds if agencies[f.agency_code].status != AgencyStatus.ACTIVE]
    assert {f.agency_code for f in closed} >= {a.code for a in districts[:4]}
    for f in closed:
        assert f.data["end_year"] == 2025 and f.data["notes"].startswith("Phông đóng: "), f.name

    assert agencies[head.agency_code or ""].name == "Sở Nội vụ thành phố Đà Nẵng"
    assert any(agencies[code].kind == AgencyKind.DISTRICT for code in assigned)  # closed fonds to survey
