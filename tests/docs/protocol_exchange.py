"""The exchange behind the examples of ``docs/sync-protocol.md``.

One story, told to the real server in order: a reviewer signs in, a surveyor's tablet is enrolled
(and a second one revoked); the tablet pushes a fonds, a file record with a photo and a faulty
record, replays the batch and uploads the photo in chunks; the agency head edits the same file, so
the tablet's next edit conflicts, and a reviewer resolves it and sends the file back; the tablet
pulls, is assigned a further agency and pulls again; a tablet of protocol 1 sends a rare file; the
photo storage goes away. :func:`run` returns each example block's text by name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sync_server.storage.s3 import S3PhotoStore
from tests.conftest import ACCOUNTS, AGENCY_A, AGENCY_B
from tests.docs.recorder import Normaliser, Recorder, change_fields, record_fields
from tests.images import sized_jpeg

API = "/api/v1"
PUSH = f"{API}/sync/push"
PULL = f"{API}/sync/pull"
PHOTO_SIZE = 51_206
CHUNK = 20_000

FONDS_ID = "95dd1d54-533e-4e1c-a58c-1c8c5178e45f"
FILE_ID = "4348c227-de04-4d2c-9c17-fb65f5469bc3"
FAULTY_ID = "6817b2d0-d9d9-4207-b8b6-f32dbaaad7cc"
FONDS_B_ID = "b43140ed-14ff-4f2f-9fae-fe2766cb2edc"
RARE_ID = "8698c87b-8215-4367-9a90-10d2b9d1c63a"
BATCHES = (
    "0b10cf26-1e4c-4026-b595-48b5530bfc79",
    "cdaea187-a9d5-49c4-96df-62d3998e3f8b",
    "9de4bcb5-8167-4514-ae48-9a5cf477bff4",
    "90b236d3-fceb-404d-bac5-0264b7e7e8a4",
    "0369b2a0-0384-47fa-840f-86ed3b344e78",
)
CHOSEN_IDS = (FONDS_ID, FILE_ID, FAULTY_ID, FONDS_B_ID, RARE_ID, *BATCHES)
"""The ids this exchange chooses (shown as they are; the server's own are replaced)."""
TITLE = "Tập công văn về việc chia tách tỉnh Quảng Nam – Đà Nẵng năm 1996, giấy mủn, ố vàng"


def run(client: TestClient, app: FastAPI) -> dict[str, str]:
    """Play the story; returns the example blocks by name."""
    story = Story(Recorder(client, Normaliser(dt.datetime.now(dt.UTC), CHOSEN_IDS)), app)
    story.enrollment()
    story.push()
    story.photos()
    story.conflict()
    story.other_agency_fonds()
    cursor = story.pull()
    story.new_agency(cursor)
    story.history()
    story.protocol_versions()
    story.storage_down()
    return story.rec.blocks()


def change(
    data: dict[str, Any], rev: int = 1, base: int | None = None, kind: str = "file_record"
) -> dict[str, Any]:
    return {"type": kind, "id": data["id"], "rev": rev, "base_version": base, "deleted": False, "data": data}


def upload_headers(offset: int, total: int) -> dict[str, str]:
    return {
        "Upload-Offset": str(offset),
        "Upload-Length": str(total),
        "Content-Type": "application/offset+octet-stream",
    }


@dataclass
class Story:
    rec: Recorder
    app: FastAPI
    photo: bytes = field(default_factory=lambda: sized_jpeg(random.Random(1996), PHOTO_SIZE))
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def sha(self) -> str:
        return hashlib.sha256(self.photo).hexdigest()

    def sign_in(self, username: str, example: str | None = None) -> str:
        form = {"username": username, "password": ACCOUNTS[username].password}
        shown = f"username={username}&password=…"
        answer = self.rec.send(example, "POST", f"{API}/auth/token", form=form, shown_body=shown)
        self.tokens[username] = str(answer.json()["access_token"])
        return self.tokens[username]

    def file(self, **changes: Any) -> dict[str, Any]:
        """The surveyor's file record, with ``changes``."""
        record = {
            "id": FILE_ID,
            "agency_code": AGENCY_A,
            "fonds_id": FONDS_ID,
            "file_no": "127",
            "title": TITLE,
            "start_date": "1996-01",
            "leaves": 84,
            "criteria": ["permanent", "damaged"],
            "damages": [{"type": "crumbling", "severity": 3, "readability": "partial"}],
            "photos": [{"sha256": self.sha, "size": PHOTO_SIZE, "mime": "image/jpeg"}],
        }
        return {**record, **changes}

    def enrollment(self) -> None:
        self.sign_in("reviewer", "sign-in")
        for username in ("admin", "head_a", "head_b", "surveyor_b"):
            self.sign_in(username)
        admin, codes = self.tokens["admin"], f"{API}/admin/users/surveyor_a/enroll-codes"
        code = self.rec.send("enroll-code", "POST", codes, token=admin).json()["code"]
        tablet = {"code": code, "device_name": "Máy tính bảng 01 – Sở Nội vụ"}
        enrolled = self.rec.send("enroll", "POST", f"{API}/devices/enroll", json_body=tablet)
        self.tokens["tablet"] = enrolled.json()["token"]
        self.rec.send("enroll-refused", "POST", f"{API}/devices/enroll", json_body=tablet)

        lost = {
            "code": self.rec.send(None, "POST", codes, token=admin).json()["code"],
            "device_name": "Máy 02",
        }
        second = self.rec.send(None, "POST", f"{API}/devices/enroll", json_body=lost).json()
        self.rec.send("revoke", "POST", f"{API}/admin/devices/{second['device_id']}/revoke", token=admin)
        self.rec.send("revoked-token", "GET", f"{PULL}?cursor=0", token=second["token"])

    def push(self) -> None:
        faulty = {
            "id": FAULTY_ID,
            "agency_code": AGENCY_A,
            "fonds_id": FONDS_ID,
            "file_no": "128",
            "title": "Hồ sơ hội nghị tổng kết công tác năm 1996",
            "start_date": "1996-13",
            "leaves": -3,
            "criteria": ["permanent"],
        }
        fonds = {"id": FONDS_ID, "agency_code": AGENCY_A, "number": "12", "name": "Phông UBND tỉnh Quảng Nam"}
        body = {
            "batch_id": BATCHES[0],
            "changes": [change(fonds, kind="fonds"), change(self.file()), change(faulty)],
        }
        tablet = self.tokens["tablet"]
        self.rec.send("push", "POST", PUSH, token=tablet, json_body=body)
        again = "(the same body, sent again)"
        self.rec.send("push-replay", "POST", PUSH, token=tablet, json_body=body, shown_body=again)
        self.rec.send("push-malformed", "POST", PUSH, token=tablet, json_body={"changes": []})

    def patch(self, example: str, url: str, offset: int, total: int, body: bytes, shown: str) -> None:
        headers = upload_headers(offset, total)
        self.rec.send(
            example,
            "PATCH",
            url,
            token=self.tokens["tablet"],
            headers=headers,
            content=body,
            shown_body=shown,
        )

    def photos(self) -> None:
        url, size, tablet = f"{API}/photos/{self.sha}", len(self.photo), self.tokens["tablet"]
        self.rec.send("photo-state-none", "HEAD", url, token=tablet)
        self.patch("photo-chunk", url, 0, size, self.photo[:CHUNK], f"<bytes 0–{CHUNK - 1}>")
        self.rec.send("photo-state-partial", "HEAD", url, token=tablet)
        self.patch("photo-offset-mismatch", url, 0, size, self.photo[:CHUNK], f"<bytes 0–{CHUNK - 1} again>")
        self.patch("photo-last-chunk", url, CHUNK, size, self.photo[CHUNK:], f"<bytes {CHUNK}–{size - 1}>")
        self.rec.send("photo-state-complete", "HEAD", url, token=tablet)
        self.patch("photo-already-held", url, 0, size, self.photo[:100], "<bytes 0–99>")

        other = f"{API}/photos/{hashlib.sha256(b'another photo').hexdigest()}"
        not_this = "<103 bytes that start like a JPEG but do not hash to this name>"
        self.patch("photo-hash-mismatch", other, 0, 103, self.photo[:103], not_this)
        pdf = b"%PDF-1.4 not an image"
        self.patch(
            "photo-not-an-image",
            f"{API}/photos/{hashlib.sha256(pdf).hexdigest()}",
            0,
            len(pdf),
            pdf,
            pdf.decode(),
        )
        self.patch("photo-too-big", other, 0, 1_000_000_000, self.photo[:3], "<3 bytes>")

        self.rec.send("photo-read", "GET", url, token=self.tokens["head_a"])
        self.rec.send("photo-not-readable", "GET", url, token=self.tokens["surveyor_b"])

    def conflict(self) -> None:
        first = {"batch_id": BATCHES[1], "changes": [change(self.file(leaves=91), base=1)]}
        self.rec.send("conflict-first-edit", "POST", PUSH, token=self.tokens["head_a"], json_body=first)
        second = {"batch_id": BATCHES[2], "changes": [change(self.file(pages=180), rev=2, base=1)]}
        self.rec.send("conflict-second-edit", "POST", PUSH, token=self.tokens["tablet"], json_body=second)
        record, reviewer = f"{API}/records/file_record/{FILE_ID}", self.tokens["reviewer"]
        differing = record_fields("id", "file_no", "leaves", "pages")
        self.rec.send("conflict-view", "GET", f"{record}/conflicts", token=reviewer, view=differing)
        merged = {"data": self.file(leaves=91, pages=180)}
        self.rec.send(
            "conflict-resolve", "POST", f"{record}/resolve", token=reviewer, json_body=merged, view=differing
        )
        send_back = {"state": "sent_back", "text": "Ghi rõ số tờ bị mủn ở phần ghi chú"}
        self.rec.send("review", "POST", f"{record}/review", token=reviewer, json_body=send_back)

    def other_agency_fonds(self) -> None:
        """Agency B's head lists a fonds, which the surveyor may not see yet."""
        fonds = {"id": FONDS_B_ID, "agency_code": AGENCY_B, "number": "3", "name": "Phông Sở Tài chính"}
        body = {"batch_id": BATCHES[3], "changes": [change(fonds, kind="fonds")]}
        self.rec.send(None, "POST", PUSH, token=self.tokens["head_b"], json_body=body)

    def pull(self) -> int:
        tablet = self.tokens["tablet"]
        first = self.rec.send("pull-first-page", "GET", f"{PULL}?cursor=0&limit=2&protocol=2", token=tablet)
        rest = self.rec.send(
            "pull-next-page", "GET", f"{PULL}?cursor={first.json()['cursor']}&protocol=2", token=tablet
        )
        return int(rest.json()["cursor"])

    def new_agency(self, cursor: int) -> None:
        assigned = {"assigned_agencies": [AGENCY_A, AGENCY_B]}
        user = f"{API}/admin/users/surveyor_a"
        self.rec.send("assign-agency", "PATCH", user, token=self.tokens["admin"], json_body=assigned)
        tablet = self.tokens["tablet"]
        self.rec.send("pull-after-assignment", "GET", f"{PULL}?cursor={cursor}&protocol=2", token=tablet)
        listed = change_fields("seq", "type", "id", "agency_code")
        self.rec.send("pull-from-zero", "GET", f"{PULL}?cursor=0&protocol=2", token=tablet, view=listed)

    def history(self) -> None:
        url = f"{API}/records/file_record/{FILE_ID}/history"
        self.rec.send("history", "GET", url, token=self.tokens["reviewer"])

    def protocol_versions(self) -> None:
        tablet = self.tokens["tablet"]
        before = self.rec.send(None, "GET", f"{PULL}?cursor=0&limit=1000&protocol=2", token=tablet).json()[
            "cursor"
        ]
        rare = {
            "id": RARE_ID,
            "agency_code": AGENCY_A,
            "fonds_id": FONDS_ID,
            "file_no": "129",
            "title": "Bản đồ địa giới hành chính tỉnh Quảng Nam – Đà Nẵng vẽ tay năm 1976",
            "criteria": ["permanent"],
            "rare": True,
        }
        body = {"batch_id": BATCHES[4], "changes": [change(rare)]}
        self.rec.send("push-protocol-1", "POST", PUSH, token=tablet, json_body=body)
        shown = record_fields("id", "file_no", "criteria", "rare")
        self.rec.send("pull-protocol-1", "GET", f"{PULL}?cursor={before}", token=tablet, view=shown)
        self.rec.send(
            "pull-protocol-2", "GET", f"{PULL}?cursor={before}&protocol=2", token=tablet, view=shown
        )

    def storage_down(self) -> None:
        """The photo store becomes an S3 bucket whose server does not answer (nothing listens on the
        discard port): the store's own failure path answers."""
        unreachable = boto3.client(
            "s3",
            endpoint_url="http://127.0.0.1:9",
            region_name="us-east-1",
            aws_access_key_id="saoluu-doc",
            aws_secret_access_key="saoluu-doc",
            config=Config(retries={"max_attempts": 1}, connect_timeout=2),
        )
        self.app.state.photos = S3PhotoStore(unreachable, "saoluu-photos")
        self.rec.send(
            "photo-storage-unavailable", "GET", f"{API}/photos/{self.sha}", token=self.tokens["tablet"]
        )
