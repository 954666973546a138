"""Text helpers shared by tablet search and server search."""

from __future__ import annotations

import unicodedata


def _build_table() -> dict[int, str]:
    """Map every precomposed Latin letter (Vietnamese included) to its base letter, once."""
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "d"}
    for start, end in ((0x00C0, 0x024F), (0x1E00, 0x1EFF)):
        for code in range(start, end + 1):
            base = "".join(
                c for c in unicodedata.normalize("NFD", chr(code)) if unicodedata.category(c) != "Mn"
            )
            if base and base != chr(code):
                table[code] = base
    return table


_TABLE = _build_table()


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics: ``"Mủn, Đất"`` -> ``"mun, dat"``.

    Searching the folded title with a folded query makes "mun" find "mủn".
    """
    folded = unicodedata.normalize("NFC", text).translate(_TABLE).lower()
    if not folded.isascii():  # combining marks typed separately, rare letters: the slow, exact path
        folded = "".join(c for c in unicodedata.normalize("NFD", folded) if unicodedata.category(c) != "Mn")
    return " ".join(folded.split())
