"""Two devices pushing edits of the same record at the same instant: one applies, one conflicts.

The server must read a record's version and write the next one as one step; if both pushes read
version N before either writes, both would be "applied" and one edit would silently replace the other.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.api.records_data import file_record, fonds
from tests.conftest import AGENCY_A, login
from tests.sync.conftest import serving

ROUNDS = 12


def _push(http: Any, record: dict[str, Any], base: int | None, rev: int) -> dict[str, Any]:
    change = {"type": "file_record", "id": record["id"], "rev": rev, "base_version": base, "data": record}
    body = {"batch_id": str(uuid.uuid4()), "changes": [change]}
    resp = http.post("/api/v1/sync/push", json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()["results"][0]  # type: ignore[no-any-return]


def _record_on_server(http: Any) -> dict[str, Any]:
    """A file record (version 1) and its fonds, pushed by ``http``."""
    f = fonds(AGENCY_A)
    rec = file_record(AGENCY_A, f["id"])
    setup = {
        "batch_id": str(uuid.uuid4()),
        "changes": [
            {"type": "fonds", "id": f["id"], "rev": 1, "data": f},
            {"type": "file_record", "id": rec["id"], "rev": 1, "data": rec},
        ],
    }
    assert http.post("/api/v1/sync/push", json=setup).status_code == 200
    return rec


def test_simultaneous_edits_of_one_record_never_both_apply(client: TestClient, tablet) -> None:  # type: ignore[no-untyped-def]
    one, two = tablet("surveyor_a", name="one").http, tablet("surveyor_a", name="two").http
    rec = _record_on_server(one)

    version = 1
    for i in range(ROUNDS):
        barrier = threading.Barrier(2)
        outcomes: dict[str, dict[str, Any]] = {}

        def edit(
            name: str, http: Any, title: str, rev: int, base: int, barrier: threading.Barrier, out: dict
        ) -> None:
            barrier.wait()
            out[name] = _push(http, {**rec, "title": title}, base, rev)

        threads = [
            threading.Thread(
                target=edit, args=(name, http, f"Bản của máy {name} {i}", 2 + i, version, barrier, outcomes)
            )
            for name, http in (("một", one), ("hai", two))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(o["status"] for o in outcomes.values())
        assert statuses == ["applied", "conflict"], (i, outcomes)
        version += 1

    reviewer = login(client, "reviewer")
    history = client.get(f"/api/v1/records/file_record/{rec['id']}/history", headers=reviewer).json()
    applied = [h for h in history if h["action"] == "update"]
    conflicts = [h for h in history if h["action"] == "conflict"]
    assert len(applied) == ROUNDS and len(conflicts) == ROUNDS
    assert sorted(h["version_after"] for h in applied) == list(range(2, ROUNDS + 2))


def test_an_edit_committed_while_a_push_decides_turns_it_into_a_conflict(
    app,  # type: ignore[no-untyped-def]
    client: TestClient,
    tablet,  # type: ignore[no-untyped-def]
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """A push decides its batch before it takes the change lock; an edit another device commits in
    between (through another server process) must be noticed under the lock, or the push would
    overwrite it as if it were not there."""
    from sync_server.domain import ingest

    one, two = tablet("surveyor_a", name="one").http, tablet("surveyor_a", name="two").http
    rec = _record_on_server(one)

    decide = ingest._plan
    interleaved: dict[str, Any] = {}

    def decide_then_let_the_other_device_in(*args: Any) -> Any:
        plan = decide(*args)
        if not interleaved:  # the first decision of device one's push: device two commits now
            interleaved["two"] = None
            worker = threading.Thread(
                target=lambda: interleaved.update(two=_push(other, {**rec, "title": "Bản của máy hai"}, 1, 2))
            )
            worker.start()
            worker.join()
        return plan

    monkeypatch.setattr(ingest, "_plan", decide_then_let_the_other_device_in)
    # device two reaches another server process (this one's push holds its database session meanwhile)
    with serving(app) as url, httpx.Client(base_url=url, headers=two.headers, timeout=30) as other:
        mine = _push(one, {**rec, "title": "Bản của máy một"}, 1, 2)

    assert interleaved["two"]["status"] == "applied" and interleaved["two"]["version"] == 2
    assert mine["status"] == "conflict" and mine["version"] == 2
    reviewer = login(client, "reviewer")
    current = client.get(f"/api/v1/records/file_record/{rec['id']}", headers=reviewer).json()
    assert current["data"]["title"] == "Bản của máy hai" and current["version"] == 2
