"""Hostile uploads are refused with a clear error and store nothing."""

from __future__ import annotations

import hashlib
import random
import struct
import zlib

import pytest
from fastapi.testclient import TestClient

from tests.images import noise_jpeg, noise_png


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(side: int = 30_000) -> bytes:
    """A valid, tiny PNG that declares 900 million pixels (it would inflate to gigabytes)."""
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def _with_comment(jpeg: bytes, text: bytes) -> bytes:
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text + jpeg[2:]


HOSTILE = {
    "text_named_jpg": (b"\xff\xd8\xff this is a shell script, not a photo\n", "not_an_image"),
    "image_bomb": (png_bomb(), "image_too_large"),
    "polyglot_zip": (noise_jpeg(random.Random(1), 20_000) + b"PK\x03\x04" + b"\x00" * 40, "not_an_image"),
    "polyglot_html": (noise_png(random.Random(2)) + b"<html><script>alert(1)</script>", "not_an_image"),
    "script_in_comment": (_with_comment(noise_jpeg(random.Random(3), 20_000), b"<script>x()</script>"), None),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_photo_is_refused_and_not_stored(client: TestClient, auth, case: str) -> None:  # type: ignore[no-untyped-def]
    data, reason = HOSTILE[case]
    sha = hashlib.sha256(data).hexdigest()
    h = {**auth("surveyor_a"), "Upload-Offset": "0", "Upload-Length": str(len(data))}
    r = client.patch(f"/api/v1/photos/{sha}", content=data, headers=h)
    assert r.status_code == 415, r.text
    assert r.json()["error"]["details"][0]["reason"] == (reason or "not_an_image")
    assert client.head(f"/api/v1/photos/{sha}", headers=auth("surveyor_a")).status_code == 404


def test_real_photos_pass(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    for data in (noise_jpeg(random.Random(4), 30_000), noise_png(random.Random(5))):
        sha = hashlib.sha256(data).hexdigest()
        h = {**auth("surveyor_a"), "Upload-Offset": "0", "Upload-Length": str(len(data))}
        assert client.patch(f"/api/v1/photos/{sha}", content=data, headers=h).status_code == 201


def test_markup_like_bytes_in_compressed_pixels_are_not_markup(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    """One megabyte photo in about 500 has "<svg" somewhere in its compressed pixels by chance."""
    jpeg = noise_jpeg(random.Random(6), 30_000)
    scan = jpeg.index(b"\xff\xda")
    at = scan + 40
    data = jpeg[:at] + b"<svg" + jpeg[at + 4 :]  # inside the entropy-coded data
    sha = hashlib.sha256(data).hexdigest()
    h = {**auth("surveyor_a"), "Upload-Offset": "0", "Upload-Length": str(len(data))}
    assert client.patch(f"/api/v1/photos/{sha}", content=data, headers=h).status_code == 201


@pytest.mark.parametrize("name", ["..%2F..%2Fetc%2Fpasswd", "..", "ABC", "0" * 63 + "/", "%00" + "0" * 61])
def test_path_like_photo_names_are_refused(client: TestClient, auth, name: str) -> None:  # type: ignore[no-untyped-def]
    h = {**auth("surveyor_a"), "Upload-Offset": "0", "Upload-Length": "10"}
    refused = (400, 404, 405)  # 400: a NUL character anywhere in the address
    assert (
        client.patch(f"/api/v1/photos/{name}", content=b"\xff\xd8\xff" * 3 + b"x", headers=h).status_code
        in refused
    )
    assert client.get(f"/api/v1/photos/{name}", headers=auth("reviewer")).status_code in refused
