"""The Jinja2 environment of the web pages: templates, static file URLs, navigation, the language,
number and date filters. The pages' words are the catalogue's (:mod:`common.words`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fastapi.routing import iter_route_contexts
from jinja2 import Environment, FileSystemLoader, select_autoescape

from common.dates import show_date
from common.vocab import DEFAULT_LANG, LANGUAGES, STAFF, VOCABULARIES, IntVocab, Lang, Role

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
STATIC_PREFIX = "/web/static"


@dataclass(frozen=True)
class NavItem:
    """A link of the main navigation, shown to ``roles``; greyed out until its page exists."""

    path: str
    label_key: str
    roles: frozenset[Role]


NAV: tuple[NavItem, ...] = (
    NavItem("/web/dashboard", "nav.dashboard", STAFF),
    NavItem("/web/compliance", "nav.compliance", STAFF),
    NavItem("/web/inventory", "nav.inventory", frozenset({*STAFF, Role.SURVEYOR})),
    NavItem("/web/nil-reports", "nav.nil_reports", STAFF),
    NavItem("/web/agency", "nav.agency", frozenset({Role.AGENCY_HEAD})),
    NavItem("/web/inventory", "nav.inventory", frozenset({Role.AGENCY_HEAD})),
    NavItem("/web/exports", "nav.exports", frozenset({*STAFF, Role.AGENCY_HEAD})),
    NavItem("/web/copy-sets", "nav.copy_sets", STAFF),
    NavItem("/web/handovers", "nav.handovers", STAFF),
    NavItem("/web/admin", "nav.admin", frozenset({Role.ADMIN})),
    NavItem("/web/scan-station", "nav.scan_station", frozenset({*STAFF, Role.DIGITIZATION_OPERATOR})),
    NavItem("/web/approved-lists", "nav.approved_lists", STAFF),
    NavItem("/web/plan", "nav.plan", STAFF),
    NavItem("/web/scans", "nav.scans", frozenset({*STAFF, Role.DIGITIZATION_OPERATOR})),
)


def pick_lang(value: str | None) -> Lang:
    """The language a cookie asks for, if it is one of ours; else Vietnamese."""
    return value if value in LANGUAGES else DEFAULT_LANG


def fmt_number(value: int | float | None, lang: Lang) -> str:
    """``1234567`` -> ``1.234.567`` (vi) or ``1,234,567`` (en)."""
    if value is None:
        return ""
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "vi" else text


@cache
def static_version(name: str) -> str:
    """A short content hash for cache busting (``app.css?v=…``)."""
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]


def static_url(name: str) -> str:
    return f"{STATIC_PREFIX}/{name}?v={static_version(name)}"


def vocab_label(vocabulary: str, code: Any, lang: Lang) -> str:
    """The label of ``code`` in a vocabulary of :mod:`common.vocab`; the code itself if unknown."""
    enum = VOCABULARIES[vocabulary]
    try:
        term = enum(int(code)) if issubclass(enum, IntVocab) else enum(code)  # IntVocab: severity
    except (ValueError, TypeError):
        return str(code)
    return term.label(lang)


def nav_items(role: Role | None, current_path: str, routes: list[Any]) -> list[dict[str, Any]]:
    """The navigation for ``role``: label key, path, whether current, whether the page exists yet."""
    if role is None:
        return []
    existing = {ctx.path for ctx in iter_route_contexts(routes)}
    out = []
    for item in NAV:
        if role not in item.roles:
            continue
        out.append(
            {
                "path": item.path,
                "label_key": item.label_key,
                "current": current_path == item.path or current_path.startswith(item.path + "/"),
                "ready": item.path in existing,
            }
        )
    return out


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(static_url=static_url)
    env.filters.update(date=show_date, datetime=show_date)
    env.globals.update(fmt_number=fmt_number)
    return env
