"""The tablet's sync engine against the real server over a socket, with faults injected."""

from __future__ import annotations

import hashlib
import random
import socket
import uuid
from pathlib import Path
from urllib.parse import urlparse

import httpx
from fastapi.testclient import TestClient

from mobile_app.sync.engine import SyncEngine
from tests.api.records_data import file_record, fonds
from tests.conftest import AGENCY_A, login
from tests.images import noise_jpeg, noise_png


def _server_records(client: TestClient, kind: str = "file_record") -> list[dict]:  # type: ignore[type-arg]
    h = login(client, "reviewer")
    return client.get(f"/api/v1/agencies/{AGENCY_A}/records/{kind}", params={"limit": 1000}, headers=h).json()


def _survey(engine: SyncEngine, n: int) -> list[dict]:  # type: ignore[type-arg]
    f = fonds(AGENCY_A)
    engine.store.save("fonds", f)
    recs = [file_record(AGENCY_A, f["id"], file_no=str(i + 1)) for i in range(n)]
    for r in recs:
        engine.store.save("file_record", r)
    return recs


def test_lost_answers_and_refused_connections_still_give_each_record_once(client: TestClient, tablet) -> None:  # type: ignore[no-untyped-def]
    pushes = {"n": 0}

    def plan(req: httpx.Request) -> str | None:
        if req.url.path.endswith("/sync/push"):
            pushes["n"] += 1
            return {1: "drop_after", 2: "drop_before", 4: "drop_after"}.get(pushes["n"])
        return None

    engine = tablet("surveyor_a", plan)
    recs = _survey(engine, 120)  # 3 batches of 50
    engine.sync()
    assert len(engine.http._transport.injected) == 3  # type: ignore[attr-defined]
    on_server = _server_records(client)
    assert sorted(r["id"] for r in on_server) == sorted(r["id"] for r in recs)
    assert engine.store.pending_count() == 0
    assert all(r.version == 1 for r in engine.store.records("file_record"))


def test_photo_upload_cut_five_times_completes_once(client: TestClient, tablet, settings) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(71)
    cuts = {"left": 5}

    def plan(req: httpx.Request) -> str | None:
        if req.method == "PATCH" and cuts["left"] and rng.random() < 0.5:
            cuts["left"] -= 1
            return f"cut:{rng.randrange(0, int(req.headers['content-length']) + 1)}"
        return None

    engine = tablet("surveyor_a", plan)
    content = noise_jpeg(rng, 700_000)
    photo = engine.store.add_photo(content, "image/jpeg")
    f = fonds(AGENCY_A)
    engine.store.save("fonds", f)
    ref = {"sha256": photo.sha256, "size": photo.size, "mime": "image/jpeg"}
    engine.store.save("file_record", file_record(AGENCY_A, f["id"], photos=[ref]))
    engine.sync()
    assert cuts["left"] == 0
    assert engine.status.photo_bytes_sent == len(content)
    got = client.get(f"/api/v1/photos/{photo.sha256}", headers=login(client, "reviewer"))
    assert hashlib.sha256(got.content).hexdigest() == photo.sha256
    stored = [p for p in Path(settings.photo_dir).rglob("*") if p.is_file()]
    assert [p.name for p in stored] == [photo.sha256]  # one file, no partial left behind
    assert engine.store.photos() == []


def test_connection_cut_mid_chunk_costs_only_that_chunk(tablet, live_server: str) -> None:  # type: ignore[no-untyped-def]
    engine = tablet("surveyor_a")
    content = noise_png(random.Random(5), 316)  # ~300 kB
    sha = hashlib.sha256(content).hexdigest()
    token = engine.http.headers["Authorization"]
    url = urlparse(live_server)
    with socket.create_connection((url.hostname, url.port)) as sock:  # a real cut: half a body, then close
        head = (
            f"PATCH /api/v1/photos/{sha} HTTP/1.1\r\nHost: {url.netloc}\r\nAuthorization: {token}\r\n"
            f"Upload-Offset: 0\r\nUpload-Length: {len(content)}\r\nContent-Length: 100000\r\n\r\n"
        )
        sock.sendall(head.encode() + content[:40_000])
    head_resp = engine.http.head(f"/api/v1/photos/{sha}")
    assert head_resp.headers["Upload-Offset"] == "0"  # the broken chunk was not half-stored
    engine.store.add_photo(content, "image/png")
    engine.upload_photos()
    assert engine.http.head(f"/api/v1/photos/{sha}").headers["Upload-Complete"] == "?1"


def test_two_tablets_conflict_is_kept_and_resolution_reaches_both(client: TestClient, tablet) -> None:  # type: ignore[no-untyped-def]
    tab1 = tablet("surveyor_a", name="tab1")
    tab2 = tablet("head_a", name="tab2")
    [rec] = _survey(tab1, 1)
    tab1.sync()
    tab2.sync()
    assert tab2.store.get("file_record", rec["id"]).version == 1  # type: ignore[union-attr]

    tab1.store.save("file_record", {**rec, "leaves": 91})
    tab2.store.save("file_record", {**rec, "pages": 180})
    tab1.sync()
    tab2.sync()
    assert tab2.status.conflicts == 1
    assert tab2.store.get("file_record", rec["id"]).conflicted  # type: ignore[union-attr]

    reviewer = login(client, "reviewer")
    view = client.get(f"/api/v1/records/file_record/{rec['id']}/conflicts", headers=reviewer).json()
    assert view["current"]["leaves"] == 91 and view["revisions"][0]["data"]["pages"] == 180
    merged = {**view["current"], "pages": 180}
    assert (
        client.post(
            f"/api/v1/records/file_record/{rec['id']}/resolve", json={"data": merged}, headers=reviewer
        ).status_code
        == 200
    )
    for tab in (tab1, tab2):
        tab.sync()
        local = tab.store.get("file_record", rec["id"])
        assert local is not None and local.version == 3 and not local.conflicted
        assert (local.data["leaves"], local.data["pages"]) == (91, 180)


def test_interrupted_pull_resumes_without_missing_or_repeating(client: TestClient, tablet) -> None:  # type: ignore[no-untyped-def]
    writer = tablet("surveyor_a", name="writer")
    recs = _survey(writer, 60)
    writer.sync()
    pulls = {"n": 0}

    def plan(req: httpx.Request) -> str | None:
        if req.url.path.endswith("/sync/pull"):
            pulls["n"] += 1
            return "drop_after" if pulls["n"] in (2, 3, 6) else None
        return None

    reader = tablet("head_a", plan, name="reader")
    reader.pull(limit=7)
    local = {r.id for r in reader.store.records("file_record")}
    assert local == {r["id"] for r in recs}
    assert len(reader.http._transport.injected) == 3  # type: ignore[attr-defined]
    assert reader.status.pulled == 1 + 1 + len(recs)  # agency A, the fonds, the records: each once
    again = reader.pull()
    assert again == 0


def test_rejected_change_keeps_its_errors_for_the_surveyor(tablet) -> None:  # type: ignore[no-untyped-def]
    engine = tablet("surveyor_a")
    f = fonds(AGENCY_A)
    engine.store.save("fonds", f)
    bad = file_record(AGENCY_A, str(uuid.uuid4()))
    engine.store.save("file_record", bad)
    engine.sync()
    local = engine.store.get("file_record", bad["id"])
    assert local is not None and local.errors and local.errors[0]["field"] == "data.fonds_id"
    assert engine.status.rejected == 1 and engine.store.pending_count() == 0


def test_newly_assigned_agency_brings_its_older_records(client: TestClient, tablet) -> None:  # type: ignore[no-untyped-def]
    """Agency B's records were written before surveyor A's cursor; assigning B must still bring them."""
    from tests.conftest import AGENCY_B

    other = tablet("surveyor_b", name="b")
    f = fonds(AGENCY_B)
    other.store.save("fonds", f)
    b_recs = [file_record(AGENCY_B, f["id"], file_no=str(i + 1)) for i in range(5)]
    for r in b_recs:
        other.store.save("file_record", r)
    other.sync()

    engine = tablet("surveyor_a")
    _survey(engine, 3)
    engine.sync()  # the cursor is now past every record of agency B
    assert engine.store.records("file_record") and not [
        r for r in engine.store.records("file_record") if r.agency_code == AGENCY_B
    ]

    admin = login(client, "admin")
    resp = client.patch(
        "/api/v1/admin/users/surveyor_a", json={"assigned_agencies": [AGENCY_A, AGENCY_B]}, headers=admin
    )
    assert resp.status_code == 200, resp.text
    engine.sync()
    mine = {r.id for r in engine.store.records("file_record") if r.agency_code == AGENCY_B}
    assert mine == {r["id"] for r in b_recs}
    assert engine.pull() == 0  # caught up: the next pull brings nothing again


def test_upload_held_whole_but_unrecorded_is_finished(client: TestClient, tablet, settings) -> None:  # type: ignore[no-untyped-def]
    """The server held every byte but died before recording the photo: HEAD then says
    'offset = size, not complete'. The tablet must finish the upload, not call it done."""
    from sqlmodel import Session, select

    from sync_server.db import make_engine
    from sync_server.domain.photos import upload_key
    from sync_server.models import User
    from sync_server.storage import make_photo_store

    engine = tablet("surveyor_a")
    content = noise_jpeg(random.Random(5), 120_000)
    photo = engine.store.add_photo(content, "image/jpeg")
    with Session(make_engine(settings)) as db:
        user_id = db.exec(select(User.id).where(User.username == "surveyor_a")).one()
    assert user_id is not None
    leftover = upload_key(photo.sha256, user_id)  # the surveyor's own upload
    make_photo_store(settings).append_partial(leftover, 0, content)  # what the crash left
    head = engine.http.head(f"/api/v1/photos/{photo.sha256}")
    assert head.headers["Upload-Offset"] == str(len(content)) and head.headers["Upload-Complete"] == "?0"

    engine.upload_photos()
    got = client.get(f"/api/v1/photos/{photo.sha256}", headers=login(client, "reviewer"))
    assert got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == photo.sha256
    assert engine.store.photos() == []


def _photos_on_a_record(engine: SyncEngine, contents: list[bytes]) -> list[str]:
    f = fonds(AGENCY_A)
    engine.store.save("fonds", f)
    refs = []
    for content in contents:
        photo = engine.store.add_photo(content, "image/jpeg")
        refs.append({"sha256": photo.sha256, "size": photo.size, "mime": "image/jpeg"})
    engine.store.save("file_record", file_record(AGENCY_A, f["id"], photos=refs))
    return [r["sha256"] for r in refs]


def test_photos_the_push_reported_missing_are_sent_without_asking_first(client: TestClient, tablet) -> None:  # type: ignore[no-untyped-def]
    """The push's answer lists the photos the server lacks: no HEAD per photo before sending it."""
    methods: list[str] = []

    def plan(req: httpx.Request) -> None:
        methods.append(req.method)

    engine = tablet("surveyor_a", plan)
    rng = random.Random(3)
    hashes = _photos_on_a_record(engine, [noise_jpeg(rng, 100_000) for _ in range(4)])
    engine.sync()
    assert methods.count("HEAD") == 0
    assert methods.count("PATCH") == 8  # two 64 KiB chunks each, nothing else
    reviewer = login(client, "reviewer")
    for sha in hashes:
        got = client.get(f"/api/v1/photos/{sha}", headers=reviewer)
        assert hashlib.sha256(got.content).hexdigest() == sha
    assert engine.store.photos() == []


def test_two_photos_are_uploaded_at_once(client: TestClient, tablet) -> None:  # type: ignore[no-untyped-def]
    """While one photo's chunk waits for its answer (a round trip on a field link), another photo's
    chunk is on its way: the first chunks of two photos meet in flight."""
    import threading

    both_in_flight = threading.Barrier(2, timeout=10)  # broken (an error) if they never meet
    firsts = {"left": 2}
    lock = threading.Lock()

    def plan(req: httpx.Request) -> None:
        if req.method == "PATCH" and req.headers["Upload-Offset"] == "0":
            with lock:
                meet = firsts["left"] > 0
                firsts["left"] -= 1
            if meet:
                both_in_flight.wait()

    engine = tablet("surveyor_a", plan)
    rng = random.Random(4)
    _photos_on_a_record(engine, [noise_jpeg(rng, 50_000) for _ in range(3)])
    engine.sync()
    assert firsts["left"] < 0 and not both_in_flight.broken
    assert engine.store.photos() == []


def test_a_photo_of_many_chunks_uploads(client: TestClient, tablet) -> None:  # type: ignore[no-untyped-def]
    """Failures are counted, not chunks: a 2.3 MB scan in 64 KiB chunks (37 of them) goes through
    although the retry policy allows 8 attempts."""
    engine = tablet("surveyor_a")
    [sha] = _photos_on_a_record(engine, [noise_jpeg(random.Random(5), 2_300_000)])
    engine.sync()
    got = client.get(f"/api/v1/photos/{sha}", headers=login(client, "reviewer"))
    assert got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == sha
