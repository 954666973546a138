"""Vocabulary codes as the Vietnamese words people read in exports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from common.vocab import (
    AccessRegime,
    AgencyKind,
    AgencyStatus,
    Carrier,
    Criterion,
    DamageType,
    FondsKind,
    IntVocab,
    Lang,
    Language,
    Readability,
    Retention,
    ReviewState,
    Severity,
    Vocab,
    Vocabulary,
)


def vi_labels(vocab: Vocabulary) -> dict[Any, str]:
    """``{code: Vietnamese label}`` of a vocabulary."""
    return {term.value: term.vi for term in vocab}


CRITERION = vi_labels(Criterion)
DAMAGE = vi_labels(DamageType)
SEVERITY = vi_labels(Severity)
READABILITY = vi_labels(Readability)
CARRIER = vi_labels(Carrier)
ACCESS = vi_labels(AccessRegime)
LANGUAGE = vi_labels(Language)
AGENCY_KIND = vi_labels(AgencyKind)
AGENCY_STATUS = vi_labels(AgencyStatus)
FONDS_KIND = vi_labels(FondsKind)
REVIEW_STATE = vi_labels(ReviewState)
CONSERVATION = "Ưu tiên tu bổ, bảo quản trước khi số hóa"


def label(labels: Mapping[Any, str], code: Any) -> str | None:
    """The label of ``code``, the code itself if unknown, None if empty."""
    if code is None or code == "":
        return None
    return labels.get(code, str(code))


@lru_cache(maxsize=256)
def criteria_text(codes: str) -> str | None:
    """``"damaged,permanent"`` (the stored column) -> labels joined by ``"; "``."""
    return "; ".join(CRITERION.get(c, c) for c in codes.split(",") if c) or None


def retention_text(retention: str | None, years: int | None) -> str | None:
    if retention == Retention.YEARS.value and years:
        return f"{years} năm"
    return Retention.PERMANENT.vi if retention in (None, Retention.PERMANENT.value) else retention


@lru_cache(maxsize=256)
def _languages(codes: tuple[str, ...]) -> str:
    return ", ".join(LANGUAGE.get(c, c) for c in codes)


def languages_text(codes: Sequence[str] | None) -> str | None:
    return _languages(tuple(codes)) if codes else None


def _term(vocab: Vocabulary, code: Any, lang: Lang) -> str:
    """The label of ``code`` in ``lang``, the code itself if unknown."""
    term = vocab._value2member_map_.get(code)
    return term.label(lang) if isinstance(term, Vocab | IntVocab) else str(code)


def damage_text(damages: Sequence[Mapping[str, Any]] | None, lang: Lang = "vi") -> str | None:
    """``Mủn – Nặng, đọc được một phần; Ố, ố vàng – Trung bình`` (readability only when not full)."""
    if not damages:
        return None
    parts = []
    for d in damages:
        severity = _term(Severity, d.get("severity"), lang) if d.get("severity") in SEVERITY else "?"
        text = f"{_term(DamageType, d.get('type'), lang)} – {severity}"
        readability = d.get("readability")
        if readability and readability != Readability.FULL.value:
            text += f", {_term(Readability, readability, lang).lower()}"
        if d.get("note"):
            text += f" ({d['note']})"
        parts.append(text)
    return "; ".join(parts)
