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
