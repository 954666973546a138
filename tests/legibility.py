"""How much of a page's text a photo still shows: can each word be told from its near misses?

Vietnamese is read by its diacritics: *mùa*, *múa*, *mủa*, *mũa*, *mụa* and *mua* are different
words, and *ă*, *â*, *ơ*, *ư* differ from *a*, *o*, *u* by a stroke a few pixels long. For words of a
page drawn by :mod:`tests.document_photos`, this module renders the page's text where the word is,
spelt right and as each near miss (one vowel with each other tone mark or vowel mark), at the
photo's resolution, and correlates each render with the ink in the photo there.

* A word is **told apart** when its right spelling matches the photo better than every near miss.
* How much of the difference it **shows**: (match of the right spelling − match of a near miss) ÷
  (how different the two renders are), for the closest near miss: 1 when the photo reproduces the
  difference as a clean render does, 0 when the photo has lost it.

Both are measured against clean renders at the photo's own resolution; whether that resolution
is enough for a reader is the separate question of the text's size in pixels (:func:`em_pixels`).
"""

from __future__ import annotations

import math
import random
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageStat

from tests.document_photos import UPRIGHT, TextLine

TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
"""None, huyền, sắc, hỏi, ngã, nặng."""
VOWEL_MARKS = {
    "a": ("", "\u0306", "\u0302"),
    "e": ("", "\u0302"),
    "o": ("", "\u0302", "\u031b"),
    "u": ("", "\u031b"),
}
"""The marks each base vowel can carry: a ă â, e ê, o ô ơ, u ư."""
INK_WINDOW = 7
"""Pixels around a point among which the brightest is taken for the paper (wider than a stroke)."""


def _split(letter: str) -> tuple[str, str, str]:
    """A Vietnamese letter as (base, vowel mark, tone mark)."""
    base, *marks = unicodedata.normalize("NFD", letter)
    tone = next((m for m in marks if m in TONES[1:]), "")
    vowel_mark = next((m for m in marks if m not in TONES), "")
    return base, vowel_mark, tone


def near_misses(word: str, rng: random.Random) -> list[str]:
    """The word with one of its vowels (chosen by ``rng``) carrying each other tone or vowel mark."""
    vowels = [i for i, ch in enumerate(word) if _split(ch)[0].lower() in "aeiouy"]
    if not vowels:
        return []
    i = rng.choice(vowels)
    base, mark, tone = _split(word[i])
    letters = {base + mark + other for other in TONES}
    letters |= {base + other + tone for other in VOWEL_MARKS.get(base.lower(), ())}
    spelt = {unicodedata.normalize("NFC", letter) for letter in letters} - {word[i]}
    return sorted(word[:i] + letter + word[i + 1 :] for letter in spelt)


@dataclass(frozen=True)
class WordScore:
    word: str
    font_px: int
    """The font size in the camera's pixels."""
    best_miss: str
    shown: float
    """How much of the difference to the closest near miss the photo shows (1: as a clean render)."""

    @property
    def told_apart(self) -> bool:
        return self.shown > 0


@dataclass(frozen=True)
class Legibility:
    words: tuple[WordScore, ...]

    def sizes(self) -> list[int]:
        return sorted({w.font_px for w in self.words})

    def _of(self, font_px: int | None) -> list[WordScore]:
        return [w for w in self.words if font_px is None or w.font_px == font_px]

    def told_apart(self, font_px: int | None = None) -> float:
        """The share of words (of one font size, or all) told apart from all their near misses."""
        words = self._of(font_px)
        return sum(w.told_apart for w in words) / len(words) if words else 0.0

    def shown(self, font_px: int | None = None) -> float:
        """The median share of the difference to the closest near miss that the photo shows."""
        words = self._of(font_px)
        return statistics.median(w.shown for w in words) if words else 0.0


def em_pixels(photo: Image.Image, line: TextLine) -> float:
    """The line's font size in the photo's pixels (the photo is the upright page, at any scale)."""
    return line.font_px * photo.width / UPRIGHT[0]


def _correlation(a: Image.Image, b: Image.Image) -> float:
    """Pearson correlation of two greyscale images of the same size, from exact integer sums
    (Pillow's statistics of an 8-bit image are exact; Σab = (Σa² + Σb² − Σ(a−b)²) / 2)."""
    sa, sb = ImageStat.Stat(a), ImageStat.Stat(b)
    if sa.stddev[0] == 0 or sb.stddev[0] == 0:
        return 0.0
    n = a.width * a.height
    cross = (sa.sum2[0] + sb.sum2[0] - ImageStat.Stat(ImageChops.difference(a, b)).sum2[0]) / 2
    return (cross / n - sa.mean[0] * sb.mean[0]) / (sa.stddev[0] * sb.stddev[0])


def ink(grey: Image.Image) -> Image.Image:
    """How much darker than the paper around it each pixel is: the text without the stains,
    shadows and uneven light that would otherwise weigh in a correlation."""
    return ImageChops.subtract(grey.filter(ImageFilter.MaxFilter(INK_WINDOW)), grey)


def _render(
    lines: Sequence[TextLine], changed: TextLine, text: str, box: tuple[float, ...], size: tuple[int, int]
) -> Image.Image:
    """The ink of the page's text in the camera's ``box`` (``changed`` reading ``text``), as a photo
    of ``size`` pixels shows it."""
    x0, y0, x1, y1 = box
    canvas = Image.new("L", (math.ceil(x1 - x0) + 1, math.ceil(y1 - y0) + 1), 0)
    draw = ImageDraw.Draw(canvas)
    for line in lines:
        if line.y - line.font_px < y1 and line.y + 2 * line.font_px > y0:
            draw.text(
                (line.x - x0, line.y - y0), text if line is changed else line.text, font=line.font(), fill=255
            )
    return canvas.resize(size, Image.Resampling.LANCZOS, box=(0, 0, x1 - x0, y1 - y0))


def score_word(
    grey: Image.Image, lines: Sequence[TextLine], line: TextLine, start: int, word: str, rng: random.Random
) -> WordScore | None:
    """Compare the upright greyscale photo where ``word`` (at ``start`` in ``line``) is with renders
    of the page there, the word spelt right or as a near miss; each at its best alignment within a
    pixel."""
    misses = near_misses(word, rng)
    if not misses:
        return None
    scale = grey.width / UPRIGHT[0]
    fnt = line.font()
    x = line.x + fnt.getlength(line.text[:start])
    left, top, right, bottom = fnt.getbbox(word)
    pad = line.font_px * 0.3
    corners = (x + left - pad, line.y + top - pad, x + right + pad, line.y + bottom + pad)
    x0, y0, x1, y1 = (round(v * scale) for v in corners)
    size = (x1 - x0, y1 - y0)
    box = tuple(v / scale for v in (x0, y0, x1, y1))
    renders = {
        spelling: _render(
            lines, line, line.text[:start] + spelling + line.text[start + len(word) :], box, size
        )
        for spelling in (word, *misses)
    }
    m = 1 + INK_WINDOW // 2  # margin: the shifts, and the paper looked for around the edge
    dark = ink(grey.crop((x0 - m, y0 - m, x1 + m, y1 + m)))
    shots = [
        dark.crop((m + dx, m + dy, m + dx + size[0], m + dy + size[1]))
        for dx in (-1, 0, 1)
        for dy in (-1, 0, 1)
    ]
    match = {spelling: max(_correlation(shot, r) for shot in shots) for spelling, r in renders.items()}

    def shown(miss: str) -> float:
        apart = 1 - _correlation(renders[word], renders[miss])
        return (match[word] - match[miss]) / apart if apart > 0 else 0.0

    closest = min(misses, key=shown)
    return WordScore(word, line.font_px, closest, shown(closest))


def legibility(
    photo: Image.Image, lines: Sequence[TextLine], per_size: int = 30, seed: int = 71
) -> Legibility:
    """Score up to ``per_size`` words (of two letters or more) of each font size on the upright page."""
    grey = photo.convert("L")
    rng = random.Random(seed)
    by_size: dict[int, list[tuple[TextLine, int, str]]] = {}
    for line in lines:
        start = 0
        for token in line.text.split(" "):
            word = token.strip(".,;:()-/")
            if len(word) >= 2:
                by_size.setdefault(line.font_px, []).append((line, start + token.index(word), word))
            start += len(token) + 1
    scores = []
    for items in by_size.values():
        for line, start, word in rng.sample(items, min(per_size, len(items))):
            if (result := score_word(grey, lines, line, start, word, rng)) is not None:
                scores.append(result)
    return Legibility(tuple(scores))


MIN_EM_PX = 16.0
"""Browsers' default text size: Vietnamese is read comfortably on a screen at this size."""
MIN_TOLD_APART = 0.95
MIN_SHOWN = 0.7
"""A clean camera photo shows about 0.88 of the difference; JPEG quality 20 about 0.65, 10 about 0.6."""


def why_illegible(photo: Image.Image, lines: Sequence[TextLine]) -> list[str]:
    """What makes the page's text hard to read in the upright ``photo`` (nothing: it is legible):
    the smallest print under :data:`MIN_EM_PX` pixels, or for a font size fewer than
    :data:`MIN_TOLD_APART` of its words told apart or a median share shown under :data:`MIN_SHOWN`."""
    problems = []
    smallest = min(lines, key=lambda line: line.font_px)
    if (em := em_pixels(photo, smallest)) < MIN_EM_PX:
        problems.append(f"{smallest.height_mm:.1f} mm print is {em:.1f} px high (< {MIN_EM_PX:g})")
    scores = legibility(photo, lines)
    for size in scores.sizes():
        mm = size / lines[0].font_px * lines[0].height_mm
        if (share := scores.told_apart(size)) < MIN_TOLD_APART:
            problems.append(f"{mm:.1f} mm print: {share:.0%} of words told from their near misses")
        if (shown := scores.shown(size)) < MIN_SHOWN:
            problems.append(f"{mm:.1f} mm print: {shown:.2f} of the difference to near misses shown")
    return problems
