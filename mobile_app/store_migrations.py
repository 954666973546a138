"""Versions of the tablet database: an ordered list of migrations keyed by ``PRAGMA user_version``.

The database's ``user_version`` is the number of migrations it has had. Opening the store runs the
ones it lacks, in order, each in its own transaction with the version bump (SQLite's DDL is
transactional), so a tablet that loses power halfway through an upgrade keeps the last complete
version and finishes on the next start. A database from a newer app than this one is refused rather
than written with a schema it does not know.

Adding a column or a table: append a migration (never edit a released one) and change the model;
``tests/tablet/test_store_migrations.py`` fails while the migrated schema and the models differ.

Not Alembic: the tablet ships a handful of tables in one SQLite file. Alembic would add itself and
Mako to the app bundle, and its migration scripts are found through a folder on disk that a packaged
Flet app does not keep as such; ``user_version`` is built into SQLite and a migration is a plain
function of a ``sqlite3`` connection.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from mobile_app.search import search_text

Migration = Callable[[sqlite3.Connection], None]

_V1_TABLES = (
    """CREATE TABLE IF NOT EXISTS localrecord (
        type VARCHAR(30) NOT NULL,
        id VARCHAR(64) NOT NULL,
        agency_code VARCHAR(40),
        data JSON NOT NULL,
        rev INTEGER NOT NULL,
        version INTEGER,
        deleted BOOLEAN NOT NULL,
        conflicted BOOLEAN NOT NULL,
        review_state VARCHAR,
        errors JSON,
        updated_at DATETIME NOT NULL,
        search VARCHAR NOT NULL,
        PRIMARY KEY (type, id)
    )""",
    "CREATE INDEX IF NOT EXISTS ix_localrecord_agency_code ON localrecord (agency_code)",
    """CREATE TABLE IF NOT EXISTS outboxentry (
        type VARCHAR(30) NOT NULL,
        id VARCHAR(64) NOT NULL,
        rev INTEGER NOT NULL,
        base_version INTEGER,
        deleted BOOLEAN NOT NULL,
        data JSON NOT NULL,
        queued_at DATETIME NOT NULL,
        PRIMARY KEY (type, id)
    )""",
    """CREATE TABLE IF NOT EXISTS localphoto (
        sha256 VARCHAR(64) NOT NULL,
        path VARCHAR NOT NULL,
        size INTEGER NOT NULL,
        mime VARCHAR(40) NOT NULL,
        state VARCHAR(12) NOT NULL,
        attempts INTEGER NOT NULL,
        last_error VARCHAR,
        PRIMARY KEY (sha256)
    )""",
    """CREATE TABLE IF NOT EXISTS checkpoint (
        name VARCHAR(40) NOT NULL,
        value VARCHAR NOT NULL,
        PRIMARY KEY (name)
    )""",
    """CREATE TABLE IF NOT EXISTS preference (
        name VARCHAR(40) NOT NULL,
        value VARCHAR NOT NULL,
        PRIMARY KEY (name)
    )""",
    """CREATE TABLE IF NOT EXISTS draft (
        "key" VARCHAR(80) NOT NULL,
        kind VARCHAR(30) NOT NULL,
        agency_code VARCHAR(40),
        data JSON NOT NULL,
        updated_at DATETIME NOT NULL,
        PRIMARY KEY ("key")
    )""",
    "CREATE INDEX IF NOT EXISTS ix_draft_agency_code ON draft (agency_code)",
)


def _v1_baseline(conn: sqlite3.Connection) -> None:
    """The schema of the first versioned store. A database made before versions existed has these
    tables already, perhaps without ``localrecord.search`` (the first release had none, and the
    drafts and preferences came later): what is missing is added, the search text filled in."""
    for ddl in _V1_TABLES:
        conn.execute(ddl)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(localrecord)")}
    if "search" not in columns:
        conn.execute("ALTER TABLE localrecord ADD COLUMN search VARCHAR NOT NULL DEFAULT ''")
        rows = conn.execute("SELECT type, id, data FROM localrecord").fetchall()
        conn.executemany(
            "UPDATE localrecord SET search = ? WHERE type = ? AND id = ?",
            [(search_text(type_, json.loads(data or "{}")), type_, rid) for type_, rid, data in rows],
        )


MIGRATIONS: tuple[Migration, ...] = (_v1_baseline,)
"""Every migration, oldest first; ``MIGRATIONS[n]`` takes a database from version ``n`` to ``n + 1``."""
SCHEMA_VERSION = len(MIGRATIONS)


class StoreTooNew(RuntimeError):
    """The database was written by a newer app (a higher ``user_version`` than this one knows)."""


def migrate(path: Path, migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    """Bring the database at ``path`` (made if missing) to ``len(migrations)``; returns the version
    it had."""
    conn = sqlite3.connect(path, isolation_level=None)  # transactions are ours, explicit
    try:
        first = None
        while True:
            conn.execute("BEGIN IMMEDIATE")  # two openings at once: the second waits, then has none to do
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            first = version if first is None else first
            if version >= len(migrations):
                conn.execute("COMMIT")
                if version > len(migrations):
                    raise StoreTooNew(f"tablet database version {version}, this app knows {len(migrations)}")
                return first
            try:
                migrations[version](conn)
                conn.execute(f"PRAGMA user_version = {version + 1}")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
    finally:
        conn.close()
