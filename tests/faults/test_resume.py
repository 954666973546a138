"""Photo uploads through a proxy that cuts requests and loses answers: no byte the server
acknowledged is ever sent again, and a photo cut midway resumes from the server's offset.

The proxy records every connection as the server saw it (one request each: the tablet opens a new
connection per request here, so every request can fail). From those recordings: the bytes of each
photo the server received, and every offset it announced (``Upload-Offset`` of its answers, whether
or not the answer reached the tablet).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import AGENCY_A
from tests.faults.conftest import admin_headers, enroll, make_device, survey, sync_until_done, tally
from tests.faults.proxy import FaultPlan, FaultProxy, Recording

PHOTO = re.compile(rb"^(HEAD|PATCH) /api/v1/photos/([0-9a-f]{64}) HTTP/1.1\r\n")
CHUNK = 64 * 1024


@dataclass(frozen=True)
class PhotoRequest:
    method: str
    sha: str
    offset: int
    """``Upload-Offset`` of a PATCH (0 for a HEAD)."""
    body: int
    """Bytes of the body the server received (fewer than sent when the request was cut)."""
    cut: bool
    announced: int | None
    """``Upload-Offset`` of the server's answer, if it answered."""


def _header(head: bytes, name: bytes) -> int | None:
    found = re.search(rb"\r\n" + name + rb": *(\d+)\r\n", head, re.IGNORECASE)
    return int(found[1]) if found else None


def _photo_request(rec: Recording) -> PhotoRequest | None:
    data = bytes(rec.received)
    if (line := PHOTO.match(data)) is None:
        return None
    head, _, body = data.partition(b"\r\n\r\n")
    length = _header(head + b"\r\n", b"Content-Length") or 0
    answer = bytes(rec.answered).partition(b"\r\n\r\n")[0] + b"\r\n"
    return PhotoRequest(
        method=line[1].decode(),
        sha=line[2].decode(),
        offset=_header(head + b"\r\n", b"Upload-Offset") or 0,
        body=len(body),
        cut=len(body) < length,
        announced=_header(answer, b"Upload-Offset"),
    )


def test_cut_uploads_never_send_acknowledged_bytes_again(
    server_factory: Any, database_url: str, tmp_path: Path
) -> None:
    server = server_factory()
    token = enroll(server.url, admin_headers(server.url), "surveyor_a", "tablet")
    plan = FaultPlan(
        weights={"clean": 0.55, "cut_request": 0.25, "truncate": 0.12, "stall": 0.08},
        max_cut=CHUNK + 600,  # anywhere in a request, headers or body
        max_truncate=40,  # answers lost before their Upload-Offset
        stall_s=1.5,
    )
    rng = random.Random(13)
    with FaultProxy([("127.0.0.1", server.port)], plan, seed=13, record=True) as proxy:
        device = make_device(
            proxy.url, token, tmp_path, "tablet", AGENCY_A, timeout=1.0, chunk_size=CHUNK, keepalive=False
        )
        survey(device, rng, records=2, photos=8, photo_size=300_000)
        sync_until_done(device, pause=0.05)
        device.http.close()
    sizes = {p.sha256: p.size for p in device.store.photos(("done",))}
    assert sorted(sizes) == sorted(device.photo_hashes)
    t = tally(database_url, server.data_dir / "photos", [], device.photo_hashes)
    assert t.photos == t.photo_files_ok == 8  # every photo stored whole and verified

    requests = [r for rec in proxy.recordings if (r := _photo_request(rec)) is not None]
    resumed = 0
    for sha, size in sizes.items():
        acknowledged = 0  # the most the server has announced holding so far
        received = 0
        after_cut = False
        for r in (r for r in requests if r.sha == sha):
            if r.method == "PATCH":
                assert r.offset >= acknowledged, f"{sha[:8]}: bytes {r.offset}–{acknowledged} sent again"
                received += r.body
                if after_cut and r.offset > 0:
                    resumed += 1
                after_cut = r.cut and r.offset + r.body > 0
            if r.announced is not None:
                acknowledged = max(acknowledged, r.announced)
        assert acknowledged == size
        cuts = sum(r.cut for r in requests if r.sha == sha and r.method == "PATCH")
        # what the server received but did not keep is at most the chunks cut on their way
        assert size <= received <= size + cuts * CHUNK, (sha[:8], size, received, cuts)
    assert proxy.injected["cut_request"] >= 5 and proxy.injected["truncate"] >= 2
    assert resumed >= 2  # photos interrupted midway went on from the server's offset, not from 0
    heads = sum(r.method == "HEAD" for r in requests)
    print(
        f"\n{len(requests)} photo requests ({heads} HEAD) over {proxy.connections} connections, "
        f"faults {dict(proxy.injected)}; {resumed} uploads resumed midway"
    )
