"""One definition of where an agency stands: the dashboard, the compliance tracker, the agency
head's page, the yearly report and the not-yet-reported export all say the same, for agencies in
every state."""

from __future__ import annotations

import csv
import io
import re
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from common import schemas as s
from common.vocab import Role
from sync_server.domain.campaigns import save_campaign
from sync_server.domain.standing import ComplianceStatus as S
from sync_server.domain.users import UserCreate, create_user
from tests.api.records_data import file_record, fonds
from tests.conftest import AGENCY_A, AGENCY_B, PROVINCE, login
from tests.exports.helpers import read_xlsx, run_job, table
from tests.web.conftest import csrf_of, web_login

CAMPAIGN = "5a1f0e52-2026-4000-8000-000000000013"
HEAD_PASSWORD = "matkhau-thu-truong"
PLAN: dict[str, tuple[str, S, str]] = {
    # code: (name, where it stands, what happened)
    "000.00.11.H47": ("Sở Y tế", S.NOT_VISITED, "nothing yet"),
    "000.00.12.H47": ("Sở Xây dựng", S.IN_PROGRESS, "a visit, no file yet"),
    "000.00.13.H47": ("Sở Tư pháp", S.IN_PROGRESS, "files, all awaiting review"),
    "000.00.14.H47": ("Sở Công Thương", S.SENT_BACK, "one file approved, one sent back"),
    "000.00.15.H47": ("Sở Khoa học và Công nghệ", S.LISTED, "every file approved"),
    "000.00.16.H47": ("Thanh tra tỉnh", S.LISTED, "confirmed by its head, files awaiting review"),
    "000.00.17.H47": ("Ban Dân tộc tỉnh", S.NIL_REPORT, "a nil report awaiting review"),
    "000.00.18.H47": ("Sở Ngoại vụ", S.SENT_BACK, "its nil report sent back"),
}
EXPECTED = {**{code: status for code, (_, status, _) in PLAN.items()}, PROVINCE: S.NOT_VISITED}
EXPECTED |= {AGENCY_A: S.NOT_VISITED, AGENCY_B: S.NOT_VISITED}


def _head(code: str) -> str:
    return "head." + code.split(".")[2]


def _build(app: Any, client: TestClient) -> None:
    from sync_server.domain.agencies import upsert_agencies

    with Session(app.state.engine) as session:
        save_campaign(session, None, s.Campaign(id=uuid.UUID(CAMPAIGN), year=2026, name="Thống kê năm 2026"))
        agencies = [
            s.AgencyIn(code=code, name=name, kind="department", parent_code=PROVINCE)
            for code, (name, _, _) in PLAN.items()
        ]
        upsert_agencies(session, None, agencies)
        session.commit()
        for code in PLAN:
            create_user(
                session,
                None,
                UserCreate(
                    username=_head(code), password=HEAD_PASSWORD, role=Role.AGENCY_HEAD, agency_code=code
                ),
            )
    admin, reviewer = login(client, "admin"), login(client, "reviewer")

    def post(kind: str, body: dict[str, Any]) -> dict[str, Any]:
        body = body if kind == "fonds" else {**body, "campaign_id": CAMPAIGN}
        r = client.post(f"/api/v1/records/{kind}", json=body, headers=admin)
        assert r.status_code == 201, r.text
        return body

    def files(code: str, n: int) -> list[str]:
        f = post("fonds", fonds(code))
        return [post("file_record", file_record(code, f["id"], file_no=str(i + 1)))["id"] for i in range(n)]

    def review(kind: str, rid: str, state: str) -> None:
        body = {"state": state, "text": "Bổ sung số tờ" if state == "sent_back" else ""}
        r = client.post(f"/api/v1/records/{kind}/{rid}/review", json=body, headers=reviewer)
        assert r.status_code == 200, r.text

    def visit(code: str, ended: bool) -> None:
        body = {"id": str(uuid.uuid4()), "agency_code": code, "started_at": "2026-10-05T08:30:00+07:00"}
        post("visit", {**body, "ended_at": "2026-10-05T16:30:00+07:00"} if ended else body)

    def nil(code: str) -> str:
        body = {"id": str(uuid.uuid4()), "agency_code": code, "signer_name": "Nguyễn Văn An"}
        body |= {"signer_position": "Giám đốc", "doc_number": "15/BC", "doc_date": "2026-11-20"}
        return post("nil_report", body)["id"]

    visit("000.00.12.H47", ended=False)
    files("000.00.13.H47", 2)
    approved, back = files("000.00.14.H47", 2)
    review("file_record", approved, "approved")
    review("file_record", back, "sent_back")
    for rid in files("000.00.15.H47", 2):
        review("file_record", rid, "approved")
    files("000.00.16.H47", 1)
    visit("000.00.16.H47", ended=True)
    nil("000.00.17.H47")
    review("nil_report", nil("000.00.18.H47"), "sent_back")

    head = TestClient(app)
    assert web_login(head, _head("000.00.16.H47"), HEAD_PASSWORD).status_code == 303
    page = head.get("/web/agency")
    r = head.post("/web/agency/confirm", data={"csrf_token": csrf_of(page.text), "note": ""})
    assert r.status_code == 200 and "Đã xác nhận danh mục 1 hồ sơ." in r.text, r.text
    head.close()


def _dashboard_counts(html: str) -> dict[str, int]:
    legend = re.findall(r'status=(\w+)">[^<]+</a>: <strong>(\d+)</strong>', html)
    return {key: int(n) for key, n in legend}


def _tracker_statuses(html: str) -> dict[str, str]:
    rows = re.findall(r"<small>([0-9.]+H47).*?badge-(\w+)\"", html, flags=re.S)
    return dict(rows)


def test_every_page_and_export_says_the_same_of_each_agency(app, client: TestClient, web) -> None:  # type: ignore[no-untyped-def]
    _build(app, client)
    staff = web("reviewer")
    want = {code: status.value for code, status in EXPECTED.items()}

    dashboard = staff.get(f"/web/dashboard?campaign={CAMPAIGN}").text
    counts = {status.value: list(want.values()).count(status.value) for status in S}
    assert _dashboard_counts(dashboard) == counts

    tracker = staff.get(f"/web/compliance?campaign={CAMPAIGN}").text
    assert _tracker_statuses(tracker) == want
    for status in S:  # the dashboard's legend links to the tracker filtered by that status
        filtered = staff.get(f"/web/compliance?campaign={CAMPAIGN}&status={status.value}").text
        assert set(_tracker_statuses(filtered)) == {c for c, v in want.items() if v == status.value}

    for code in PLAN:
        head = TestClient(app)
        assert web_login(head, _head(code), HEAD_PASSWORD).status_code == 303
        badge = re.search(
            r'<p class="lead"><span class="badge badge-(\w+)">([^<]+)</span>', head.get("/web/agency").text
        )
        assert badge is not None and badge[1] == want[code], (code, PLAN[code][2])
        assert badge[2] == EXPECTED[code].vi
        head.close()

    reviewer = login(client, "reviewer")
    for params in ({"campaign_id": CAMPAIGN}, {}):  # that campaign; cumulative (every record has it)
        ws = read_xlsx(run_job(client, reviewer, "yearly_report", year=2026, **params))["Theo cơ quan"]
        _, rows = table(ws, 3)
        assert {r["Mã cơ quan"].value: r["Tình hình báo cáo"].value for r in rows} == {
            code: status.vi for code, status in EXPECTED.items()
        }, params
        note = ws.cell(3 + len(rows) + 3, 1).value
        reported = sum(1 for status in EXPECTED.values() if status.reported)
        tally = " — ".join(f"{status.vi}: {counts[status.value]}" for status in S)
        assert note == f"{tally} (trên {len(EXPECTED)} cơ quan, đơn vị; đã báo cáo: {reported})."

    export = staff.get(f"/web/compliance/export?format=csv&campaign={CAMPAIGN}")
    listed = {row[0]: row[4] for row in list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))[1:]}
    assert listed == {code: status.vi for code, status in EXPECTED.items() if not status.reported}
