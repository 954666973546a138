"""Seed records through the API and drive export jobs the way a client does."""

from __future__ import annotations

import io
import time
import uuid
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from tests.api.records_data import file_record, fonds


def post(client: TestClient, headers: dict[str, str], kind: str, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(f"/api/v1/records/{kind}", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return body


def add_fonds(
    client: TestClient, headers: dict[str, str], agency: str, number: str, **extra: Any
) -> dict[str, Any]:
    return post(client, headers, "fonds", {**fonds(agency, number), **extra})


def add_file(
    client: TestClient, headers: dict[str, str], agency: str, fonds_id: str, **extra: Any
) -> dict[str, Any]:
    return post(client, headers, "file_record", file_record(agency, fonds_id, **extra))


def add_box(
    client: TestClient,
    headers: dict[str, str],
    agency: str,
    f: dict[str, Any],
    box_no: str,
    inventory: str | None = "3",
) -> dict[str, Any]:
    body = {
        "id": str(uuid.uuid4()),
        "agency_code": agency,
        "fonds_id": f["id"],
        "fonds_number": f["number"],
        "inventory_no": inventory,
        "box_no": box_no,
    }
    post(client, headers, "box", body)
    r = client.get(f"/api/v1/records/box/{body['id']}", headers=headers)
    return r.json()["data"]


def add_campaign(app: Any, year: int = 2026) -> str:
    """A campaign made through the domain (``PUT /admin/campaigns`` answers 500 today: the row is
    expired by its commit, so ``model_dump()`` is empty)."""
    from sqlmodel import Session

    from common.schemas import Campaign
    from sync_server.domain.campaigns import save_campaign

    cid = uuid.uuid4()
    with Session(app.state.engine) as session:
        save_campaign(session, None, Campaign(id=cid, year=year, name=f"Thống kê tài liệu năm {year}"))
    return str(cid)


def add_nil_report(client: TestClient, headers: dict[str, str], agency: str, **extra: Any) -> dict[str, Any]:
    body = {
        "id": str(uuid.uuid4()),
        "agency_code": agency,
        "signer_name": "Nguyễn Văn An",
        "signer_position": "Giám đốc",
        "doc_number": "15/BC-STC",
        "doc_date": "2026-11-20",
        **extra,
    }
    return post(client, headers, "nil_report", body)


def run_job(
    client: TestClient, headers: dict[str, str], kind: str, timeout: float = 60, **params: Any
) -> bytes:
    """Start a job, poll it until done (checking progress), download its file."""
    r = client.post(f"/api/v1/exports/{kind}/jobs", json=params, headers=headers)
    assert r.status_code == 202, r.text
    job = r.json()
    deadline = time.monotonic() + timeout
    while job["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.05)
        job = client.get(f"/api/v1/exports/jobs/{job['id']}", headers=headers).json()
    assert job["status"] == "done", job
    assert job["done"] == job["total"]
    r = client.get(job["download_url"], headers=headers)
    assert r.status_code == 200, r.text
    return r.content


def read_xlsx(content: bytes) -> Workbook:
    return load_workbook(io.BytesIO(content))


def table(ws: Any, header_row: int) -> tuple[list[str], list[dict[str, Any]]]:
    """(headers, rows as dicts) of a sheet whose header is on ``header_row``; stops at the first blank STT."""
    rows = list(ws.iter_rows(min_row=header_row))
    headers = [c.value for c in rows[0]]
    out = []
    for row in rows[1:]:
        if not isinstance(row[0].value, int):
            break
        out.append({h: c for h, c in zip(headers, row, strict=False)})
    return headers, out
