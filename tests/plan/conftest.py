"""The digitization phase's world: a campaign's surveyed files (some in boxes), approved through the
API, and the acts on them (approved lists, the plan, boxes out and in) made as a client makes them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.conftest import AGENCY_A, AGENCY_B
from tests.exports.helpers import add_box, add_campaign, add_file, add_fonds

SIGNED_PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n% Quyet dinh phe duyet danh muc (ban quet)\n%%EOF\n"
SURVEYORS = {AGENCY_A: "surveyor_a", AGENCY_B: "surveyor_b"}


@dataclass
class Survey:
    """Surveyed files of one campaign, made through the API (approved unless told otherwise)."""

    client: TestClient
    auth: Callable[[str], dict[str, str]]
    app: Any
    campaign: str
    fonds: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    boxes: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)

    def fonds_of(self, agency: str, number: str) -> dict[str, Any]:
        if (agency, number) not in self.fonds:
            self.fonds[(agency, number)] = add_fonds(
                self.client, self.auth(SURVEYORS[agency]), agency, number
            )
        return self.fonds[(agency, number)]

    def box(self, box_no: str, *, agency: str = AGENCY_A, fonds: str = "12") -> dict[str, Any]:
        """A box (its data, with its ``code``)."""
        key = (agency, fonds, box_no)
        if key not in self.boxes:
            f = self.fonds_of(agency, fonds)
            self.boxes[key] = add_box(self.client, self.auth(SURVEYORS[agency]), agency, f, box_no)
        return self.boxes[key]

    def file(
        self,
        file_no: str,
        *,
        agency: str = AGENCY_A,
        fonds: str = "12",
        box: str | None = None,
        approve: bool = True,
        **extra: Any,
    ) -> str:
        """A file record of the campaign; returns its id."""
        f = self.fonds_of(agency, fonds)
        body: dict[str, Any] = {"file_no": file_no, "campaign_id": self.campaign, "damages": [], **extra}
        if box is not None:
            b = self.box(box, agency=agency, fonds=fonds)
            body.update(box_id=b["id"], box_no=b["box_no"], inventory_no=b["inventory_no"])
        rid = str(add_file(self.client, self.auth(SURVEYORS[agency]), agency, f["id"], **body)["id"])
        if approve:
            self.approve(rid)
        return rid

    def approve(self, rid: str) -> None:
        r = self.client.post(
            f"/api/v1/records/file_record/{rid}/review",
            json={"state": "approved"},
            headers=self.auth("reviewer"),
        )
        assert r.status_code == 200, r.text

    def freeze(
        self,
        *,
        agencies: tuple[str, ...] = (),
        supplement_to: int | None = None,
        scan: bytes = SIGNED_PDF,
        who: str = "reviewer",
        number: str = "125/QĐ-SNV",
    ) -> Any:
        """``POST /approved-lists`` (the response)."""
        form: dict[str, Any] = {
            "campaign_id": self.campaign,
            "decision_number": number,
            "decision_date": "2026-12-01",
            "signer_name": "Nguyễn Văn Bình",
            "signer_position": "Giám đốc Sở Nội vụ",
            "agency_codes": list(agencies),
        }
        if supplement_to is not None:
            form["supplement_to"] = str(supplement_to)
        return self.client.post(
            "/api/v1/approved-lists",
            data=form,
            files={"scan": ("quyet-dinh.pdf", scan, "application/pdf")},
            headers=self.auth(who),
        )

    def session(self) -> Session:
        return Session(self.app.state.engine)

    def history(self, rid: str) -> list[dict[str, Any]]:
        r = self.client.get(f"/api/v1/records/file_record/{rid}/history", headers=self.auth("reviewer"))
        return r.json()  # type: ignore[no-any-return]


@pytest.fixture
def survey(app, client: TestClient, auth) -> Survey:  # type: ignore[no-untyped-def]
    return Survey(client, auth, app, add_campaign(app))


def new_id() -> str:
    return str(uuid.uuid4())
