"""QR codes as PNG bytes (pure Python, no Pillow), as a module matrix, or as terminal text."""

from __future__ import annotations

import io
from typing import Any, TextIO


def _make(payload: str, box_size: int) -> Any:  # a qrcode.QRCode (qrcode ships no types)
    import qrcode

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4)
    qr.add_data(payload)
    qr.make(fit=True)
    return qr


def qr_png(payload: str, box_size: int = 8) -> bytes:
    from qrcode.image.pure import PyPNGImage

    buf = io.BytesIO()
    _make(payload, box_size).make_image(image_factory=PyPNGImage).save(buf)
    return buf.getvalue()


def qr_matrix(payload: str) -> list[list[bool]]:
    """The QR's modules, quiet zone included: ``True`` is dark (for drawing it as vectors)."""
    return [list(row) for row in _make(payload, 1).get_matrix()]


def qr_print(payload: str, out: TextIO) -> None:
    """Draw the QR with block characters (scannable from a terminal)."""
    _make(payload, 1).print_ascii(out=out, invert=True)
