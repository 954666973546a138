"""The box code printed on box labels and its QR payload.

Format: ``<agency>-P<fonds>-M<inventory>-H<box>``, e.g. ``000.00.12.H47-P12-M3-H0045``; the
inventory part is left out for fonds without a file inventory (``...-P12-H0045``). Box numbers are
zero-padded to four digits so labels sort and read alike. The QR holds ``SAOLUU:BOX:<code>`` so a
scanner can tell our labels from any other QR code; the same code is printed in text under it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from common.qr import qr_png

QR_PREFIX = "SAOLUU:BOX:"
AGENCY_CODE_RE = re.compile(r"^[A-Z0-9._]{2,40}$")
NUMBER_CODE_RE = re.compile(r"^[A-Z0-9]{1,10}$")
BOX_CODE_RE = re.compile(
    r"^(?P<agency>[A-Z0-9._]{2,40})-P(?P<fonds>[A-Z0-9]{1,10})"
    r"(?:-M(?P<inventory>[A-Z0-9]{1,10}))?-H(?P<box>[0-9]{1,6})$"
)


@dataclass(frozen=True)
class BoxCode:
    agency: str
    fonds: str
    inventory: str | None
    box: str

    def __str__(self) -> str:
        inv = f"-M{self.inventory}" if self.inventory else ""
        return f"{self.agency}-P{self.fonds}{inv}-H{self.box}"


def normalise_box_no(box_no: str) -> str:
    """``"45"`` -> ``"0045"``; non-numeric box numbers are refused by :func:`make_box_code`."""
    return box_no.strip().zfill(4)


def make_box_code(agency: str, fonds: str, inventory: str | None, box_no: str) -> str:
    """Build the box code; raises ``ValueError`` on parts that do not fit the format."""
    code = str(
        BoxCode(
            agency.strip().upper(),
            fonds.strip().upper(),
            (inventory or "").strip().upper() or None,
            normalise_box_no(box_no),
        )
    )
    if not BOX_CODE_RE.match(code):
        raise ValueError(f"not a valid box code: {code}")
    return code


def parse_box_code(text: str) -> BoxCode:
    """Parse a typed or scanned box code (QR payload accepted); raises ``ValueError``."""
    raw = text.strip()
    if raw.upper().startswith(QR_PREFIX):
        raw = raw[len(QR_PREFIX) :]
    m = BOX_CODE_RE.match(raw.upper())
    if not m:
        raise ValueError(f"not a box code: {text!r}")
    return BoxCode(m["agency"], m["fonds"], m["inventory"], normalise_box_no(m["box"]))


def qr_payload(code: str) -> str:
    return QR_PREFIX + code


def label_png(code: str, box_size: int = 8) -> bytes:
    """PNG bytes of the QR label for box ``code``."""
    return qr_png(qr_payload(code), box_size)
