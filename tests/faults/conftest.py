"""Real server processes (killable), enrolled tablets and the checks that nothing was lost."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from mobile_app.store import LocalStore
from mobile_app.sync import RetryPolicy, SyncEngine
from sync_server.models import AuditLog, FileDamage, FileRecord, Fonds, Photo, RecordRevision
from tests.api.records_data import file_record, fonds
from tests.images import noise_jpeg
from tests.storage.conftest import s3_bucket, s3_endpoint  # noqa: F401  (moto in server mode)

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    """``python -m sync_server serve`` in a child process that a test may SIGKILL and restart."""

    database_url: str
    data_dir: Path
    port: int = field(default_factory=free_port)
    extra_env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerProcess:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "SAOLUU_DATA_DIR": str(self.data_dir),
            **self.extra_env,
        }
        log = (self.data_dir / f"server-{self.port}.log").open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sync_server", "serve", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def server_factory(database_url: str, tmp_path: Path) -> Iterator[Any]:
    """``server_factory(**env)`` -> a started server process on this test's database."""
    made: list[ServerProcess] = []

    def make(**extra_env: str) -> ServerProcess:
        data_dir = tmp_path / "server"
        data_dir.mkdir(exist_ok=True)
        srv = ServerProcess(database_url, data_dir, extra_env=extra_env).start()
        made.append(srv)
        return srv

    yield make
    for srv in made:
        srv.stop()


def admin_headers(url: str) -> dict[str, str]:
    resp = httpx.post(f"{url}/api/v1/auth/token", data={"username": "admin", "password": "matkhau-admin"})
    resp.raise_for_status()
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def enroll(url: str, admin: dict[str, str], username: str, name: str) -> str:
    """A device token for ``username`` through the real one-time-code enrollment."""
    code = httpx.post(f"{url}/api/v1/admin/users/{username}/enroll-codes", headers=admin)
    code.raise_for_status()
    resp = httpx.post(f"{url}/api/v1/devices/enroll", json={"code": code.json()["code"], "device_name": name})
    resp.raise_for_status()
    return str(resp.json()["token"])


@dataclass
class Device:
    """One tablet: its local store, its sync engine and what it created."""

    name: str
    agency: str
    store: LocalStore
    engine: SyncEngine
    http: httpx.Client
    record_ids: list[str] = field(default_factory=list)
    photo_hashes: list[str] = field(default_factory=list)

    def done(self) -> bool:
        pending_photos = [p for p in self.store.photos() if p.state != "done"]
        return self.store.pending_count() == 0 and not pending_photos


def make_device(
    base_url: str,
    token: str,
    root: Path,
    name: str,
    agency: str,
    *,
    timeout: float = 5.0,
    chunk_size: int = 16 * 1024,
    keepalive: bool = True,
) -> Device:
    http = httpx.Client(
        base_url=base_url,
        timeout=timeout,
        headers={"Authorization": f"Bearer {token}"},
        limits=httpx.Limits(max_keepalive_connections=None if keepalive else 0),
    )
    store = LocalStore(root / name)
    engine = SyncEngine(
        store,
        http,
        batch_size=4,
        chunk_size=chunk_size,
        retry=RetryPolicy(attempts=4, base=0.01, cap=0.1),
    )
    return Device(name, agency, store, engine, http)


def survey(device: Device, rng: random.Random, records: int, photos: int, photo_size: int) -> None:
    """What a surveyor does offline: a fonds, file records, photos attached to the first records."""
    f = fonds(device.agency, number=str(rng.randint(1, 999)))
    device.store.save("fonds", f)
    device.record_ids.append(f["id"])
    shots = [device.store.add_photo(noise_jpeg(rng, photo_size), "image/jpeg") for _ in range(photos)]
    device.photo_hashes += [p.sha256 for p in shots]
    for i in range(records):
        refs = [{"sha256": p.sha256, "size": p.size, "mime": "image/jpeg"} for p in shots] if i == 0 else []
        rec = file_record(device.agency, f["id"], file_no=str(i + 1), title=f"Hồ sơ {device.name} số {i + 1}")
        rec["photos"] = refs
        device.store.save("file_record", rec)
        device.record_ids.append(rec["id"])


def sync_until_done(device: Device, rounds: int = 40, pause: float = 0.0) -> int:
    """Sync again and again, as the app does whenever a network appears; returns failed rounds."""
    from mobile_app.sync import SyncError

    failures = 0
    for _ in range(rounds):
        try:
            device.engine.sync()
        except SyncError:
            failures += 1
            time.sleep(pause)
            continue
        if device.done():
            return failures
    raise AssertionError(f"{device.name} did not finish syncing: {device.store.pending_count()} pending")


@dataclass
class Tally:
    records: int
    distinct_records: int
    creates: int
    conflicts: int
    photos: int
    photo_files_ok: int
    damage_rows: int


def tally(database_url: str, photo_dir: Path, record_ids: list[str], photo_hashes: list[str]) -> Tally:
    """What the server holds of these records and photos, counted straight from the database."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rec_rows = conn.execute(select(FileRecord.id).where(FileRecord.id.in_(record_ids))).all()  # type: ignore[attr-defined]
            fonds_rows = conn.execute(select(Fonds.id).where(Fonds.id.in_(record_ids))).all()  # type: ignore[attr-defined]
            creates = conn.execute(
                select(func.count())
                .select_from(AuditLog)
                .where(AuditLog.entity_id.in_(record_ids), AuditLog.action == "create")  # type: ignore[attr-defined]
            ).scalar_one()
            conflicts = conn.execute(
                select(func.count())
                .select_from(RecordRevision)
                .where(RecordRevision.entity_id.in_(record_ids))  # type: ignore[attr-defined]
            ).scalar_one()
            damage_rows = conn.execute(
                select(func.count()).select_from(FileDamage).where(FileDamage.record_id.in_(record_ids))  # type: ignore[attr-defined]
            ).scalar_one()
            photos = conn.execute(select(Photo.sha256).where(Photo.sha256.in_(photo_hashes))).all()  # type: ignore[attr-defined]
    finally:
        engine.dispose()
    ok = sum(
        1
        for sha in photo_hashes
        if (p := photo_dir / sha[:2] / sha).is_file() and hashlib.sha256(p.read_bytes()).hexdigest() == sha
    )
    all_rows = [r[0] for r in rec_rows] + [r[0] for r in fonds_rows]
    return Tally(len(all_rows), len(set(all_rows)), creates, conflicts, len(photos), ok, damage_rows)
