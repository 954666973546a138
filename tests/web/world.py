"""A small survey world for the web tests: a campaign, agency A's fonds and files (one with photos),
a visit; agency B has nothing yet (its head files a nil report)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from common import schemas as s
from sync_server.domain.campaigns import save_campaign
from tests.api.records_data import file_record, fonds
from tests.conftest import AGENCY_A, login
from tests.images import photo_jpeg

CAMPAIGN_ID = "5a1f0e52-2026-4000-8000-000000000071"
TITLES = {
    "crumbling": "Tập công văn về việc chia tách tỉnh Quảng Nam – Đà Nẵng năm 1996, giấy mủn, ố vàng",
    "irrigation": "Hồ sơ hội nghị tổng kết công tác thủy lợi năm 1985",
    "map": "Bản đồ quy hoạch đô thị Hội An năm 1990",
    "genealogy": "Gia phả dòng họ Trương Đăng ở Điện Bàn",
}


def upload_photo(client: TestClient, headers: dict[str, str], content: bytes) -> dict[str, Any]:
    sha = hashlib.sha256(content).hexdigest()
    r = client.patch(
        f"/api/v1/photos/{sha}",
        content=content,
        headers={**headers, "Upload-Offset": "0", "Upload-Length": str(len(content))},
    )
    assert r.status_code in (200, 201), r.text
    return {"sha256": sha, "size": len(content), "mime": "image/jpeg"}


@dataclass
class World:
    campaign_id: str
    fonds_a: str
    records: dict[str, str] = field(default_factory=dict)
    """Record ids of agency A by key of :data:`TITLES`."""
    visit: dict[str, Any] = field(default_factory=dict)
    """Agency A's visit, still open (not ended on the tablet)."""


def end_visit(client: TestClient, world: World) -> None:
    """The surveyor ends agency A's visit on the tablet and syncs."""
    ended = {**world.visit, "ended_at": "2026-10-05T16:45:00+07:00"}
    change = {"type": "visit", "id": ended["id"], "rev": 2, "base_version": 1, "data": ended}
    r = client.post(
        "/api/v1/sync/push",
        json={"batch_id": str(uuid.uuid4()), "changes": [change]},
        headers=login(client, "surveyor_a"),
    )
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "applied", r.text
    world.visit = ended


def build(app: Any, client: TestClient) -> World:
    with Session(app.state.engine) as session:
        save_campaign(
            session,
            None,
            s.Campaign(id=uuid.UUID(CAMPAIGN_ID), year=2026, name="Khảo sát, thống kê tài liệu năm 2026"),
        )
    h = login(client, "surveyor_a")
    f = fonds(AGENCY_A)
    assert client.post("/api/v1/records/fonds", json=f, headers=h).status_code == 201
    photos = [
        upload_photo(client, h, photo_jpeg(colour=colour, text=f"Trang {i}"))
        for i, colour in enumerate(("#d9c9a3", "#c9b48a"))
    ]
    bodies = {
        "crumbling": file_record(AGENCY_A, f["id"], title=TITLES["crumbling"], photos=photos),
        "irrigation": file_record(
            AGENCY_A, f["id"], title=TITLES["irrigation"], file_no="12", criteria=["permanent"], damages=[]
        ),
        "map": file_record(
            AGENCY_A,
            f["id"],
            title=TITLES["map"],
            file_no="40",
            carrier="maps",
            damages=[{"type": "torn", "severity": 2}],
        ),
        "genealogy": file_record(
            AGENCY_A,
            f["id"],
            title=TITLES["genealogy"],
            file_no="7",
            criteria=["collected"],
            rare=True,
            damages=[{"type": "mould", "severity": 4, "readability": "difficult"}],
        ),
    }
    world = World(CAMPAIGN_ID, f["id"])
    for key, body in bodies.items():
        body["campaign_id"] = CAMPAIGN_ID
        r = client.post("/api/v1/records/file_record", json=body, headers=h)
        assert r.status_code == 201, r.text
        world.records[key] = body["id"]
    visit = {
        "id": str(uuid.uuid4()),
        "agency_code": AGENCY_A,
        "campaign_id": CAMPAIGN_ID,
        "started_at": "2026-10-05T08:30:00+07:00",
    }
    assert client.post("/api/v1/records/visit", json=visit, headers=h).status_code == 201
    world.visit = visit
    return world


def name_people_and_edit_on_a_tablet(app: Any, client: TestClient, rid: str) -> dict[str, str]:
    """The reviewer and surveyor A get their names; A edits file ``rid`` on a tablet called
    "Máy tính bảng vm" and syncs. Returns the tablet's headers."""
    from sqlmodel import select

    from sync_server.models import User
    from tests.api.test_sync_server import enroll

    with Session(app.state.engine) as s:
        for username, name in (("reviewer", "Nguyễn Thị Lan"), ("surveyor_a", "Lê Minh Tuấn")):
            user = s.exec(select(User).where(User.username == username)).one()
            user.full_name = name
            s.add(user)
        s.commit()
    tablet = enroll(client, lambda name: login(client, name), "surveyor_a", "Máy tính bảng vm")
    current = client.get(f"/api/v1/records/file_record/{rid}", headers=tablet).json()
    change = {"type": "file_record", "id": rid, "rev": 2, "base_version": current["version"]}
    change["data"] = {**current["data"], "leaves": 30}
    r = client.post(
        "/api/v1/sync/push", json={"batch_id": str(uuid.uuid4()), "changes": [change]}, headers=tablet
    )
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "applied", r.text
    return tablet
