"""The photo a tablet keeps of a camera shot: a tenth of the camera's bytes, its text still legible.

The camera shots are document pages drawn by :mod:`tests.document_photos` (12 megapixels, 3–5 MB);
legibility is measured by :mod:`tests.legibility`.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageOps

from mobile_app.models.photos import downscale_jpeg
from mobile_app.models.prefs import PHOTO_QUALITIES, PhotoQuality
from tests.document_photos import DocumentPhoto, document_photo
from tests.legibility import why_illegible


@pytest.fixture(scope="module")
def page() -> DocumentPhoto:
    return document_photo(0)


def _upright(jpeg: bytes) -> Image.Image:
    return ImageOps.exif_transpose(Image.open(io.BytesIO(jpeg)))


def test_standard_photo_is_under_a_tenth_of_the_camera_file(page: DocumentPhoto) -> None:
    assert 3_000_000 <= len(page.jpeg) <= 5_000_000 and Image.open(io.BytesIO(page.jpeg)).size == (4000, 3000)
    kept = downscale_jpeg(page.jpeg, PHOTO_QUALITIES["standard"])
    assert len(kept) <= 0.10 * len(page.jpeg), len(kept) / len(page.jpeg)
    assert _upright(kept).size == (1536, 2048)  # upright, long side as the setting says


def test_standard_photo_keeps_the_smallest_print_legible(page: DocumentPhoto) -> None:
    kept = _upright(downscale_jpeg(page.jpeg, PHOTO_QUALITIES["standard"]))
    assert why_illegible(kept, page.lines) == []


def test_legibility_measure_fails_photos_a_reader_could_not_read(page: DocumentPhoto) -> None:
    """The measure is not lenient: too few pixels, or too coarse a JPEG, and it says so."""
    tiny = _upright(downscale_jpeg(page.jpeg, PhotoQuality("tiny", 600, 75)))
    assert any("px high" in problem for problem in why_illegible(tiny, page.lines))
    mush = _upright(downscale_jpeg(page.jpeg, PhotoQuality("mush", 2048, 5)))
    assert any("difference to near misses" in problem for problem in why_illegible(mush, page.lines))
