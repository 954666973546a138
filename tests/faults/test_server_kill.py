"""The server SIGKILLed again and again while tablets push and upload: nothing half-applied or lost."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tests.conftest import AGENCY_A, AGENCY_B
from tests.faults.conftest import admin_headers, enroll, make_device, survey, sync_until_done, tally

DEVICES = 8
RECORDS = 40
PHOTOS = 2
KILLS = 3


def test_server_killed_mid_push_and_upload_loses_nothing(
    server_factory: Any, database_url: str, tmp_path: Path
) -> None:
    server = server_factory()
    admin = admin_headers(server.url)
    rng = random.Random(7)
    devices = []
    for i in range(DEVICES):
        user, agency = ("surveyor_a", AGENCY_A) if i % 2 == 0 else ("surveyor_b", AGENCY_B)
        token = enroll(server.url, admin, user, f"tablet-{i}")
        device = make_device(server.url, token, tmp_path / "t", f"tablet-{i}", agency, chunk_size=8 * 1024)
        survey(device, rng, RECORDS, PHOTOS, photo_size=200_000)
        devices.append(device)

    kills: list[float] = []

    def chaos() -> None:
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.4, 1.2))
            server.kill()
            kills.append(time.time())
            time.sleep(0.3)
            server.start()  # same port, same database and photo folder

    killer = threading.Thread(target=chaos)
    killer.start()
    with ThreadPoolExecutor(max_workers=DEVICES) as pool:
        failed = sum(pool.map(lambda d: sync_until_done(d, rounds=300, pause=0.1), devices))
    killer.join()
    for d in devices:  # whatever the kills left unsent, the tablets finish by retrying
        sync_until_done(d, rounds=20, pause=0.1)
        d.http.close()

    record_ids = [rid for d in devices for rid in d.record_ids]
    hashes = [sha for d in devices for sha in d.photo_hashes]
    file_ids = [rid for d in devices for rid in d.record_ids[1:]]
    t = tally(database_url, server.data_dir / "photos", record_ids, hashes)
    print(
        f"\nserver kills: {len(kills)}, failed sync rounds {failed}; records {t.records}/{len(record_ids)}, "
        f"photos {t.photos}/{len(hashes)} verified {t.photo_files_ok}, damage rows {t.damage_rows}"
    )
    assert len(kills) == KILLS and failed > 0  # the kills really interrupted syncing
    assert t.records == t.distinct_records == t.creates == len(record_ids)
    assert t.conflicts == 0
    assert t.damage_rows == 2 * len(file_ids)  # no record without its damage rows: no half batch
    assert t.photos == t.photo_files_ok == len(hashes)
