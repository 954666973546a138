"""Read QR codes from an image (a photo of a box label or of the enrollment sheet).

Uses ``zxing-cpp`` where it is installed (desktop, web mode, tests). Android builds have no
wheel for it: :func:`decoder_available` is then false and the screens ask for the code in text.
"""

from __future__ import annotations

import io
from importlib.util import find_spec


class DecoderUnavailable(RuntimeError):
    """No QR decoder on this device."""


class UnreadableImage(ValueError):
    """The bytes are not an image Pillow can open."""


def decoder_available() -> bool:
    return find_spec("zxingcpp") is not None


def decode_qr(image: bytes) -> list[str]:
    """The text of every QR code found in ``image`` (PNG or JPEG bytes), in reading order."""
    if not decoder_available():
        raise DecoderUnavailable("zxing-cpp is not installed")
    import zxingcpp
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(image)) as img:
            picture = ImageOps.exif_transpose(img).convert("L")
    except (UnidentifiedImageError, OSError) as exc:
        raise UnreadableImage(str(exc)) from exc
    results = zxingcpp.read_barcodes(picture, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    return [r.text for r in results if r.valid]
