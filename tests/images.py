"""Real image bytes for tests (the server and the tablet decode what they keep: no fake JPEGs).

Noise (``noise_jpeg``, ``noise_png``) does not compress, so its size is predictable; a photo of a
page (``photo_jpeg``) compresses like a camera's. Scanned pages for PDFs are made in
``tests/scans/pdfs.py``; photos of real documents for the legibility tests in
``tests/document_photos.py``."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw


def noise_jpeg(rng: random.Random, size: int) -> bytes:
    """A real JPEG of roughly ``size`` bytes (random pixels compress badly, so size is predictable)."""
    side = max(16, int((size / 0.92) ** 0.5))
    img = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def noise_png(rng: random.Random, side: int = 64) -> bytes:
    img = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def photo_jpeg(
    size: tuple[int, int] = (800, 600), colour: str = "#d9c9a3", text: str = "", fmt: str = "JPEG"
) -> bytes:
    """A photo of a page as a camera gives it: page-coloured, ruled with dark lines, ``text`` at the
    top (``fmt="PNG"`` for a PNG of the same)."""
    img = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(img)
    for y in range(60, size[1] - 40, 36):
        draw.line((60, y, size[0] - 60, y), fill="#5b4a2e", width=3)
    if text:
        draw.text((70, 20), text, fill="#000000")
    out = io.BytesIO()
    img.save(out, fmt, quality=85)
    return out.getvalue()


def sized_jpeg(rng: random.Random, size: int) -> bytes:
    """A real JPEG of exactly ``size`` bytes (at least 8 kB), whatever the encoder's output: a noise
    image a little smaller, padded by a comment segment after the start marker."""
    image = noise_jpeg(rng, size * 3 // 4)
    pad = size - len(image) - 4  # the segment's marker and length take four bytes
    if not 0 <= pad <= 65_533:
        raise ValueError(f"cannot pad a {len(image)}-byte JPEG to {size} bytes")
    segment = b"\xff\xfe" + (pad + 2).to_bytes(2, "big") + b" " * pad
    return image[:2] + segment + image[2:]
