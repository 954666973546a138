"""The one catalogue of the words people read, in Vietnamese (the default) and English.

Each area keeps its words in its own module — :mod:`.fields` (the shared schema's field names, for
both faces), :mod:`.web`, :mod:`.admin`, :mod:`.exports`, :mod:`.tablet` and :mod:`.errors` (error
codes, field error reasons, error pages) — and every face reads them through :func:`text` (or
:func:`pair`, both languages at once). A key is defined once: two areas defining the same key stop
the import. The labels of the vocabularies (criteria, damage types, roles…) stay with their codes
in :mod:`common.vocab`.

A missing key fails loudly on both faces: :class:`MissingWord` is raised (the page answers a server
error, the tablet shows its error), never the key in place of the words. ``tests/unit/test_words.py``
checks that every key the pages, the templates and the tablet name exists; keys built from stored
data (an audit action) are checked with :func:`has` first.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from common.vocab import DEFAULT_LANG, Lang
from common.words import admin, errors, exports, fields, tablet, web

AREAS: dict[str, Mapping[str, tuple[str, str]]] = {
    "fields": fields.WORDS,
    "web": web.WORDS,
    "admin": admin.WORDS,
    "exports": exports.WORDS,
    "tablet": tablet.WORDS,
    "errors": errors.WORDS,
}


class MissingWord(KeyError):
    """A key the catalogue does not hold."""


def _merge(areas: Mapping[str, Mapping[str, tuple[str, str]]]) -> Mapping[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    where: dict[str, str] = {}
    for area, words in areas.items():
        for key, pair_ in words.items():
            if key in merged:
                raise ValueError(f"the key {key!r} is defined by both {where[key]} and {area}")
            merged[key], where[key] = pair_, area
    return MappingProxyType(merged)


CATALOGUE = _merge(AREAS)
"""Every key of every area: ``key -> (Vietnamese, English)``."""


def has(key: str) -> bool:
    return key in CATALOGUE


def pair(key: str) -> tuple[str, str]:
    """The ``(Vietnamese, English)`` templates of ``key`` (their ``{placeholders}`` unfilled)."""
    found = CATALOGUE.get(key)
    if found is None:
        raise MissingWord(key)
    return found


def text(key: str, lang: Lang = DEFAULT_LANG, **values: object) -> str:
    """The words of ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    vi, en = pair(key)
    template = en if lang == "en" else vi
    return template.format(**values) if values else template


__all__ = ["AREAS", "CATALOGUE", "MissingWord", "has", "pair", "text"]
