"""Image bombs: small files that decode to huge images are refused before they are decoded, and
thumbnails are made once, without a database session (issue #14.3 and the nil report's scan)."""

from __future__ import annotations

import hashlib
import random
import struct
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from sync_server.domain import thumbnails
from sync_server.models import Photo
from tests.api.test_sync_server import enroll
from tests.images import noise_jpeg
from tests.web.conftest import csrf_of, web_login


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int, height: int, depth: int = 16, colour: int = 6) -> bytes:
    """A valid PNG of zero pixels: tiny compressed, ``width × height`` × 8 bytes (16-bit RGBA) decoded."""
    row = b"\0" * (1 + width * depth * {0: 1, 2: 3, 6: 4}[colour] // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """8944 × 8944 16-bit RGBA: under the pixel limit, 640 MB decoded, about 600 KB on disk."""
    return bomb_png(8944, 8944)


def _upload(client: TestClient, headers: dict[str, str], data: bytes) -> Any:
    return client.patch(
        f"/api/v1/photos/{hashlib.sha256(data).hexdigest()}",
        content=data,
        headers={**headers, "Upload-Offset": "0", "Upload-Length": str(len(data))},
    )


def test_a_png_bomb_under_the_pixel_limit_is_refused(client: TestClient, auth, bomb: bytes) -> None:  # type: ignore[no-untyped-def]
    assert len(bomb) < 1_000_000
    r = _upload(client, enroll(client, auth, "surveyor_a"), bomb)
    assert r.status_code == 415, r.text
    assert r.json()["error"]["details"][0]["reason"] == "image_too_large"


def _stored_without_checks(app, content: bytes) -> str:  # type: ignore[no-untyped-def]
    """A photo put in the store and the database as one stored before the checks would be."""
    sha = hashlib.sha256(content).hexdigest()
    app.state.photos.put(sha, content)
    with Session(app.state.engine) as s:
        s.add(Photo(sha256=sha, size=len(content), mime="image/png"))
        s.commit()
    return sha


def test_a_stored_bomb_gets_no_thumbnail(app, bomb: bytes) -> None:  # type: ignore[no-untyped-def]
    sha = _stored_without_checks(app, bomb)
    web = TestClient(app)
    assert web_login(web, "reviewer").status_code == 303
    r = web.get(f"/web/photos/{sha}?size=thumb")
    assert r.status_code == 415 and "text/html" in r.headers["content-type"]


def _web_session(base: str, username: str) -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=30)
    form = c.get("/web/login")
    password = f"matkhau-{username}"
    r = c.post(
        "/web/login", data={"username": username, "password": password, "csrf_token": csrf_of(form.text)}
    )
    assert r.status_code == 303, r.text
    return c


def test_a_thumbnail_is_made_once_without_holding_a_database_session(
    app, client: TestClient, auth, live_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """While a thumbnail is being decoded, the server's only database session serves others; four
    requests for the same thumbnail decode it once, and later requests (any process) find it kept."""
    content = noise_jpeg(random.Random(31), 200_000)
    sha = hashlib.sha256(content).hexdigest()
    assert _upload(client, enroll(client, auth, "surveyor_a"), content).status_code == 201
    started, release = threading.Event(), threading.Event()
    made: list[int] = []
    real = thumbnails.make_thumbnail

    def slow_maker(data: bytes) -> bytes:
        made.append(len(data))
        started.set()
        assert release.wait(30)
        return real(data)

    monkeypatch.setattr(thumbnails, "make_thumbnail", slow_maker)
    web = _web_session(live_server, "reviewer")
    with ThreadPoolExecutor(4) as pool:
        thumbs = [pool.submit(web.get, f"/web/photos/{sha}?size=thumb") for _ in range(4)]
        assert started.wait(30)
        pull = httpx.get(f"{live_server}/api/v1/sync/pull", headers=auth("surveyor_a"), timeout=10)
        assert pull.status_code == 200  # answered while the thumbnail is still being made
        release.set()
        answers = [t.result(timeout=60) for t in thumbs]
    assert [a.status_code for a in answers] == [200] * 4
    assert len({a.content for a in answers}) == 1 and made == [len(content)]
    assert app.state.photos.exists(thumbnails.thumbnail_key(sha))
    assert web.get(f"/web/photos/{sha}?size=thumb").content == answers[0].content and len(made) == 1
    web.close()
