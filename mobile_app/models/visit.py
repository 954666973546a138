"""Visiting an agency: the visit itself, its fonds and boxes, box labels, files and drafts."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from common.boxcode import QR_PREFIX, parse_box_code
from common.dates import show_date
from common.errors import FieldError, field_error
from common.labels import BoxLabel
from common.schemas import Box, Fonds, Visit
from common.text import fold
from common.words import text as t
from mobile_app.models.base import Clock, Observable, utc_now
from mobile_app.models.file_form import NewFiles
from mobile_app.models.forms import FieldErrors, number_input, text_input, validate
from mobile_app.models.home import current_campaign
from mobile_app.models.labels import LabelService
from mobile_app.models.prefs import Preferences
from mobile_app.models.qrscan import DecoderUnavailable, UnreadableImage, decode_qr
from mobile_app.store import Draft, LocalRecord, LocalStore

FILES_SHOWN = 100


class QuickForm:
    """A short form saved in one go (fonds, box): values in, shared-schema errors out."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.errors = FieldErrors()

    def error(self, field: str, lang: str) -> str | None:
        return self.errors.message(field, lang)

    def fail(self, errors: list[FieldError]) -> None:
        self.errors.submitted = True
        self.errors.set(errors)


def _fonds_form() -> QuickForm:
    return QuickForm(
        {
            "number": "",
            "name": "",
            "kind": "fonds",
            "start_year": "",
            "end_year": "",
            "shelf_metres": "",
            "notes": "",
        }
    )


def _decimal(text: str) -> float | str | None:
    raw = text.strip().replace(",", ".")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        return raw


class VisitModel(Observable):
    def __init__(
        self,
        store: LocalStore,
        prefs: Preferences,
        labels: LabelService,
        agency_code: str,
        clock: Clock = utc_now,
        new_files: NewFiles | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.prefs = prefs
        self.labels = labels
        self.new_files = new_files or NewFiles()
        self.agency_code = agency_code
        self.clock = clock
        agency = store.get("agency", agency_code)
        self.agency_name: str = agency.data.get("name", agency_code) if agency else agency_code
        campaign = current_campaign(store)
        self.campaign_id: str | None = str(campaign["id"]) if campaign else None
        self.fonds_form = _fonds_form()
        self.box_form = QuickForm({"inventory_no": "", "box_no": ""})
        self.selected_fonds_id: str | None = None
        self.selected_box_id: str | None = None
        self.files_query = ""
        self.message: str | None = None
        self.visit: dict[str, Any] | None = None
        self.fonds: list[dict[str, Any]] = []
        self.boxes: list[dict[str, Any]] = []
        self.files: list[LocalRecord] = []
        self.files_total = 0
        self.drafts: list[Draft] = []
        self.nil_report: LocalRecord | None = None
        self.refresh()

    @property
    def lang(self) -> str:
        return self.prefs.lang

    # --- reading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        visits = [
            r.data
            for r in self.store.records("visit", self.agency_code)
            if self.campaign_id is None or r.data.get("campaign_id") in (None, self.campaign_id)
        ]
        self.visit = max(visits, key=lambda v: v["started_at"]) if visits else None
        self.fonds = sorted(
            (r.data for r in self.store.records("fonds", self.agency_code)), key=lambda f: fold(f["number"])
        )
        if self.selected_fonds_id is None and self.fonds:
            self.selected_fonds_id = self.fonds[0]["id"]
        self.boxes = (
            sorted(
                (
                    r.data
                    for r in self.store.search_records(
                        "box", self.agency_code, where={"fonds_id": self.selected_fonds_id}
                    )
                ),
                key=lambda b: b["code"],
            )
            if self.selected_fonds_id
            else []
        )
        self._load_files()
        self.drafts = self._drafts()
        nil = [
            r
            for r in self.store.records("nil_report", self.agency_code)
            if self.campaign_id is None or r.data.get("campaign_id") in (None, self.campaign_id)
        ]
        self.nil_report = nil[0] if nil else None
        self.notify()

    def _load_files(self) -> None:
        where: dict[str, str] = {}
        if self.selected_box_id:
            where["box_id"] = self.selected_box_id
        elif self.selected_fonds_id:
            where["fonds_id"] = self.selected_fonds_id
        found = self.store.search_records(
            "file_record", self.agency_code, self.files_query, where=where, limit=FILES_SHOWN + 1
        )
        self.files = found[:FILES_SHOWN]
        self.files_total = len(found)

    def select_fonds(self, fonds_id: str | None) -> None:
        self.selected_fonds_id = fonds_id
        self.selected_box_id = None
        self.refresh()

    def select_box(self, box_id: str | None) -> None:
        self.selected_box_id = box_id
        self._load_files()
        self.notify()

    def set_files_query(self, query: str) -> None:
        self.files_query = query
        self._load_files()
        self.notify()

    def fonds_by_id(self, fonds_id: str) -> dict[str, Any] | None:
        return next((f for f in self.fonds if f["id"] == fonds_id), None)

    # --- the visit -----------------------------------------------------------------------------

    @property
    def visit_open(self) -> bool:
        return self.visit is not None and not self.visit.get("ended_at")

    @property
    def can_start_visit(self) -> bool:
        """A visit can start unless one is open or the agency's nil report is filed."""
        return not self.visit_open and self.nil_report is None

    def status_text(self) -> str:
        """The agency's state this campaign: its nil report, else where the visit stands."""
        if self.nil_report is not None:
            d = self.nil_report.data
            return t(
                "nil_filed",
                self.lang,
                number=d.get("doc_number") or "",
                date=show_date(d.get("doc_date")),
                signer=d.get("signer_name") or "",
            )
        if self.visit is None:
            return t("visit_none", self.lang)
        start = show_date(dt.datetime.fromisoformat(self.visit["started_at"]), tz=None)
        if self.visit_open:
            return t("visit_started", self.lang, when=start)
        end = show_date(dt.datetime.fromisoformat(self.visit["ended_at"]), tz=None)
        return t("visit_ended", self.lang, start=start, end=end)

    def start_visit(self) -> None:
        visit = Visit(
            id=uuid.uuid4(),
            agency_code=self.agency_code,
            campaign_id=self.campaign_id,
            started_at=self.clock(),
        )
        self.store.save("visit", visit.model_dump(mode="json"))
        self.refresh()

    def end_visit(self) -> None:
        if not self.visit_open or self.visit is None:
            return
        data = Visit.model_validate({**self.visit, "ended_at": self.clock()}).model_dump(mode="json")
        self.store.save("visit", data)
        self.refresh()

    # --- fonds and boxes -----------------------------------------------------------------------

    def add_fonds(self) -> dict[str, Any] | None:
        """Validate the fonds form with the shared schema and save it; None (with errors) if invalid."""
        v = self.fonds_form.values
        payload = {
            "id": str(uuid.uuid4()),
            "agency_code": self.agency_code,
            "number": text_input(v["number"]),
            "name": text_input(v["name"]),
            "kind": v["kind"],
            "start_year": number_input(v["start_year"]),
            "end_year": number_input(v["end_year"]),
            "shelf_metres": _decimal(v["shelf_metres"]),
            "notes": text_input(v["notes"]),
        }
        obj, errors = validate(Fonds, {k: val for k, val in payload.items() if val is not None})
        if obj is not None and any(f["number"] == obj.number for f in self.fonds):
            errors = [field_error("number", "duplicate_item", input=obj.number)]
        if obj is None or errors:
            self.fonds_form.fail(errors)
            self.notify()
            return None
        data = obj.model_dump(mode="json")
        self.store.save("fonds", data)
        self.fonds_form = _fonds_form()
        self.selected_fonds_id = data["id"]
        self.selected_box_id = None
        self.refresh()
        return data

    def suggest_box_no(self) -> str:
        numbers = [int(b["box_no"]) for b in self.boxes if str(b.get("box_no", "")).isdigit()]
        return str(max(numbers, default=0) + 1)

    def add_box(self) -> dict[str, Any] | None:
        """Make a box of the selected fonds; its code is derived by the shared schema."""
        fonds = self.fonds_by_id(self.selected_fonds_id or "")
        v = self.box_form.values
        payload = {
            "id": str(uuid.uuid4()),
            "agency_code": self.agency_code,
            "fonds_id": fonds["id"] if fonds else None,
            "fonds_number": fonds["number"] if fonds else None,
            "inventory_no": text_input(v["inventory_no"]),
            "box_no": text_input(v["box_no"]) or self.suggest_box_no(),
        }
        obj, errors = validate(Box, {k: val for k, val in payload.items() if val is not None})
        if obj is not None and self._box_by_code(obj.code or "") is not None:
            errors = [field_error("box_no", "duplicate_item", input=obj.code)]
        if obj is None or errors:
            self.box_form.fail(errors)
            self.notify()
            return None
        data = obj.model_dump(mode="json")
        self.store.save("box", data)
        self.box_form = QuickForm({"inventory_no": v["inventory_no"], "box_no": ""})
        self.selected_box_id = data["id"]
        self.refresh()
        return data

    def _box_by_code(self, code: str) -> LocalRecord | None:
        rows = self.store.search_records("box", self.agency_code, where={"code": code}, limit=1)
        return rows[0] if rows else None

    # --- finding a box by its label ------------------------------------------------------------

    def find_box(self, text: str) -> dict[str, Any] | None:
        """Find a box by a typed code or a label's QR payload; selects it, or sets a message."""
        try:
            code = str(parse_box_code(text))
        except ValueError:
            self.message = t("not_a_box_code", self.lang)
            self.notify()
            return None
        rec = self._box_by_code(code)
        if rec is None:
            self.message = t("box_not_found", self.lang, code=code)
            self.notify()
            return None
        self.message = None
        self.selected_fonds_id = rec.data["fonds_id"]
        self.selected_box_id = rec.id
        self.refresh()
        return rec.data

    def find_box_by_image(self, image: bytes) -> dict[str, Any] | None:
        try:
            payloads = decode_qr(image)
        except DecoderUnavailable:
            self.message = t("err_no_decoder", self.lang)
            self.notify()
            return None
        except UnreadableImage:
            payloads = []
        labels = [p for p in payloads if p.upper().startswith(QR_PREFIX)]
        if not labels:
            self.message = t("not_a_box_label", self.lang)
            self.notify()
            return None
        return self.find_box(labels[0])

    # --- labels --------------------------------------------------------------------------------

    def box(self, box_id: str) -> dict[str, Any] | None:
        rec = self.store.get("box", box_id)
        return rec.data if rec else None

    def box_label(self, box: dict[str, Any]) -> BoxLabel:
        """What ``box``'s label says: agency and fonds by name, inventory and box, the code."""
        fonds = self.fonds_by_id(box["fonds_id"]) or {}
        return BoxLabel(
            code=box["code"],
            agency_name=self.agency_name,
            fonds_number=str(fonds.get("number") or box.get("fonds_number") or ""),
            fonds_name=str(fonds.get("name") or ""),
            inventory_no=box.get("inventory_no") or None,
            box_no=str(box["box_no"]),
        )

    def save_label(self, box_id: str) -> tuple[Path, bytes]:
        """The box's label as a PDF page of its own size."""
        box = self.box(box_id)
        if box is None:
            raise KeyError(box_id)
        return self.labels.save_label(self.box_label(box))

    def save_label_sheet(self) -> tuple[Path, bytes]:
        """All boxes of the selected fonds on A4 label sheets."""
        fonds = self.fonds_by_id(self.selected_fonds_id or "")
        name = f"{self.agency_code}-P{fonds['number']}" if fonds else self.agency_code
        return self.labels.save_sheet(name, [self.box_label(b) for b in self.boxes])

    # --- files, drafts, nil report -------------------------------------------------------------

    def new_file(self) -> str:
        """Start a new file in the selected box (or fonds); returns its record id (a draft once changed)."""
        preset: dict[str, Any] = {"campaign_id": self.campaign_id}
        if self.visit_open and self.visit is not None:
            preset["visit_id"] = self.visit["id"]
        box = self.box(self.selected_box_id) if self.selected_box_id else None
        if box is not None:
            preset.update(
                fonds_id=box["fonds_id"],
                box_id=box["id"],
                inventory_no=box.get("inventory_no") or "",
                box_no=box["box_no"],
            )
        elif self.selected_fonds_id:
            preset["fonds_id"] = self.selected_fonds_id
        return self.new_files.start(preset)

    def _drafts(self) -> list[Draft]:
        """Drafts of files the surveyor changed; untouched ones that older versions stored are dropped."""
        drafts = self.store.drafts("file_record", self.agency_code)
        for draft in drafts:
            if "touched" not in draft.data:
                self.store.delete_draft(draft.key)
        return [d for d in drafts if "touched" in d.data]

    def discard_draft(self, key: str) -> None:
        self.store.delete_draft(key)
        self.refresh()

    def draft_label(self, draft: Draft) -> str:
        values = draft.data.get("values", {})
        title = values.get("title") or t("draft_untitled", self.lang)
        return f"{values.get('file_no') or '?'} – {title}"

    def nil_report_id(self) -> str:
        """The agency's nil report for this campaign: saved, being drafted, or a new one."""
        if self.nil_report is not None:
            return self.nil_report.id
        drafts = self.store.drafts("nil_report", self.agency_code)
        if drafts:
            return drafts[0].key.split(":", 1)[1]
        return str(uuid.uuid4())
