"""Form state shared by the tablet's forms: typed text in, shared-schema validation out.

A form keeps what the surveyor typed (strings, ticks, choices), turns it into a record payload
and validates that payload with the shared schema from :mod:`common.schemas`; errors come back as
:class:`common.errors.FieldError` values keyed by field, in Vietnamese or English. Nothing here
restates a rule of the schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from common.errors import FieldError, field_errors
from common.vocab import Lang

_DMY = re.compile(r"^\s*(?:(\d{1,2})\s*[/.\-]\s*)?(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")


def date_input(text: str) -> str:
    """Vietnamese day-first input to the partial ISO date the schema checks.

    ``"30/4/1975"`` -> ``"1975-04-30"``, ``"4/1975"`` -> ``"1975-04"``, ``"1975"`` stays; anything
    else is returned as typed so the schema reports it.
    """
    m = _DMY.match(text)
    if not m:
        return text.strip()
    day, month, year = m.groups()
    if day is None:
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


def number_input(text: str) -> int | str | None:
    """``""`` -> None, ``"84"`` -> 84; other text is passed on for the schema to refuse."""
    raw = text.strip().replace(" ", "")
    if not raw:
        return None
    return int(raw) if raw.isdigit() else raw


def text_input(text: str | None) -> str | None:
    if text is None:
        return None
    stripped = text.strip()
    return stripped or None


_LIST_REASONS = {"too_short": "too_few_items", "too_long": "too_many_items"}


def _errors(exc: ValidationError) -> list[FieldError]:
    """Field errors of ``exc``; a list that is too short is reported as too few *items*.

    (``common.errors.field_errors`` takes pydantic's ``too_short`` for its text message of the same
    name, which would tell the surveyor to type "at least 1 character" into the criteria list.)
    """
    items = []
    for err in exc.errors():
        ctx = err.get("ctx") or {}
        if err["type"] in _LIST_REASONS and ctx.get("field_type") == "List":
            err = {**err, "type": _LIST_REASONS[err["type"]]}
        items.append(err)
    return field_errors(items)


M = TypeVar("M", bound=BaseModel)


def validate(
    schema: type[M], payload: dict[str, Any], placeholder: dict[str, Any] | None = None
) -> tuple[M | None, list[FieldError]]:
    """The validated record, or the field errors of the shared schema.

    Pydantic checks rules across fields (end after start…) only once every field is valid. With
    ``placeholder`` (valid values for the required fields) a second pass swaps the faulty fields for
    placeholders, so those rules are reported while the surveyor is still typing.
    """
    try:
        return schema.model_validate(payload), []
    except ValidationError as exc:
        errors = _errors(exc)
    if placeholder is None:
        return None, errors
    faulty = {e.field.split("[")[0].split(".")[0] for e in errors}
    probe = {**placeholder, **{k: v for k, v in payload.items() if k not in faulty}}
    try:
        schema.model_validate(probe)
    except ValidationError as exc:
        known = {e.field for e in errors}
        errors += [e for e in _errors(exc) if e.field not in known and e.field.split("[")[0] not in faulty]
    return None, errors


class FieldErrors:
    """Errors of the last validation, shown for fields the surveyor touched (all after Save)."""

    def __init__(self, related: dict[str, tuple[str, ...]] | None = None) -> None:
        self.errors: list[FieldError] = []
        self.touched: set[str] = set()
        self.submitted = False
        self.related = related or {}
        """Fields whose change may break another (``retention`` → ``retention_years``)."""

    def set(self, errors: list[FieldError]) -> None:
        self.errors = errors

    def visible(self, field: str) -> bool:
        top = field.split("[")[0].split(".")[0]
        return (
            self.submitted or top in self.touched or any(f in self.touched for f in self.related.get(top, ()))
        )

    def message(self, field: str, lang: Lang) -> str | None:
        """The first visible error of ``field`` (exact path) in ``lang``."""
        if not self.visible(field):
            return None
        for err in self.errors:
            if err.field == field:
                return err.message.get(lang)
        return None

    def messages(self, lang: Lang, keep: Callable[[str], bool] = lambda _f: True) -> list[tuple[str, str]]:
        return [
            (e.field, e.message.get(lang)) for e in self.errors if keep(e.field) and self.visible(e.field)
        ]

    @property
    def count(self) -> int:
        return len(self.errors)
