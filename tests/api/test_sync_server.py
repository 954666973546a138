"""The sync contract on the server: idempotent pushes, kept conflicts, gap-free pulls, photo uploads."""

from __future__ import annotations

import hashlib
import random
import uuid
from typing import Any

from fastapi.testclient import TestClient

from tests.api.records_data import file_record, fonds
from tests.conftest import AGENCY_A, AGENCY_B
from tests.images import noise_jpeg

PUSH = "/api/v1/sync/push"
PULL = "/api/v1/sync/pull"


def enroll(client: TestClient, auth, username: str, name: str = "Tablet") -> dict[str, str]:  # type: ignore[no-untyped-def]
    code = client.post(f"/api/v1/admin/users/{username}/enroll-codes", headers=auth("admin")).json()["code"]
    r = client.post("/api/v1/devices/enroll", json={"code": code, "device_name": name})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def change(
    kind: str, data: dict[str, Any], rev: int = 1, base: int | None = None, **kw: Any
) -> dict[str, Any]:
    return {"type": kind, "id": data["id"], "rev": rev, "base_version": base, "data": data, **kw}


def batch(*changes: dict[str, Any]) -> dict[str, Any]:
    return {"batch_id": str(uuid.uuid4()), "changes": list(changes)}


def statuses(r) -> list[str]:  # type: ignore[no-untyped-def]
    assert r.status_code == 200, r.text
    return [x["status"] for x in r.json()["results"]]


def count(app, model) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import func
    from sqlmodel import Session, select

    with Session(app.state.engine) as s:
        return int(s.exec(select(func.count()).select_from(model)).one())


def test_same_batch_three_times_is_one_record(client: TestClient, auth, app) -> None:  # type: ignore[no-untyped-def]
    from sync_server.models import AuditLog, FileDamage, FileRecord

    dev = enroll(client, auth, "surveyor_a")
    f = fonds(AGENCY_A)
    recs = [file_record(AGENCY_A, f["id"], file_no=str(i)) for i in range(5)]
    body = batch(change("fonds", f), *[change("file_record", r) for r in recs])
    assert statuses(client.post(PUSH, json=body, headers=dev)) == ["applied"] * 6
    audits = count(app, AuditLog)
    for _ in range(2):
        r = client.post(PUSH, json=body, headers=dev)
        assert statuses(r) == ["duplicate"] * 6
        assert {x["version"] for x in r.json()["results"]} == {1}
    assert count(app, FileRecord) == 5
    assert count(app, FileDamage) == 10
    assert count(app, AuditLog) == audits


def test_one_bad_change_is_rejected_alone(client: TestClient, auth, app) -> None:  # type: ignore[no-untyped-def]
    from sync_server.models import FileRecord

    dev = enroll(client, auth, "surveyor_a")
    f = fonds(AGENCY_A)
    good = file_record(AGENCY_A, f["id"])
    bad = file_record(AGENCY_A, f["id"], end_date="1990", start_date="1996")
    other_agency = file_record(AGENCY_B, f["id"])
    dangling = file_record(AGENCY_A, str(uuid.uuid4()))
    r = client.post(
        PUSH,
        headers=dev,
        json=batch(
            change("fonds", f),
            change("file_record", bad),
            change("file_record", good),
            change("file_record", other_agency),
            change("file_record", dangling),
            change("review_comment", {"id": str(uuid.uuid4())}),
        ),
    )
    assert statuses(r) == ["applied", "rejected", "applied", "rejected", "rejected", "rejected"]
    errors = [[(e["field"], e["reason"]) for e in x["errors"]] for x in r.json()["results"]]
    assert errors[1] == [("data.end_date", "end_before_start")]
    assert errors[3] == [("data.agency_code", "not_allowed")]
    assert errors[4] == [("data.fonds_id", "unknown_reference")]
    assert errors[5] == [("type", "unknown_type")]
    assert r.json()["results"][1]["errors"][0]["message"]["vi"].startswith("Thời gian kết thúc")
    assert count(app, FileRecord) == 1


def test_conflicting_edits_are_kept_shown_and_resolved_for_both_devices(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    tab1 = enroll(client, auth, "surveyor_a", "Tablet 1")
    tab2 = enroll(client, auth, "head_a", "Tablet 2")
    f = fonds(AGENCY_A)
    rec = file_record(AGENCY_A, f["id"])
    assert statuses(
        client.post(PUSH, json=batch(change("fonds", f), change("file_record", rec)), headers=tab1)
    ) == ["applied", "applied"]
    cursor2 = client.get(PULL, headers=tab2).json()["cursor"]

    edit1 = {**rec, "title": rec["title"] + " (bản sửa máy 1)", "leaves": 90}
    edit2 = {**rec, "title": rec["title"] + " (bản sửa máy 2)", "pages": 170}
    r1 = client.post(PUSH, json=batch(change("file_record", edit1, rev=2, base=1)), headers=tab1)
    assert statuses(r1) == ["applied"] and r1.json()["results"][0]["version"] == 2
    r2 = client.post(PUSH, json=batch(change("file_record", edit2, rev=2, base=1)), headers=tab2)
    assert statuses(r2) == ["conflict"] and r2.json()["results"][0]["version"] == 2
    # the same conflicting push again is recognised, not stored twice
    assert statuses(
        client.post(PUSH, json=batch(change("file_record", edit2, rev=2, base=1)), headers=tab2)
    ) == ["duplicate"]

    rid = rec["id"]
    view = client.get(f"/api/v1/records/file_record/{rid}/conflicts", headers=auth("reviewer")).json()
    assert view["current"]["title"].endswith("(bản sửa máy 1)")
    assert [v["data"]["title"][-15:] for v in view["revisions"]] == ["(bản sửa máy 2)"]
    assert client.get(f"/api/v1/records/file_record/{rid}", headers=tab1).json()["conflicted"] is True

    merged = {**edit1, "pages": 170}
    r = client.post(
        f"/api/v1/records/file_record/{rid}/resolve", json={"data": merged}, headers=auth("reviewer")
    )
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 3 and r.json()["conflicted"] is False

    for tab, cursor in ((tab1, 0), (tab2, cursor2)):
        pulled = client.get(PULL, params={"cursor": cursor}, headers=tab).json()["changes"]
        mine = [c for c in pulled if c["id"] == rid]
        assert mine[-1]["version"] == 3
        assert mine[-1]["data"]["pages"] == 170 and mine[-1]["data"]["leaves"] == 90
        assert mine[-1]["conflicted"] is False
    history = client.get(f"/api/v1/records/file_record/{rid}/history", headers=auth("reviewer")).json()
    assert [h["action"] for h in history] == ["create", "update", "conflict", "resolve"]
    assert [h["version_after"] for h in history] == [1, 2, 2, 3]
    assert len({h["device_id"] for h in history[:3]}) == 2


def test_own_later_edit_is_not_a_conflict(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    """A device that never saw the answer to its first push edits again: still its own history."""
    tab = enroll(client, auth, "surveyor_a")
    f = fonds(AGENCY_A)
    client.post(PUSH, json=batch(change("fonds", f)), headers=tab)
    f2 = {**f, "name": "Phông UBND tỉnh Quảng Nam (1976–1996)"}
    r = client.post(PUSH, json=batch(change("fonds", f, rev=1), change("fonds", f2, rev=2)), headers=tab)
    assert statuses(r) == ["duplicate", "applied"]
    assert r.json()["results"][1]["version"] == 2


def test_interrupted_pull_resumes_from_cursor_without_gaps_or_repeats(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    tab = enroll(client, auth, "surveyor_a")
    f = fonds(AGENCY_A)
    recs = [file_record(AGENCY_A, f["id"], file_no=str(i)) for i in range(23)]
    client.post(PUSH, json=batch(change("fonds", f), *[change("file_record", r) for r in recs]), headers=tab)
    fb = fonds(AGENCY_B)
    client.post(PUSH, json=batch(change("fonds", fb)), headers=enroll(client, auth, "surveyor_b"))

    seen: list[str] = []
    cursor, saved = 0, 0
    for page in range(100):
        body = client.get(PULL, params={"cursor": cursor, "limit": 5}, headers=tab).json()
        if page % 3 == 1:
            cursor = saved  # the app died before storing this page: pull it again from the saved cursor
            continue
        seen += [f"{c['type']}:{c['id']}" for c in body["changes"]]
        cursor = saved = body["cursor"]
        if not body["has_more"]:
            break
    records = [s for s in seen if s.startswith(("fonds:", "file_record:"))]
    assert len(records) == len(set(records)) == 24
    assert f"fonds:{fb['id']}" not in seen  # another agency's data never reaches this device
    assert f"agency:{AGENCY_A}" in seen and f"agency:{AGENCY_B}" not in seen
    assert client.get(PULL, params={"cursor": cursor}, headers=tab).json()["changes"] == []


def test_review_outcome_and_missing_photos_reach_the_device(client: TestClient, auth) -> None:  # type: ignore[no-untyped-def]
    tab = enroll(client, auth, "surveyor_a")
    f = fonds(AGENCY_A)
    photo = {"sha256": hashlib.sha256(b"anh-hu-hong").hexdigest(), "size": 11, "mime": "image/jpeg"}
    rec = file_record(AGENCY_A, f["id"], photos=[photo])
    r = client.post(PUSH, json=batch(change("fonds", f), change("file_record", rec)), headers=tab)
    assert r.json()["missing_photos"] == [photo["sha256"]]
    again = client.post(PUSH, json=batch(change("fonds", f), change("file_record", rec)), headers=tab)
    assert statuses(again) == ["duplicate", "duplicate"]
    assert again.json()["missing_photos"] == [photo["sha256"]]  # a replay whose answer was lost learns it
    cursor = client.get(PULL, headers=tab).json()["cursor"]

    r = client.post(
        f"/api/v1/records/file_record/{rec['id']}/review",
        json={"state": "sent_back", "text": ""},
        headers=auth("reviewer"),
    )
    assert r.status_code == 422  # sending back needs a comment
    r = client.post(
        f"/api/v1/records/file_record/{rec['id']}/review",
        json={"state": "sent_back", "text": "Bổ sung số tờ và ảnh trang bìa"},
        headers=auth("reviewer"),
    )
    assert r.status_code == 200, r.text
    assert (
        client.post(
            f"/api/v1/records/file_record/{rec['id']}/review", json={"state": "approved"}, headers=tab
        ).status_code
        == 403
    )

    pulled = client.get(PULL, params={"cursor": cursor}, headers=tab).json()["changes"]
    by_type = {c["type"]: c for c in pulled}
    assert by_type["file_record"]["review_state"] == "sent_back"
    assert by_type["file_record"]["version"] == 1  # a review does not change the record itself
    assert by_type["review_comment"]["data"]["text"] == "Bổ sung số tờ và ảnh trang bìa"
    assert by_type["review_comment"]["data"]["entity_id"] == rec["id"]

    fixed = {**rec, "leaves": 84}
    r = client.post(PUSH, json=batch(change("file_record", fixed, rev=2, base=1)), headers=tab)
    assert statuses(r) == ["applied"]
    got = client.get(f"/api/v1/records/file_record/{rec['id']}", headers=tab).json()
    assert got["review_state"] == "pending"  # a correction goes back to the reviewers


def _upload(client: TestClient, dev: dict[str, str], data: bytes, chunk: int) -> list[int]:
    sha = hashlib.sha256(data).hexdigest()
    codes = []
    for offset in range(0, len(data), chunk):
        part = data[offset : offset + chunk]
        r = client.patch(
            f"/api/v1/photos/{sha}",
            content=part,
            headers={
                **dev,
                "Upload-Offset": str(offset),
                "Upload-Length": str(len(data)),
                "Content-Type": "application/offset+octet-stream",
            },
        )
        codes.append(r.status_code)
    return codes


def test_photo_upload_resumes_verifies_hash_and_refuses_non_images(client: TestClient, auth, app) -> None:  # type: ignore[no-untyped-def]
    from sync_server.models import Photo

    dev = enroll(client, auth, "surveyor_a")
    jpeg = noise_jpeg(random.Random(4), 102_000)
    sha = hashlib.sha256(jpeg).hexdigest()
    assert client.head(f"/api/v1/photos/{sha}", headers=dev).status_code == 404
    first = jpeg[:30000]
    r = client.patch(
        f"/api/v1/photos/{sha}",
        content=first,
        headers={**dev, "Upload-Offset": "0", "Upload-Length": str(len(jpeg))},
    )
    assert r.status_code == 204
    h = client.head(f"/api/v1/photos/{sha}", headers=dev)
    assert h.headers["Upload-Offset"] == "30000" and h.headers["Upload-Complete"] == "?0"
    wrong = client.patch(
        f"/api/v1/photos/{sha}",
        content=jpeg[10:20],
        headers={**dev, "Upload-Offset": "10", "Upload-Length": str(len(jpeg))},
    )
    assert wrong.status_code == 409 and wrong.headers["Upload-Offset"] == "30000"
    r = client.patch(
        f"/api/v1/photos/{sha}",
        content=jpeg[30000:],
        headers={**dev, "Upload-Offset": "30000", "Upload-Length": str(len(jpeg))},
    )
    assert r.status_code == 201
    assert set(_upload(client, dev, jpeg, 50000)) == {200}  # already stored: nothing appended again
    assert count(app, Photo) == 1
    assert client.get(f"/api/v1/photos/{sha}", headers=dev).content == jpeg  # the uploader reads it back
    assert client.get(f"/api/v1/photos/{sha}", headers=enroll(client, auth, "surveyor_b")).status_code == 404

    liar = b"\xff\xd8\xff" + b"x" * 100
    fake_sha = hashlib.sha256(b"something else").hexdigest()
    r = client.patch(
        f"/api/v1/photos/{fake_sha}",
        content=liar,
        headers={**dev, "Upload-Offset": "0", "Upload-Length": str(len(liar))},
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["reason"] == "hash_mismatch"
    text = b"%PDF-1.4 not an image"
    r = client.patch(
        f"/api/v1/photos/{hashlib.sha256(text).hexdigest()}",
        content=text,
        headers={**dev, "Upload-Offset": "0", "Upload-Length": str(len(text))},
    )
    assert r.status_code == 415
    big = client.patch(
        f"/api/v1/photos/{sha[::-1]}",
        content=b"\xff\xd8\xff",
        headers={**dev, "Upload-Offset": "0", "Upload-Length": str(10**9)},
    )
    assert big.status_code == 413
    assert count(app, Photo) == 1


def test_tablets_of_protocol_1_keep_working_with_rare_files(client: TestClient, auth, app) -> None:  # type: ignore[no-untyped-def]
    """Tablets still in the field send ``rare: true`` and read it back as a flag; today's tablets
    (``protocol=2``) send and read the ``rare`` criterion. Both are stored the same way."""
    from sqlmodel import Session, select

    from sync_server.models import FileRecord

    old = enroll(client, auth, "surveyor_a", "Máy tính bảng cũ")
    f = fonds(AGENCY_A)
    only_rare = file_record(AGENCY_A, f["id"], file_no="1", criteria=[], rare=True, damages=[])
    also_rare = file_record(AGENCY_A, f["id"], file_no="2", criteria=["permanent"], rare=True)
    not_rare = file_record(AGENCY_A, f["id"], file_no="3", criteria=["collected"], rare=False)
    new_rare = file_record(AGENCY_A, f["id"], file_no="4", criteria=["rare", "damaged"])
    records = (only_rare, also_rare, not_rare, new_rare)
    body = batch(change("fonds", f), *[change("file_record", r) for r in records])
    assert statuses(client.post(PUSH, json=body, headers=old)) == ["applied"] * 5

    with Session(app.state.engine) as s:
        stored = {r.id: r for r in s.exec(select(FileRecord)).all()}
    expected = {
        only_rare["id"]: (["rare"], "rare"),
        also_rare["id"]: (["permanent", "rare"], "permanent,rare"),
        not_rare["id"]: (["collected"], "collected"),
        new_rare["id"]: (["rare", "damaged"], "damaged,rare"),
    }
    for rid, (criteria, column) in expected.items():
        assert (stored[rid].data["criteria"], stored[rid].criteria) == (criteria, column)
        assert "rare" not in stored[rid].data

    def pulled(**params: int) -> dict[str, dict[str, Any]]:
        r = client.get(PULL, params={"cursor": 0, **params}, headers=old)
        assert r.status_code == 200, r.text
        return {c["id"]: c["data"] for c in r.json()["changes"] if c["type"] == "file_record"}

    legacy = pulled()  # no protocol: a tablet of version 1
    assert (legacy[only_rare["id"]]["criteria"], legacy[only_rare["id"]]["rare"]) == ([], True)
    assert (legacy[also_rare["id"]]["criteria"], legacy[also_rare["id"]]["rare"]) == (["permanent"], True)
    assert (legacy[new_rare["id"]]["criteria"], legacy[new_rare["id"]]["rare"]) == (["damaged"], True)
    assert legacy[not_rare["id"]]["criteria"] == ["collected"] and "rare" not in legacy[not_rare["id"]]
    current = pulled(protocol=2)
    for rid, (criteria, _) in expected.items():
        assert current[rid]["criteria"] == criteria and "rare" not in current[rid]
