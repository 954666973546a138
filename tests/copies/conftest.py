"""Fixtures for copies, fixity and handovers: accepted files with real PDF masters in a store."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from common.vocab import CopyMedium
from sync_server.config import Settings
from sync_server.domain.preservation.sets import CopySetIn, register_set
from sync_server.storage import LocalPhotoStore, PhotoStore
from tests.conftest import AGENCY_A
from tests.scans import pdfs
from tests.scans.conftest import Archive, archive, delivery  # noqa: F401  (shared fixtures)
from tests.storage.conftest import s3_bucket, s3_client, s3_endpoint  # noqa: F401  (moto for S3 tests)


@dataclass
class Masters:
    """Files of fonds 12 of agency A whose masters are ingested (and accepted unless told otherwise)."""

    archive: Archive
    delivery: Path
    store: PhotoStore

    def add(
        self, *file_nos: str, accept: bool = True, fonds: str = "12", pages: int = 2, **extra: Any
    ) -> list[str]:
        """File records with a master each; returns their ids."""
        ids = []
        for n in file_nos:
            rid = self.archive.file(n, fonds=fonds, pages=pages, **extra)
            inventory = extra.get("inventory", "3")
            folder = self.delivery / AGENCY_A / fonds / (inventory or "")
            pdfs.scan_pdf(folder / f"{n}.pdf", pages, 300, seed=zlib.crc32(f"{fonds}/{n}".encode()) % 100_000)
            ids.append(rid)
        run, items = self.archive.ingest(self.delivery, self.store)
        assert run.refused == 0, {k: (i.reason, i.detail) for k, i in items.items()}
        if accept:
            self.accept(*ids)
        return ids

    def accept(self, *ids: str) -> None:
        r = self.archive.client.post(
            "/api/v1/digitization", json={"ids": list(ids)}, headers=self.archive.auth("reviewer")
        )
        assert r.status_code == 200, r.text


@pytest.fixture
def masters(archive: Archive, delivery: Path, settings: Settings) -> Masters:  # noqa: F811
    """Masters in the app's own master store (``settings.master_dir``)."""
    assert settings.master_dir is not None
    return Masters(archive, delivery, LocalPhotoStore(settings.master_dir))


def add_set(owner: Archive, number: int, medium: CopyMedium = CopyMedium.HDD) -> None:
    with owner.session() as s:
        register_set(
            s,
            None,
            CopySetIn(number=number, name=f"Bộ {number} — {medium.vi}", medium=medium, location="Kho A"),
        )
