"""Real image bytes for tests (the server decodes what it stores: no fake JPEGs)."""

from __future__ import annotations

import io
import random

from PIL import Image


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


def sized_jpeg(rng: random.Random, size: int) -> bytes:
    """A real JPEG of exactly ``size`` bytes (at least 8 kB), whatever the encoder's output: a noise
    image a little smaller, padded by a comment segment after the start marker."""
    image = noise_jpeg(rng, size * 3 // 4)
    pad = size - len(image) - 4  # the segment's marker and length take four bytes
    if not 0 <= pad <= 65_533:
        raise ValueError(f"cannot pad a {len(image)}-byte JPEG to {size} bytes")
    segment = b"\xff\xfe" + (pad + 2).to_bytes(2, "big") + b" " * pad
    return image[:2] + segment + image[2:]
