"""Enrollment codes: what the server prints and what the tablet types or scans."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlencode, urlparse

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: easy to type from paper
SCHEME = "saoluu"


def new_code(groups: int = 3, size: int = 4) -> str:
    """A random code such as ``K7QM-3XRT-9PLA`` (60 bits)."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(size)) for _ in range(groups))


def normalise_code(code: str) -> str:
    """Accept lower case, spaces and missing dashes when a person types the code."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def enroll_uri(server_url: str, code: str) -> str:
    """The QR payload: ``saoluu://enroll?server=…&code=…``."""
    return f"{SCHEME}://enroll?" + urlencode({"server": server_url, "code": code})


def parse_enroll_uri(text: str) -> tuple[str, str]:
    """``(server_url, code)`` from a scanned payload; raises ``ValueError``."""
    parsed = urlparse(text.strip())
    if parsed.scheme != SCHEME or parsed.netloc != "enroll":
        raise ValueError("not a SaoLuu enrollment code")
    query = parse_qs(parsed.query)
    try:
        return query["server"][0], normalise_code(query["code"][0])
    except (KeyError, IndexError):
        raise ValueError("incomplete enrollment code") from None
