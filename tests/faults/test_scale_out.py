"""Two server processes on one PostgreSQL, photos on S3, behind one address: concurrent pushes while
others pull. No pull cursor skips a change, even when transactions commit out of order; no duplicates."""

from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from common.protocol import PullResponse
from tests.conftest import AGENCY_A, AGENCY_B
from tests.faults.conftest import ServerProcess, admin_headers, enroll, make_device, survey, sync_until_done
from tests.faults.proxy import FaultProxy

pytestmark = pytest.mark.postgres
WRITERS = 12
RECORDS = 30


class Puller:
    """A client pulling small pages over and over while others write, remembering all it saw."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.http = httpx.Client(base_url=url, headers=headers, timeout=30)
        self.cursor = 0
        self.seen: Counter[tuple[str, str, int]] = Counter()
        self.pages = 0

    def pull_all(self) -> None:
        while True:
            resp = self.http.get("/api/v1/sync/pull", params={"cursor": self.cursor, "limit": 7})
            resp.raise_for_status()
            page = PullResponse.model_validate_json(resp.content)
            assert page.cursor >= self.cursor
            for c in page.changes:
                assert c.seq > self.cursor
                self.seen[(c.type, c.id, c.version or 0)] += 1
            self.cursor = page.cursor
            self.pages += 1
            if not page.has_more:
                return


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_two_servers_one_database_concurrent_push_and_pull(
    database_url: str, s3_endpoint: str, s3_bucket: str, tmp_path: Path
) -> None:
    env = {
        "SAOLUU_PHOTO_STORE": "s3",
        "SAOLUU_S3_ENDPOINT_URL": s3_endpoint,
        "SAOLUU_S3_BUCKET": s3_bucket,
    }
    servers = [ServerProcess(database_url, tmp_path / f"srv{i}", extra_env=env) for i in range(2)]
    for srv in servers:
        srv.data_dir.mkdir()
        srv.start()
    try:
        url = servers[0].url
        admin = admin_headers(url)
        rng = random.Random(5)
        with FaultProxy([("127.0.0.1", s.port) for s in servers]) as front:
            writers = []
            for i in range(WRITERS):
                user, agency = ("surveyor_a", AGENCY_A) if i % 2 == 0 else ("surveyor_b", AGENCY_B)
                token = enroll(url, admin, user, f"w{i}")
                device = make_device(front.url, token, tmp_path / "t", f"w{i}", agency, keepalive=False)
                device.engine.batch_size = 3
                survey(device, rng, RECORDS, photos=1, photo_size=60_000)
                writers.append(device)
            pullers = [Puller(front.url, admin) for _ in range(3)]
            stop = threading.Event()

            def keep_pulling(p: Puller) -> None:
                while not stop.is_set():
                    p.pull_all()

            threads = [threading.Thread(target=keep_pulling, args=(p,)) for p in pullers]
            for t in threads:
                t.start()
            with ThreadPoolExecutor(max_workers=WRITERS) as pool:
                assert sum(pool.map(sync_until_done, writers)) == 0
            stop.set()
            for t in threads:
                t.join()
            for p in pullers:
                p.pull_all()  # catch up once more after the writers are done
            served = dict(front.per_upstream)
    finally:
        for srv in servers:
            srv.stop()

    written = {rid for d in writers for rid in d.record_ids}
    print(f"\nscale-out: connections per server {served}; pages pulled {[p.pages for p in pullers]}")
    assert len(served) == 2 and min(served.values()) > 50  # both processes did real work
    for p in pullers:
        pulled = {(t, rid) for (t, rid, _v) in p.seen if t in ("file_record", "fonds")}
        assert {rid for _t, rid in pulled} == written  # nothing skipped
        repeats = {k: n for k, n in p.seen.items() if n > 1}
        assert repeats == {}  # nothing pulled twice
        assert p.pages > 10
    for d in writers:
        assert all(r.version == 1 for r in d.store.records("file_record"))  # applied once each
        assert all(p.state == "done" for p in d.store.photos(("queued", "uploading", "failed", "done")))
