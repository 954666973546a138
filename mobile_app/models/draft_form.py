"""A form whose every change is kept as a draft (debounced) until the record is saved."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from typing import Any, ClassVar

from common.errors import FieldError
from common.schemas import Schema
from common.vocab import ReviewState
from mobile_app.models.base import Clock, Debouncer, Observable, utc_now
from mobile_app.models.forms import FieldErrors, validate
from mobile_app.models.prefs import Preferences
from mobile_app.store import LocalRecord, LocalStore

AUTOSAVE_SECONDS = 0.5


def draft_key(kind: str, record_id: str) -> str:
    return f"{kind}:{record_id}"


class DraftForm(Observable):
    """Base of the record forms: values, validation by the shared schema, drafts, saving."""

    kind: ClassVar[str]
    schema: ClassVar[type[Schema]]
    related: ClassVar[dict[str, tuple[str, ...]]] = {}

    def __init__(
        self,
        store: LocalStore,
        prefs: Preferences,
        agency_code: str,
        record_id: str | None = None,
        *,
        clock: Clock = utc_now,
        autosave_delay: float = AUTOSAVE_SECONDS,
        preset: dict[str, Any] | None = None,
    ) -> None:
        """``preset``: values of a new record that has no draft yet (kept only once changed)."""
        super().__init__()
        self.store = store
        self.prefs = prefs
        self.agency_code = agency_code
        self.record_id = record_id or str(uuid.uuid4())
        self.clock = clock
        self.errors = FieldErrors(self.related)
        self.values: dict[str, Any] = self.defaults()
        self.draft_saved_at: dt.datetime | None = None
        self.saved = False
        self._dirty = False
        self._lock = threading.RLock()
        self._autosave = Debouncer(self.save_draft, autosave_delay)
        self.record: LocalRecord | None = store.get(self.kind, self.record_id)
        draft = store.get_draft(self.key)
        if draft is not None:
            self.load_draft(draft.data)
            self.has_draft = True
        else:
            if self.record is not None:
                self.load_record(self.record.data)
            elif preset:
                self.values.update(preset)
            self.has_draft = False
        self.revalidate()

    # --- to be filled by each form -------------------------------------------------------------

    def defaults(self) -> dict[str, Any]:
        return {}

    def load_record(self, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def payload(self) -> dict[str, Any]:
        raise NotImplementedError

    def placeholder(self) -> dict[str, Any] | None:
        """Valid stand-ins for required fields, to check cross-field rules early (see ``validate``)."""
        return None

    def photo_refs(self) -> list[dict[str, Any]]:
        """Photos the record refers to (queued for upload when it is saved)."""
        return []

    def draft_data(self) -> dict[str, Any]:
        return {"values": self.values, "touched": sorted(self.errors.touched)}

    def load_draft(self, data: dict[str, Any]) -> None:
        self.values.update(data.get("values", {}))
        self.errors.touched = set(data.get("touched", []))

    # --- editing -------------------------------------------------------------------------------

    @property
    def key(self) -> str:
        return draft_key(self.kind, self.record_id)

    @property
    def lang(self) -> str:
        return self.prefs.lang

    @property
    def is_new(self) -> bool:
        return self.record is None

    def set(self, field: str, value: Any) -> None:
        """The surveyor changed ``field``: validate, schedule a draft save, tell the screen."""
        with self._lock:
            self.values[field] = value
        self.changed(field)

    def changed(self, *fields: str) -> None:
        with self._lock:
            self.errors.touched.update(fields)
            self._dirty = True
            self.saved = False
            self.revalidate()
        self._autosave.call()
        self.notify()

    def revalidate(self) -> list[FieldError]:
        _, errors = validate(self.schema, self.payload(), self.placeholder())
        self.errors.set(errors)
        return errors

    def error(self, field: str) -> str | None:
        return self.errors.message(field, self.lang)

    # --- drafts and saving ---------------------------------------------------------------------

    def save_draft(self) -> None:
        """Keep what was typed (called by the debouncer; a no-op when nothing changed)."""
        with self._lock:
            if not self._dirty:
                return
            self.store.save_draft(self.key, self.kind, self.draft_data(), self.agency_code)
            self._dirty = False
            self.has_draft = True
            self.draft_saved_at = self.clock()
        self.notify()

    def flush(self) -> None:
        """Write a pending draft now (leaving the screen, app going to background)."""
        self._autosave.flush()

    def save(self) -> bool:
        """Validate everything; when valid, store the record, queue it and its photos, drop the draft."""
        with self._lock:
            self._autosave.cancel()
            self.errors.submitted = True
            obj, errors = validate(self.schema, self.payload())
            self.errors.set(errors)
            if obj is None:
                self._dirty = True
                self._autosave.call()
                self.notify()
                return False
            data = obj.model_dump(mode="json")
            self.record = self.store.save(self.kind, data, photos=self.photo_refs(), drop_draft=self.key)
            self._dirty = False
            self.has_draft = False
            self.saved = True
        self.notify()
        return True

    def discard_draft(self) -> None:
        """Forget unsaved changes and show the saved record again."""
        with self._lock:
            self._autosave.cancel()
            self.store.delete_draft(self.key)
            self.values = self.defaults()
            self.errors = FieldErrors(self.related)
            if self.record is not None:
                self.load_record(self.record.data)
            self._dirty = False
            self.has_draft = False
            self.revalidate()
        self.notify()

    # --- what the server said ------------------------------------------------------------------

    @property
    def review_state(self) -> ReviewState | None:
        state = self.record.review_state if self.record else None
        return ReviewState(state) if state is not None and state in ReviewState._value2member_map_ else None

    def comments(self) -> list[dict[str, Any]]:
        """Reviewers' comments on this record, oldest first."""
        rows = self.store.search_records("review_comment", where={"entity_id": self.record_id})
        return sorted((r.data for r in rows), key=lambda d: str(d.get("created_at") or ""))

    @property
    def server_errors(self) -> list[str]:
        if self.record is None or not self.record.errors:
            return []
        lang = self.lang
        return [f"{e['field']}: {e['message'][lang]}" for e in self.record.errors]

    @property
    def conflicted(self) -> bool:
        return bool(self.record and self.record.conflicted)
