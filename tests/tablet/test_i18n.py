"""Every screen text exists in Vietnamese and English, and the screens use no key that is missing."""

from __future__ import annotations

import re
import string
from pathlib import Path

from mobile_app.models.i18n import TEXTS, t

VIEWS = Path(__file__).resolve().parents[2] / "mobile_app"
KEY_USE = re.compile(r"""\bt\(\s*["']([a-z0-9_]+)["']""")


def test_every_text_has_both_languages_with_the_same_placeholders() -> None:
    for key, (vi, en) in TEXTS.items():
        assert vi.strip() and en.strip(), key
        fields = {f for _, f, _, _ in string.Formatter().parse(vi) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(en) if f}, key


def test_screens_and_models_only_use_known_keys() -> None:
    used = {m for path in VIEWS.rglob("*.py") for m in KEY_USE.findall(path.read_text(encoding="utf-8"))}
    assert used, "no texts found"
    prefixes = {k for k in used if k.endswith("_")}  # t("type_" + record type), t(f"quality_{code}")
    assert used - prefixes <= set(TEXTS), sorted(used - prefixes - set(TEXTS))
    from common.protocol import SYNCED_TYPES
    from mobile_app.models.prefs import PHOTO_QUALITIES

    assert all(f"type_{kind}" in TEXTS for kind in SYNCED_TYPES)
    assert all(f"quality_{code}" in TEXTS for code in PHOTO_QUALITIES)


def test_vietnamese_is_the_default_and_keeps_its_diacritics() -> None:
    assert t("start_visit") == "Bắt đầu khảo sát"
    assert t("start_visit", "en") == "Start visit"
    assert t("pending_sync", records=3, photos=1) == "Chờ đồng bộ: 3 bản ghi, 1 ảnh"
