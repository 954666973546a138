"""The one catalogue of words: every key in Vietnamese and English, every key the web pages and the
tablet use exists, no key is unused, a missing key fails loudly, one date format."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import re
import string
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import get_args

import pytest

from common import words
from common.dates import LOCAL_TZ, show_date
from common.errors import SaoLuuError, field_error
from common.protocol import SYNCED_TYPES
from common.vocab import Criterion, ReviewState

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "sync_server" / "web"
TABLET = ROOT / "mobile_app"
CATALOGUE_DIR = ROOT / "common" / "words"
DOTTED = re.compile(r"^[a-z_]+(\.[a-z0-9_:]+)+$")
"""A literal shaped like a dotted key (``nav.dashboard``); file names are told apart by their ending."""
FILE_ENDINGS = (".html", ".css", ".js", ".png", ".svg", ".pdf", ".xlsx", ".csv", ".py", ".txt")
QUOTED = re.compile(r"""["']([a-z_]+(?:\.[a-z0-9_:]+)+)["']""")
TEMPLATE_PREFIX = re.compile(r"""["']([a-z_.]+[._])["']\s*[~+]""")
TEXT_CALLS = {"t": 0, "t_html": 0, "localized": 0, "words.text": 0, "form_text": 3}
"""The functions that take a key, and where: the pages' and the tablet's ``t``, the catalogue's own
``text``, the tablet's form fields (their label)."""
AREA_PREFIXES = {k.split(".")[0] for k in words.CATALOGUE if "." in k}
"""``nav``, ``rec``, ``field``…: a dotted literal starting otherwise (a logger's name) is no key."""


def _families() -> dict[str, set[str]]:
    """Keys built at run time, by prefix: where the rest comes from."""
    from mobile_app.models.home import AgencyProgress
    from mobile_app.models.prefs import PHOTO_QUALITIES
    from sync_server.domain.inventory import Sort
    from sync_server.domain.jobs import JobStatus

    literals = set(_python_literals(_sources(ROOT / "sync_server", ROOT / "common", TABLET)))
    return {
        "crit.short.": {c.value for c in Criterion},
        "inv.sort.": {s.value for s in Sort},
        "job.": set(get_args(JobStatus)),
        "type_": set(SYNCED_TYPES),
        "quality_": set(PHOTO_QUALITIES),
        "status_": {p.value for p in AgencyProgress},
        # audit actions, error codes and reasons are written in code as literals (and the reviews'
        # actions as ``review:<state>``); the history shows an action without words as it is
        "action.": literals | {f"review:{s.value}" for s in ReviewState},
        "error.": literals,
        "reason.": literals,
    }


OPTIONAL_FAMILIES = {"action.", "error.", "reason."}
"""Families whose members need no words each (they are checked for being used only)."""


def _sources(*roots: Path, suffix: str = ".py") -> Iterator[Path]:
    for root in roots:
        for path in sorted(root.rglob(f"*{suffix}")):
            if CATALOGUE_DIR not in path.parents:
                yield path


def _python_literals(paths: Iterable[Path]) -> Iterator[str]:
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield node.value


def _callee(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        owner = node.func.value
        return (
            f"{owner.id}.{node.func.attr}"
            if isinstance(owner, ast.Name) and owner.id == "words"
            else node.func.attr
        )
    return None


def _choices(node: ast.expr) -> list[ast.expr]:
    """The keys an argument may be: both sides of ``"a" if x else "b"``."""
    return [*_choices(node.body), *_choices(node.orelse)] if isinstance(node, ast.IfExp) else [node]


def _is_dotted_key(literal: object) -> bool:
    """A literal written like a key of one of the catalogue's dotted areas (not a file name)."""
    return (
        isinstance(literal, str)
        and bool(DOTTED.match(literal))
        and literal.split(".")[0] in AREA_PREFIXES
        and not literal.endswith(FILE_ENDINGS)
    )


def _leading_text(node: ast.expr) -> str | None:
    """The constant start of a key built at run time (``"type_" + kind``, ``f"quality_{q}"``)."""
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.left, ast.Constant)
        and isinstance(node.left.value, str)
    ):
        return node.left.value
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return str(node.values[0].value)
    return None


def python_uses(paths: Iterable[Path]) -> tuple[set[str], set[str]]:
    """Keys a face's code names — given to ``t()``, ``text()``… or written as a dotted literal —
    and the prefixes of the keys it builds at run time."""
    keys: set[str] = set()
    prefixes: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            at = TEXT_CALLS.get(_callee(node) or "", -1) if isinstance(node, ast.Call) else -1
            if isinstance(node, ast.Call) and 0 <= at < len(node.args):
                for arg in _choices(node.args[at]):
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        keys.add(arg.value)
                    elif (start := _leading_text(arg)) is not None:
                        prefixes.add(start)
            elif isinstance(node, ast.JoinedStr) and (start := _leading_text(node)) is not None:
                if re.fullmatch(r"[a-z_]+[._]", start) and any(k.startswith(start) for k in words.CATALOGUE):
                    prefixes.add(start)
            elif isinstance(node, ast.Constant) and _is_dotted_key(node.value):
                keys.add(node.value)
    return keys, prefixes


def template_uses() -> tuple[set[str], set[str]]:
    keys: set[str] = set()
    prefixes: set[str] = set()
    for path in _sources(WEB / "templates", suffix=".html"):
        text = path.read_text(encoding="utf-8")
        keys |= {k for k in QUOTED.findall(text) if _is_dotted_key(k)}
        prefixes |= set(TEMPLATE_PREFIX.findall(text))
    return keys, prefixes


def _web() -> tuple[set[str], set[str]]:
    py_keys, py_prefixes = python_uses(_sources(WEB))
    html_keys, html_prefixes = template_uses()
    return py_keys | html_keys, py_prefixes | html_prefixes


def _tablet() -> tuple[set[str], set[str]]:
    return python_uses(_sources(TABLET))


def _missing(keys: set[str], prefixes: set[str]) -> list[str]:
    families = _families()
    undeclared = sorted(p for p in prefixes if p not in families)
    assert not undeclared, f"keys built at run time from undeclared prefixes: {undeclared}"
    expected = {p + rest for p in prefixes if p not in OPTIONAL_FAMILIES for rest in families[p]}
    return sorted(k for k in keys | expected if not words.has(k))


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    assert len(words.CATALOGUE) > 500
    for key, (vi, en) in words.CATALOGUE.items():
        assert vi.strip() and en.strip(), key
        fields = {f for _, f, _, _ in string.Formatter().parse(vi) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(en) if f}, key


def test_a_key_is_defined_by_one_area_only() -> None:
    with pytest.raises(ValueError, match=r"web.*tablet"):
        words._merge({"web": {"back": ("Quay lại", "Back")}, "tablet": {"back": ("Trở lại", "Back")}})


def test_every_key_the_web_pages_use_exists() -> None:
    keys, prefixes = _web()
    assert {"nav.dashboard", "adm.users", "exp.title", "field.start_date", "error.404"} <= keys
    assert {"crit.short.", "inv.sort.", "job.", "action."} <= prefixes
    assert _missing(keys, prefixes) == []


def test_every_key_the_tablet_uses_exists() -> None:
    keys, prefixes = _tablet()
    assert {"start_visit", "field.start_date", "err_offline", "sent_back_section"} <= keys
    assert {"type_", "quality_", "status_"} <= prefixes
    assert _missing(keys, prefixes) == []


def test_no_key_is_unused() -> None:
    web_keys, web_prefixes = _web()
    tablet_keys, tablet_prefixes = _tablet()
    families = _families()
    used = web_keys | tablet_keys
    used |= {p + rest for p in web_prefixes | tablet_prefixes | {"error.", "reason."} for rest in families[p]}
    assert sorted(set(words.CATALOGUE) - used) == []


def test_the_shared_field_names_serve_both_faces() -> None:
    web_keys, _ = _web()
    tablet_keys, _ = _tablet()
    fields = {k for k in words.CATALOGUE if k.startswith("field.")}
    assert fields and fields <= web_keys | tablet_keys
    assert {"field.start_date", "field.signer_name", "field.damages"} <= web_keys & tablet_keys


def test_a_missing_key_fails_loudly() -> None:
    with pytest.raises(words.MissingWord, match=r"nav\.no_such_page"):
        words.text("nav.no_such_page")
    with pytest.raises(words.MissingWord):
        words.text("nav.no_such_page", "en")
    with pytest.raises(words.MissingWord):
        field_error("title", "no_such_reason")
    with pytest.raises(words.MissingWord):
        SaoLuuError("no_such_code")


def test_a_missing_key_fails_loudly_on_the_tablet() -> None:
    from mobile_app.views.common import Ui

    ui = Ui(container=None, picker=None, lang="en")  # type: ignore[arg-type]
    assert ui.t("start_visit") == "Start visit"
    with pytest.raises(words.MissingWord):
        ui.t("no_such_word")


def _raised(paths: Iterable[Path]) -> tuple[set[str], set[str]]:
    """The error codes and field error reasons the code writes as literals: given to the errors'
    constructors (any kind of :class:`SaoLuuError`) or as a kind's ``default_code``, bound to a name
    ``code``/``reason``/``refusal`` or compared with one, or the values of a table of them
    (``_PYDANTIC_REASONS``, ``_STATUS_CODES``)."""
    codes: set[str] = set()
    reasons: set[str] = set()
    kinds = _error_kinds()

    def literal(node: ast.expr | None) -> str | None:
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None

    def bind(name: str, value: ast.expr | None) -> None:
        for choice in _choices(value) if value is not None else []:
            if found := literal(choice):
                (codes if name == "code" else reasons).add(found)

    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            if cls.name in kinds or any(isinstance(b, ast.Name) and b.id in kinds for b in cls.bases):
                for call in (n for n in ast.walk(cls) if isinstance(n, ast.Call)):
                    if isinstance(call.func, ast.Attribute) and call.func.attr == "__init__" and call.args:
                        bind("code", call.args[0])
                for stmt in cls.body:
                    if isinstance(stmt, ast.Assign | ast.AnnAssign):
                        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                        if any(isinstance(t, ast.Name) and t.id == "default_code" for t in targets):
                            bind("code", stmt.value)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                callee = _callee(node)
                if kinds.get(callee or "") and node.args:
                    bind("code", node.args[0])
                elif callee in ("PydanticCustomError", "_err", "PdfRefused") and node.args:
                    bind("reason", node.args[0])
                elif callee == "field_error":
                    bind("reason", node.args[1] if len(node.args) > 1 else None)
                    for kw in node.keywords:
                        if kw.arg == "reason":
                            bind("reason", kw.value)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    names = target.elts if isinstance(target, ast.Tuple) else [target]
                    values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
                    for name, value in zip(names, values, strict=False):
                        if isinstance(name, ast.Name) and name.id in ("code", "reason", "refusal"):
                            bind(name.id, value)
                    if isinstance(target, ast.Name) and target.id.endswith(("_REASONS", "_STATUS_CODES")):
                        for value in node.value.values if isinstance(node.value, ast.Dict) else []:
                            bind("code" if target.id.endswith("CODES") else "reason", value)
            elif (
                isinstance(node, ast.Compare)
                and isinstance(node.left, ast.Name)
                and node.left.id in ("code", "reason")
            ):
                for value in node.comparators:
                    bind(node.left.id, value)
    return codes, reasons


def _error_kinds() -> dict[str, bool]:
    """The names of :class:`SaoLuuError` and of its kinds, wherever they are defined, and whether
    each takes the error code first (``StorageUnavailable`` takes the failed operation)."""
    import sync_server.app  # noqa: F401  (loads every module that defines a kind)

    found: dict[str, bool] = {}
    todo: list[type] = [SaoLuuError]
    while todo:
        kind = todo.pop()
        first = next(iter(list(inspect.signature(kind.__init__).parameters)[1:]), None)
        found[kind.__name__] = first == "code"
        todo += kind.__subclasses__()
    return found


def test_every_error_code_and_reason_the_code_raises_has_words() -> None:
    codes, reasons = _raised(_sources(ROOT / "sync_server", ROOT / "common", TABLET))
    assert {"validation_error", "forbidden", "storage_unavailable", "unsupported_media_type", "use_job"} <= (
        codes
    )
    assert {"bad_date", "weak_password", "hash_mismatch", "scan_low_ppi", "invalid"} <= reasons
    missing = sorted({f"error.{c}" for c in codes} | {f"reason.{r}" for r in reasons})
    assert [k for k in missing if not words.has(k)] == []


def test_vietnamese_is_the_default_and_keeps_its_diacritics() -> None:
    assert words.text("start_visit") == "Bắt đầu khảo sát"
    assert words.text("start_visit", "en") == "Start visit"
    assert words.text("pending_sync", records=3, photos=1) == "Chờ đồng bộ: 3 bản ghi, 1 ảnh"
    assert words.text("nav.dashboard") == "Tổng quan"
    assert field_error("title", "too_long", max_length=500).message.vi == "Dài quá 500 ký tự"


def test_one_date_format_for_every_face() -> None:
    assert show_date(dt.date(1975, 4, 30)) == "30/04/1975"
    assert [show_date(d) for d in ("1996", "1996-01", "1996-01-31", "", None)] == [
        "1996",
        "01/1996",
        "31/01/1996",
        "",
        "",
    ]
    noon_utc = dt.datetime(2026, 3, 1, 5, 0, tzinfo=dt.UTC)
    assert show_date(noon_utc) == "01/03/2026 12:00"  # Vietnam's time on the web and in exports
    assert show_date(noon_utc.replace(tzinfo=None)) == "01/03/2026 12:00"  # a stored moment is UTC
    assert show_date(noon_utc, tz=dt.UTC, time_only=True) == "05:00:00"
    evening_utc = dt.datetime(2026, 3, 1, 20, 0, tzinfo=dt.UTC)
    assert show_date(evening_utc, day_only=True) == "02/03/2026"  # already the next day in Vietnam
    device = dt.datetime(2026, 3, 1, 5, 0, tzinfo=LOCAL_TZ)
    assert show_date(device, tz=None) == device.astimezone().strftime("%d/%m/%Y %H:%M")  # the tablet's zone


def test_dates_are_written_in_one_place() -> None:
    day_first = re.compile(r"%d/%m|day:02d\}/")
    writers = [
        str(path.relative_to(ROOT))
        for path in [*_sources(ROOT / "sync_server", ROOT / "common", TABLET), *_sources(WEB, suffix=".html")]
        if path != ROOT / "common" / "dates.py" and day_first.search(path.read_text(encoding="utf-8"))
    ]
    assert writers == []
