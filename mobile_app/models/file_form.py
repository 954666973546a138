"""The file record form (hồ sơ): every field of the shared schema, damages, photos, next file."""

from __future__ import annotations

import re
import threading
import uuid
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from common.dates import show_date
from common.schemas import FileRecord, fold_rare_flag
from common.vocab import DamageType, Readability, Retention
from mobile_app.models.draft_form import DraftForm
from mobile_app.models.forms import date_input, number_input, text_input
from mobile_app.models.photos import PhotoError, PhotoService
from mobile_app.store import LocalStore

TEXT_FIELDS = ("inventory_no", "box_no", "file_no", "title", "notes")
DATE_FIELDS = ("start_date", "end_date")
NUMBER_FIELDS = ("leaves", "pages", "retention_years")
CARRIED_OVER = ("fonds_id", "box_id", "inventory_no", "box_no", "campaign_id", "visit_id")
_DAMAGE_PATH = re.compile(r"^damages\[(\d+)\](?:\.(\w+))?$")


@dataclass
class DamageState:
    """One ticked damage: severity must be chosen; readability defaults to fully readable."""

    severity: int | None = None
    readability: str = Readability.FULL.value
    note: str = ""


class FileRecordForm(DraftForm):
    kind = "file_record"
    schema = FileRecord
    related: ClassVar[dict[str, tuple[str, ...]]] = {
        "retention_years": ("retention",),
        "end_date": ("start_date",),
    }

    def __init__(
        self,
        store: LocalStore,
        prefs: Any,
        agency_code: str,
        record_id: str | None = None,
        *,
        photos: PhotoService,
        new_files: NewFiles,
        **kw: Any,
    ) -> None:
        self.photo_service = photos
        self.new_files = new_files
        self.damages: dict[str, DamageState] = {}
        self.photos: list[dict[str, Any]] = []
        super().__init__(store, prefs, agency_code, record_id, preset=new_files.preset(record_id or ""), **kw)

    # --- shape ---------------------------------------------------------------------------------

    def defaults(self) -> dict[str, Any]:
        return {
            "fonds_id": None,
            "box_id": None,
            "campaign_id": None,
            "visit_id": None,
            **dict.fromkeys(TEXT_FIELDS + DATE_FIELDS + NUMBER_FIELDS, ""),
            "retention": Retention.PERMANENT.value,
            "access": "open",
            "languages": ["vi"],
            "carrier": "paper",
            "criteria": [],
        }

    def load_record(self, data: dict[str, Any]) -> None:
        data = fold_rare_flag(data)  # pulled or saved by a version that kept "rare" apart
        for name in (
            "fonds_id",
            "box_id",
            "campaign_id",
            "visit_id",
            "retention",
            "access",
            "carrier",
        ):
            if data.get(name) is not None:
                self.values[name] = data[name]
        for name in TEXT_FIELDS:
            self.values[name] = data.get(name) or ""
        for name in DATE_FIELDS:
            self.values[name] = show_date(data.get(name))
        for name in NUMBER_FIELDS:
            self.values[name] = "" if data.get(name) is None else str(data[name])
        self.values["languages"] = list(data.get("languages") or ["vi"])
        self.values["criteria"] = list(data.get("criteria") or [])
        self.damages = {
            d["type"]: DamageState(d.get("severity"), d.get("readability") or "full", d.get("note") or "")
            for d in data.get("damages") or []
        }
        self.photos = [dict(p) for p in data.get("photos") or []]

    def draft_data(self) -> dict[str, Any]:
        return {
            **super().draft_data(),
            "damages": {k: asdict(v) for k, v in self.damages.items()},
            "photos": self.photos,
        }

    def load_draft(self, data: dict[str, Any]) -> None:
        super().load_draft(data)
        legacy = {"criteria": self.values["criteria"], "rare": self.values.pop("rare", False)}
        self.values["criteria"] = fold_rare_flag(legacy)["criteria"]  # a draft kept by a version before
        self.damages = {k: DamageState(**v) for k, v in data.get("damages", {}).items()}
        self.photos = list(data.get("photos", []))

    def payload(self) -> dict[str, Any]:
        v = self.values
        body: dict[str, Any] = {
            "id": self.record_id,
            "agency_code": self.agency_code,
            "campaign_id": v["campaign_id"],
            "visit_id": v["visit_id"],
            "fonds_id": v["fonds_id"],
            "box_id": v["box_id"],
            **{name: text_input(v[name]) for name in TEXT_FIELDS},
            **{name: date_input(v[name]) or None for name in DATE_FIELDS},
            **{name: number_input(v[name]) for name in NUMBER_FIELDS},
            "retention": v["retention"],
            "access": v["access"],
            "languages": v["languages"],
            "carrier": v["carrier"],
            "criteria": v["criteria"],
            "damages": [self._damage_payload(code) for code in self.damage_order()],
            "photos": self.photos,
        }
        if v["retention"] == Retention.PERMANENT.value and body["retention_years"] is None:
            body.pop("retention_years")
        return {k: val for k, val in body.items() if val is not None}

    def placeholder(self) -> dict[str, Any]:
        return {
            "id": self.record_id,
            "agency_code": self.agency_code,
            "fonds_id": self.record_id,
            "file_no": "1",
            "title": "-",
            "criteria": ["permanent"],
        }

    def _damage_payload(self, code: str) -> dict[str, Any]:
        d = self.damages[code]
        entry: dict[str, Any] = {"type": code, "readability": d.readability}
        if d.severity is not None:
            entry["severity"] = d.severity
        if d.note.strip():
            entry["note"] = d.note.strip()
        return entry

    def photo_refs(self) -> list[dict[str, Any]]:
        return self.photos

    # --- choices -------------------------------------------------------------------------------

    def fonds_options(self) -> list[tuple[str, str]]:
        rows = self.store.search_records("fonds", self.agency_code)
        return sorted(((r.id, f"{r.data['number']} – {r.data['name']}") for r in rows), key=lambda o: o[1])

    def box_options(self) -> list[tuple[str, str]]:
        if not self.values["fonds_id"]:
            return []
        rows = self.store.search_records("box", self.agency_code, where={"fonds_id": self.values["fonds_id"]})
        return sorted((r.id, r.data["code"]) for r in rows)

    def set(self, field: str, value: Any) -> None:
        """Choosing a box fills fonds, inventory and box numbers; another fonds clears the box."""
        extra: list[str] = []
        with self._lock:
            self.values[field] = value
            if field == "box_id" and value:
                box = self.store.get("box", value)
                if box is not None:
                    self.values["fonds_id"] = box.data["fonds_id"]
                    self.values["inventory_no"] = box.data.get("inventory_no") or ""
                    self.values["box_no"] = box.data["box_no"]
                    extra = ["fonds_id", "inventory_no", "box_no"]
            elif field == "fonds_id" and self.values["box_id"]:
                box = self.store.get("box", self.values["box_id"])
                if box is None or box.data["fonds_id"] != value:
                    self.values["box_id"] = None
        self.changed(field, *extra)

    def toggle(self, field: str, code: str, on: bool) -> None:
        """Tick or untick ``code`` in a multiple choice (criteria, languages)."""
        with self._lock:
            chosen = [c for c in self.values[field] if c != code]
            self.values[field] = [*chosen, code] if on else chosen
        self.changed(field)

    # --- damages -------------------------------------------------------------------------------

    def damage_order(self) -> list[str]:
        return [d.value for d in DamageType if d.value in self.damages]

    def set_damage(self, code: str, on: bool) -> None:
        DamageType(code)
        with self._lock:
            if on:
                self.damages.setdefault(code, DamageState())
            else:
                self.damages.pop(code, None)
        self.changed("damages")

    def update_damage(self, code: str, **changes: Any) -> None:
        """Change a ticked damage's ``severity``, ``readability`` or ``note``."""
        with self._lock:
            state = self.damages[code]
            for name, value in changes.items():
                if name == "severity":
                    value = int(value) if value not in (None, "") else None
                setattr(state, name, value)
        self.changed("damages")

    def damage_error(self, code: str, part: str) -> str | None:
        """The error of one damage's ``severity``/``readability``/``note``, if shown."""
        order = self.damage_order()
        if code not in order:
            return None
        return self.errors.message(f"damages[{order.index(code)}].{part}", self.lang)

    @property
    def flagged_for_conservation(self) -> bool:
        return any(d.readability == Readability.DIFFICULT.value for d in self.damages.values())

    # --- photos --------------------------------------------------------------------------------

    def add_photo(self, content: bytes) -> dict[str, Any]:
        """Downscale and keep a picked photo; raises :class:`PhotoError` for a non-image."""
        staged = self.photo_service.stage(content)
        ref = staged.ref()
        with self._lock:
            if all(p["sha256"] != staged.sha256 for p in self.photos):
                self.photos.append(ref)
        self.changed("photos")
        return ref

    def remove_photo(self, sha: str) -> None:
        with self._lock:
            self.photos = [p for p in self.photos if p["sha256"] != sha]
        self.changed("photos")

    # --- next file -----------------------------------------------------------------------------

    def next_preset(self) -> dict[str, Any]:
        """Fonds, inventory and box carried over; the file number incremented when it is a number."""
        preset = {name: self.values[name] for name in CARRIED_OVER}
        preset["carrier"] = self.values["carrier"]
        file_no = (self.values["file_no"] or "").strip()
        if file_no.isdigit():
            preset["file_no"] = str(int(file_no) + 1)
        return preset

    def save_and_next(self) -> str | None:
        """Save; when valid, start the next file of the same box and return its id."""
        if not self.save():
            return None
        return self.new_files.start(self.next_preset())


class NewFiles:
    """New file forms nobody has changed yet: their presets (fonds, box…) wait here, in memory.

    A new file becomes a draft only with the surveyor's first change, so opening "Add file" and
    going back leaves nothing behind; an untouched form holds nothing worth keeping across a restart.
    """

    def __init__(self) -> None:
        self._presets: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def start(self, preset: dict[str, Any]) -> str:
        """A record id for a new file opened with ``preset``."""
        record_id = str(uuid.uuid4())
        with self._lock:
            self._presets[record_id] = dict(preset)
        return record_id

    def preset(self, record_id: str) -> dict[str, Any]:
        with self._lock:
            return dict(self._presets.get(record_id, {}))


__all__ = ["DamageState", "FileRecordForm", "NewFiles", "PhotoError"]
