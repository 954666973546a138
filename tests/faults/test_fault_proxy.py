"""50 tablets sync through a proxy that drops, stalls and truncates: everything arrives exactly once."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tests.conftest import AGENCY_A, AGENCY_B
from tests.faults.conftest import admin_headers, enroll, make_device, survey, sync_until_done, tally
from tests.faults.proxy import FaultPlan, FaultProxy

DEVICES = 50
RECORDS = 6
PHOTOS = 2


def test_fifty_devices_through_faults_lose_and_duplicate_nothing(
    server_factory: Any, database_url: str, tmp_path: Path
) -> None:
    server = server_factory()
    admin = admin_headers(server.url)
    rng = random.Random(71)
    weights = {"clean": 0.65, "cut_request": 0.15, "truncate": 0.15, "stall": 0.05}
    plan = FaultPlan(weights=weights, stall_s=1.2)
    with FaultProxy([("127.0.0.1", server.port)], plan, seed=71) as proxy:
        devices = []
        for i in range(DEVICES):
            user, agency = ("surveyor_a", AGENCY_A) if i % 2 == 0 else ("surveyor_b", AGENCY_B)
            token = enroll(server.url, admin, user, f"tablet-{i:02d}")
            # a flaky mobile network: a new connection for every request, so every request can fail
            name = f"tablet-{i:02d}"
            device = make_device(proxy.url, token, tmp_path / "t", name, agency, timeout=1.0, keepalive=False)
            survey(device, rng, RECORDS, PHOTOS, photo_size=40_000)
            devices.append(device)

        with ThreadPoolExecutor(max_workers=10) as pool:
            failed_rounds = sum(pool.map(sync_until_done, devices))
        for d in devices:
            d.http.close()

    record_ids = [rid for d in devices for rid in d.record_ids]
    hashes = [sha for d in devices for sha in d.photo_hashes]
    t = tally(database_url, server.data_dir / "photos", record_ids, hashes)
    partials = list((server.data_dir / "photos" / ".partial").glob("*"))
    faults = sum(proxy.injected.values())
    print(
        f"\nfault proxy: {proxy.connections} connections, {faults} faults injected {dict(proxy.injected)}, "
        f"{failed_rounds} failed sync rounds; records sent {len(record_ids)}, on server {t.records}; "
        f"photos sent {len(hashes)}, on server {t.photos}, files verified {t.photo_files_ok}; "
        f"lost = {len(record_ids) - t.distinct_records + len(hashes) - t.photos}, "
        f"duplicates = {t.records - t.distinct_records + t.creates - len(record_ids)}"
    )
    assert faults >= 200, proxy.injected  # the proxy really got in the way
    assert min(proxy.injected[k] for k in ("cut_request", "truncate", "stall")) > 0
    assert t.records == t.distinct_records == len(record_ids)  # every record, once
    assert t.creates == len(record_ids)  # each created exactly once (no replay re-applied)
    assert t.conflicts == 0  # retries of a device's own edits are never taken for conflicts
    assert t.photos == t.photo_files_ok == len(hashes)  # every photo, complete and verified
    assert partials == []  # no half upload left behind
    for d in devices:  # and every tablet knows the server's version of each of its records
        assert all(r.version >= 1 for r in d.store.records("file_record"))
