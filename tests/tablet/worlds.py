"""Local data for tests that need no server: agencies and a campaign as a pull would bring them."""

from __future__ import annotations

import uuid

from common.protocol import PulledChange
from mobile_app.store import LocalStore

CAMPAIGN_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "saoluu:test-campaign"))
AGENCIES = {
    "000.00.01.H47": "Sở Nội vụ",
    "000.00.02.H47": "Sở Tài chính",
    "000.00.03.H47": "Sở Giáo dục và Đào tạo",
    "000.00.04.H47": "UBND huyện Đại Lộc",
    "000.00.05.H47": "Trung tâm Lưu trữ lịch sử tỉnh",
}


def pull_world(store: LocalStore, seq: int = 1) -> None:
    changes = [
        PulledChange(
            seq=seq,
            type="campaign",
            id=CAMPAIGN_ID,
            data={"id": CAMPAIGN_ID, "year": 2026, "name": "Khảo sát năm 2026", "active": True},
        ),
    ]
    for i, (code, name) in enumerate(AGENCIES.items()):
        changes.append(
            PulledChange(
                seq=seq + 1 + i, type="agency", id=code, agency_code=code, data={"code": code, "name": name}
            )
        )
    store.apply_pulled(changes, seq + len(changes))
