"""Fixtures for scanned masters: approved file records made through the API, a delivery folder, the
master store (a local folder, or a moto S3 bucket), and a way to run an ingest as the CLI does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlmodel import Session

from sync_server.domain.scans.ingest import ingest_folder
from sync_server.models import FileDigitization, IngestItem, IngestRun
from sync_server.storage import LocalPhotoStore, PhotoStore
from tests.conftest import AGENCY_A
from tests.exports.helpers import add_file, add_fonds
from tests.storage.conftest import s3_bucket, s3_client, s3_endpoint  # noqa: F401  (moto for S3 tests)


@dataclass
class Archive:
    """An agency's fonds with file records, made and approved through the API."""

    client: TestClient
    auth: Callable[[str], dict[str, str]]
    app: Any
    fonds: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def file(
        self,
        file_no: str,
        *,
        fonds: str = "12",
        inventory: str | None = "3",
        pages: int | None = None,
        approve: bool = True,
        agency: str = AGENCY_A,
    ) -> str:
        """A file record (approved unless told otherwise); returns its id."""
        a = self.auth("surveyor_a" if agency == AGENCY_A else "surveyor_b")
        if (agency, fonds) not in self.fonds:
            self.fonds[(agency, fonds)] = add_fonds(self.client, a, agency, fonds)
        extra: dict[str, Any] = {"file_no": file_no, "inventory_no": inventory, "pages": pages}
        body = add_file(self.client, a, agency, self.fonds[(agency, fonds)]["id"], **extra)
        if approve:
            self.approve(body["id"])
        return str(body["id"])

    def approve(self, rid: str) -> None:
        r = self.client.post(
            f"/api/v1/records/file_record/{rid}/review",
            json={"state": "approved"},
            headers=self.auth("reviewer"),
        )
        assert r.status_code == 200, r.text

    def record(self, rid: str) -> dict[str, Any]:
        r = self.client.get(f"/api/v1/records/file_record/{rid}", headers=self.auth("reviewer"))
        return r.json()  # type: ignore[no-any-return]

    def history(self, rid: str) -> list[dict[str, Any]]:
        r = self.client.get(f"/api/v1/records/file_record/{rid}/history", headers=self.auth("reviewer"))
        return r.json()  # type: ignore[no-any-return]

    def session(self) -> Session:
        return Session(self.app.state.engine)

    def state(self, rid: str) -> FileDigitization | None:
        with self.session() as s:
            return s.get(FileDigitization, rid)

    def ingest(self, folder: Path, store: PhotoStore) -> tuple[IngestRun, dict[str, IngestItem]]:
        """Run an ingest of ``folder``; the run and its items by delivered name."""
        with self.session() as s:
            run = ingest_folder(s, store, folder, None)
            items = s.execute(select(IngestItem).where(IngestItem.run_id == run.id)).scalars()
            return run, {i.name: i for i in items}


@pytest.fixture
def archive(client: TestClient, auth: Any, app: Any) -> Archive:
    return Archive(client, auth, app)


@pytest.fixture
def delivery(tmp_path: Path) -> Path:
    folder = tmp_path / "delivery"
    folder.mkdir()
    return folder


@pytest.fixture
def store(tmp_path: Path) -> LocalPhotoStore:
    return LocalPhotoStore(tmp_path / "masters")


def blobs(store: LocalPhotoStore) -> set[str]:
    """Hashes of the masters a local store holds (incoming copies excluded)."""
    return {p.name for p in store.root.glob("??/*") if p.is_file()}
