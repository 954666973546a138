"""The application limits request bodies per route and checks credentials before reading a large
body (issue #14.7): a stranger's 300 MB upload or 60 MB push is answered unread."""

from __future__ import annotations

import hashlib
import json
import random
import socket
from urllib.parse import urlsplit

import httpx
from fastapi.testclient import TestClient

from sync_server.api.guards import DEFAULT_BODY
from sync_server.app import create_app
from sync_server.config import Settings
from tests.api.records_data import file_record, fonds
from tests.api.test_sync_server import batch, change, enroll
from tests.conftest import AGENCY_A
from tests.images import noise_jpeg
from tests.sync.conftest import serving

MB = 1024 * 1024


def _send_partly(base: str, head: str, first: bytes) -> tuple[int, bytes]:
    """Send a request's headers and the first bytes of a much longer body, then read the answer
    the server gives without the rest (the status and the body it sent)."""
    url = urlsplit(base)
    with socket.create_connection((url.hostname, url.port), timeout=20) as sock:
        sock.sendall(head.encode() + b"\r\n" + first)
        answer = b""
        while b"\r\n\r\n" not in answer:
            data = sock.recv(65536)
            assert data, "the server closed without answering"
            answer += data
    status = int(answer.split(b" ", 2)[1])
    return status, answer.split(b"\r\n\r\n", 1)[1]


def _head(method: str, path: str, length: int, content_type: str, *extra: str) -> str:
    lines = [f"{method} {path} HTTP/1.1", "Host: test", f"Content-Type: {content_type}"]
    lines += [f"Content-Length: {length}", *extra]
    return "\r\n".join(lines) + "\r\n"


def test_a_strangers_huge_bodies_are_answered_unread(live_server: str, client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    multipart = "multipart/form-data; boundary=xyz"
    status, _ = _send_partly(live_server, _head("POST", "/web/logout", 300 * MB, multipart), b"--xyz\r\n")
    assert status == 413
    status, body = _send_partly(
        live_server, _head("POST", "/api/v1/sync/push", 60 * MB, "application/json"), b"{"
    )
    assert status == 413 and json.loads(body)["error"]["code"] == "payload_too_large"
    # under the push limit, but no (or a dead) token: 401 before the body is read
    for auth_header in ((), ("Authorization: Bearer not-a-token",)):
        head = _head("POST", "/api/v1/sync/push", 10 * MB, "application/json", *auth_header)
        status, body = _send_partly(live_server, head, b'{"batch_id": ')
        assert status == 401 and json.loads(body)["error"]["code"] == "not_authenticated"
    head = _head("POST", "/web/logout", MB // 2, multipart, "Cookie: saoluu_session=forged")
    assert _send_partly(live_server, head, b"--xyz\r\n")[0] == 303  # to the sign-in page, unread


def test_a_signed_in_callers_large_push_is_read(live_server: str, client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    tablet = enroll(client, auth, "surveyor_a")
    f = fonds(AGENCY_A)
    records = [file_record(AGENCY_A, f["id"], file_no=str(i)) for i in range(300)]
    body = batch(change("fonds", f), *(change("file_record", r) for r in records))
    assert len(json.dumps(body)) > 200_000
    r = httpx.post(f"{live_server}/api/v1/sync/push", json=body, headers=tablet, timeout=60)
    assert r.status_code == 200 and {x["status"] for x in r.json()["results"]} == {"applied"}


def test_a_body_without_length_is_cut_at_its_limit(live_server: str, client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    def endless() -> object:
        yield b'{"batch_id": "' + b"x" * (64 * 1024)
        for _ in range(400):
            yield b"x" * (64 * 1024)

    r = httpx.post(
        f"{live_server}/api/v1/sync/push", content=endless(), headers=auth("surveyor_a"), timeout=30
    )
    assert r.status_code == 413 and r.json()["error"]["details"][0]["reason"] == "body_too_large"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    chunks = (b"x" * 1024 for _ in range(2048))
    small_form = httpx.post(f"{live_server}/api/v1/auth/token", content=chunks, headers=form)
    assert small_form.status_code == 413  # public routes take small bodies only (1 MiB)
    assert DEFAULT_BODY == MB


def test_photo_chunks_up_to_the_configured_size_still_work(
    settings: Settings, client: TestClient, auth
) -> None:  # type: ignore[no-untyped-def]
    app = create_app(settings.model_copy(update={"max_photo_bytes": 3 * MB}))
    try:
        with serving(app) as base:
            tablet = enroll(client, auth, "surveyor_a")
            content = noise_jpeg(random.Random(41), int(2.9 * MB))
            assert 2.5 * MB < len(content) <= 3 * MB
            sha = hashlib.sha256(content).hexdigest()
            headers = {**tablet, "Upload-Offset": "0", "Upload-Length": str(len(content))}
            r = httpx.patch(f"{base}/api/v1/photos/{sha}", content=content, headers=headers, timeout=60)
            assert r.status_code == 201, r.text
            too_big = content + b"\0" * (3 * MB - len(content) + 1)
            headers["Upload-Length"] = str(len(too_big))
            r = httpx.patch(f"{base}/api/v1/photos/{'0' * 64}", content=too_big, headers=headers, timeout=60)
            assert r.status_code == 413
    finally:
        app.state.engine.dispose()
