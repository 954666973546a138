"""Valid record payloads for API tests."""

from __future__ import annotations

import uuid
from typing import Any


def fonds(agency: str, number: str = "12") -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "agency_code": agency,
        "number": number,
        "name": "Phông Ủy ban hành chính tỉnh Quảng Nam",
        "start_year": 1976,
        "end_year": 1996,
    }


def file_record(agency: str, fonds_id: str, **extra: Any) -> dict[str, Any]:
    body = {
        "id": str(uuid.uuid4()),
        "agency_code": agency,
        "fonds_id": fonds_id,
        "inventory_no": "3",
        "box_no": "45",
        "file_no": "127",
        "title": "Tập công văn về việc chia tách tỉnh Quảng Nam – Đà Nẵng năm 1996, giấy mủn, ố vàng",
        "start_date": "1996-01",
        "end_date": "1996-11-06",
        "leaves": 84,
        "criteria": ["permanent", "damaged"],
        "damages": [
            {"type": "crumbling", "severity": 3, "readability": "partial"},
            {"type": "stained", "severity": 2},
        ],
    }
    body.update(extra)
    return body
