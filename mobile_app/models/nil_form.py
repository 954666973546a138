"""The nil report form (báo cáo không có tài liệu thuộc diện) captured at the visit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from common.dates import show_date
from common.schemas import DEFAULT_NIL_STATEMENT, NilReport
from mobile_app.models.draft_form import DraftForm
from mobile_app.models.forms import date_input, text_input
from mobile_app.models.photos import PhotoService
from mobile_app.store import LocalStore

TEXT_FIELDS = ("statement", "signer_name", "signer_position", "doc_number")


class NilReportForm(DraftForm):
    kind = "nil_report"
    schema = NilReport

    def __init__(
        self,
        store: LocalStore,
        prefs: Any,
        agency_code: str,
        record_id: str | None = None,
        *,
        photos: PhotoService,
        campaign_id: str | None = None,
        **kw: Any,
    ) -> None:
        self.photo_service = photos
        self._campaign_id = campaign_id
        super().__init__(store, prefs, agency_code, record_id, **kw)

    def defaults(self) -> dict[str, Any]:
        return {
            "campaign_id": self._campaign_id,
            "statement": DEFAULT_NIL_STATEMENT,
            "signer_name": "",
            "signer_position": "",
            "doc_number": "",
            "doc_date": show_date(dt.date.today()),
            "scan": None,
        }

    def load_record(self, data: dict[str, Any]) -> None:
        for name in TEXT_FIELDS:
            self.values[name] = data.get(name) or ""
        self.values["doc_date"] = show_date(data.get("doc_date"))
        self.values["scan"] = data.get("scan")
        self.values["campaign_id"] = data.get("campaign_id")

    def payload(self) -> dict[str, Any]:
        v = self.values
        body: dict[str, Any] = {
            "id": self.record_id,
            "agency_code": self.agency_code,
            "campaign_id": v["campaign_id"],
            **{name: text_input(v[name]) for name in TEXT_FIELDS},
            "doc_date": date_input(v["doc_date"]) or None,
            "scan": v["scan"],
        }
        return {k: val for k, val in body.items() if val is not None}

    def placeholder(self) -> dict[str, Any]:
        return {
            "id": self.record_id,
            "agency_code": self.agency_code,
            "signer_name": "-",
            "signer_position": "-",
            "doc_number": "-",
            "doc_date": "2000-01-01",
        }

    def photo_refs(self) -> list[dict[str, Any]]:
        return [self.values["scan"]] if self.values["scan"] else []

    def set_scan(self, content: bytes) -> dict[str, Any]:
        """Downscale and attach the photo of the signed paper (replacing any earlier one)."""
        ref = self.photo_service.stage(content).ref()
        self.set("scan", ref)
        return ref

    def remove_scan(self) -> None:
        self.set("scan", None)
