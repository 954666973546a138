"""A photo's hash is no key to its bytes: only uploading the bytes proves possession (issue #14.2).

A surveyor without access to agency A refers, in their own agency, to a photo of A's record: the
server must neither serve them the bytes nor confirm (HEAD, PATCH, ``missing_photos``) that the
photo exists. A tablet that took the photo must still get it uploaded exactly once, never blocked.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from fastapi.testclient import TestClient

from tests.api.records_data import file_record, fonds
from tests.api.test_sync_server import batch, change, enroll
from tests.conftest import AGENCY_A, AGENCY_B, login
from tests.images import noise_jpeg
from tests.web.conftest import web_login

PUSH = "/api/v1/sync/push"


def _ref(content: bytes) -> dict[str, Any]:
    return {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content), "mime": "image/jpeg"}


def _push_record(client: TestClient, headers: dict[str, str], agency: str, content: bytes) -> list[str]:
    """A fonds and a file record of ``agency`` referring to the photo; returns ``missing_photos``."""
    f = fonds(agency)
    rec = file_record(agency, f["id"], photos=[_ref(content)])
    r = client.post(PUSH, json=batch(change("fonds", f), change("file_record", rec)), headers=headers)
    assert r.status_code == 200 and [x["status"] for x in r.json()["results"]] == ["applied"] * 2, r.text
    return list(r.json()["missing_photos"])


def _patch(
    client: TestClient, headers: dict[str, str], sha: str, body: bytes, offset: int, total: int
) -> Any:
    return client.patch(
        f"/api/v1/photos/{sha}",
        content=body,
        headers={
            **headers,
            "Upload-Offset": str(offset),
            "Upload-Length": str(total),
            "Content-Type": "application/offset+octet-stream",
        },
    )


def test_referring_to_a_hash_grants_nothing(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    owner, intruder = enroll(client, auth, "surveyor_a"), enroll(client, auth, "surveyor_b")
    content = noise_jpeg(random.Random(21), 60_000)
    sha = hashlib.sha256(content).hexdigest()
    assert _push_record(client, owner, AGENCY_A, content) == [sha]
    assert _patch(client, owner, sha, content, 0, len(content)).status_code == 201

    # the intruder refers to it in a record of their own agency: asked for the bytes, like anyone
    assert _push_record(client, intruder, AGENCY_B, content) == [sha]
    head = client.head(f"/api/v1/photos/{sha}", headers=intruder)
    assert head.status_code == 404 and head.headers["Upload-Offset"] == "0"  # existence not confirmed
    for who in (intruder, auth("head_b"), auth("surveyor_b")):
        assert client.get(f"/api/v1/photos/{sha}", headers=who).status_code == 404
    web = TestClient(client.app)
    assert web_login(web, "head_b").status_code == 303
    assert web.get(f"/web/photos/{sha}").status_code == 404
    assert web.get(f"/web/photos/{sha}?size=thumb").status_code == 404

    # a first chunk does not reveal it either: it starts the intruder's own upload
    first = _patch(client, intruder, sha, content[:1000], 0, len(content))
    assert first.status_code == 204 and first.headers["Upload-Complete"] == "?0"
    assert first.headers["Upload-Offset"] == "1000"
    forged = _patch(client, intruder, sha, b"\0" * (len(content) - 1000), 1000, len(content))
    assert forged.status_code == 422  # bytes that are not the photo's prove nothing
    assert client.get(f"/api/v1/photos/{sha}", headers=intruder).status_code == 404
    assert client.head(f"/api/v1/photos/{sha}", headers=owner).headers["Upload-Complete"] == "?1"

    # A's people still read it, through the uploader's claim
    for who in (owner, auth("head_a"), auth("reviewer")):
        got = client.get(f"/api/v1/photos/{sha}", headers=who)
        assert got.status_code == 200 and got.content == content


def test_sending_the_bytes_proves_possession_and_shares_with_that_agency(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    """Two agencies photograph the same page: the second uploader sends every byte once (not told
    the server has them), and then their agency reads it."""
    first, second = enroll(client, auth, "surveyor_a"), enroll(client, auth, "surveyor_b")
    content = noise_jpeg(random.Random(22), 80_000)
    sha = hashlib.sha256(content).hexdigest()
    _push_record(client, first, AGENCY_A, content)
    assert _patch(client, first, sha, content, 0, len(content)).status_code == 201

    assert _push_record(client, second, AGENCY_B, content) == [sha]
    half = len(content) // 2
    assert _patch(client, second, sha, content[:half], 0, len(content)).status_code == 204
    assert client.head(f"/api/v1/photos/{sha}", headers=second).headers["Upload-Offset"] == str(half)
    done = _patch(client, second, sha, content[half:], half, len(content))
    assert done.status_code == 201 and done.headers["Upload-Complete"] == "?1"
    assert _patch(client, second, sha, content[:10], 0, len(content)).status_code == 200  # held now
    assert _push_record(client, second, AGENCY_B, content) == []
    assert client.get(f"/api/v1/photos/{sha}", headers=auth("head_b")).content == content


def test_a_tablet_uploads_its_photo_once_whatever_others_referred(client: TestClient, auth, tablet) -> None:  # type: ignore[no-untyped-def]
    """An intruder's reference made first neither blocks nor short-cuts the real tablet's upload."""
    content = noise_jpeg(random.Random(23), 150_000)
    sha = hashlib.sha256(content).hexdigest()
    intruder = enroll(client, auth, "surveyor_b")
    assert _push_record(client, intruder, AGENCY_B, content) == [sha]

    engine = tablet("surveyor_a")
    photo = engine.store.add_photo(content, "image/jpeg")
    f = fonds(AGENCY_A)
    engine.store.save("fonds", f)
    engine.store.save("file_record", file_record(AGENCY_A, f["id"], photos=[_ref(content)]))
    assert engine.push() == {sha}
    patches: list[int] = []
    engine.http.event_hooks["response"].append(
        lambda r: patches.append(r.status_code) if r.request.method == "PATCH" else None
    )
    engine.sync()
    assert engine.store.photos() == [] and photo.sha256 == sha
    assert patches == [204, 204, 201]  # every byte sent once (64 KiB chunks), then done
    assert engine.push() == set()
    assert client.get(f"/api/v1/photos/{sha}", headers=auth("head_a")).content == content
    assert client.get(f"/api/v1/photos/{sha}", headers=login(client, "head_b")).status_code == 404
