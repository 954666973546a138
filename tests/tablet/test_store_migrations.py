"""The tablet database is versioned (``PRAGMA user_version``): a store made by an older app opens
with its data intact and the schema of today's models, and a model that gains a column or a table
without a migration fails here.

``stores/made-by-<commit>.sql`` are dumps (``sqlite3 .dump``) of databases written by the store code
of that commit, before versions existed: ``0d0ffd7`` is the first release (no search column, no
drafts or preferences), ``52c26e4`` the store as it was when versions came. They are never
regenerated: they stand for tablets in the field.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, MetaData, String, create_engine

from common.protocol import ChangeResult, ChangeStatus
from mobile_app import store_migrations
from mobile_app.store import LocalBase, LocalStore

STORES = Path(__file__).parent / "stores"
AGENCY = "000.00.01.H47"
FONDS = "5b0c2a0e-1111-4c1e-9d7a-0a0a0a0a0a01"
FILE_45 = "5b0c2a0e-2222-4c1e-9d7a-0a0a0a0a0a02"
FILE_46 = "5b0c2a0e-3333-4c1e-9d7a-0a0a0a0a0a03"


def _schema_differences(db: Path, metadata: MetaData = LocalBase.metadata) -> list[Any]:
    """What differs between the database's tables, columns, types, nullability and indexes and
    ``metadata`` (Alembic's comparison, as ``alembic check`` makes it)."""
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def _version(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _load(dump: str, data_dir: Path) -> Path:
    data_dir.mkdir(parents=True)
    db = data_dir / "saoluu-tablet.db"
    with sqlite3.connect(db) as conn:
        conn.executescript((STORES / dump).read_text(encoding="utf-8"))
    assert _version(db) == 0
    return db


def test_a_new_store_has_the_schema_of_the_models(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    store.engine.dispose()
    assert _version(store.path) == store_migrations.SCHEMA_VERSION
    assert _schema_differences(store.path) == []


def test_a_model_column_without_a_migration_is_found(tmp_path: Path) -> None:
    """What the test above reports when a model gains a column (or a table) but no migration."""
    store = LocalStore(tmp_path)
    store.engine.dispose()
    grown = MetaData()
    for table in LocalBase.metadata.tables.values():
        table.to_metadata(grown)
    grown.tables["localrecord"].append_column(Column("gps", String, nullable=True))
    LocalBase.metadata.tables["checkpoint"].to_metadata(grown, name="syncrun")
    found = {
        (d[0], d[3].name) if d[0] == "add_column" else (d[0], d[1].name)
        for d in _schema_differences(store.path, grown)
    }
    assert found == {("add_column", "gps"), ("add_table", "syncrun")}


def test_a_store_of_the_last_unversioned_app_keeps_its_data(tmp_path: Path) -> None:
    db = _load("made-by-52c26e4.sql", tmp_path / "tablet")
    store = LocalStore(tmp_path / "tablet")
    assert _version(db) == store_migrations.SCHEMA_VERSION
    assert _schema_differences(db) == []

    assert (agency := store.get("agency", AGENCY)) is not None and agency.data["name"] == "Sở Nội vụ"
    assert store.cursor() == 42
    assert {(e.type, e.id, e.rev) for e in store.outbox(10)} == {
        ("fonds", FONDS, 1),
        ("file_record", FILE_45, 1),
    }
    assert (sent := store.get("file_record", FILE_46)) is not None and sent.version == 2
    assert [p.mime for p in store.photos()] == ["image/jpeg"]
    assert store.get_pref("server_url") == "https://luutru.example.vn"
    assert [d.data for d in store.drafts("file_record", AGENCY)] == [{"title": "Bản nháp công văn"}]
    assert [r.id for r in store.search_records("file_record", AGENCY, "so dang ky")] == [FILE_45]

    store.apply_results([ChangeResult(type="fonds", id=FONDS, rev=1, status=ChangeStatus.APPLIED, version=1)])
    assert store.pending_count() == 1  # and it goes on working
    store.engine.dispose()
    assert store_migrations.migrate(db) == store_migrations.SCHEMA_VERSION  # opened again: nothing to do


def test_a_store_of_the_first_release_gains_search_and_drafts(tmp_path: Path) -> None:
    db = _load("made-by-0d0ffd7.sql", tmp_path / "tablet")
    store = LocalStore(tmp_path / "tablet")
    assert _version(db) == store_migrations.SCHEMA_VERSION
    assert _schema_differences(db) == []
    assert store.pending_count() == 2 and store.cursor() == 42
    assert [r.id for r in store.search_records("file_record", AGENCY, "Hội nghị")] == [FILE_46]
    assert [r.id for r in store.search_records("agency", None, "noi vu")] == [AGENCY]
    store.save_draft("k", "file_record", {"title": "mới"}, AGENCY)
    assert store.get_draft("k") is not None
    store.engine.dispose()


def test_a_failed_migration_leaves_the_last_complete_version(tmp_path: Path) -> None:
    db = _load("made-by-52c26e4.sql", tmp_path / "tablet")

    def breaks(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE localrecord ADD COLUMN half_done VARCHAR")
        raise OSError("power lost")

    with pytest.raises(OSError):
        store_migrations.migrate(db, (*store_migrations.MIGRATIONS, breaks))
    assert _version(db) == store_migrations.SCHEMA_VERSION
    with sqlite3.connect(db) as conn:
        assert "half_done" not in {row[1] for row in conn.execute("PRAGMA table_info(localrecord)")}


def test_a_store_of_a_newer_app_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "saoluu-tablet.db"
    store_migrations.migrate(db)
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {store_migrations.SCHEMA_VERSION + 1}")
    with pytest.raises(store_migrations.StoreTooNew):
        LocalStore(tmp_path)
