"""Database backup and restore: SQLite's online backup API, or ``pg_dump``/``pg_restore``.

A SQLite backup is a consistent copy taken while the server runs (readers and writers go on). A
PostgreSQL backup is a custom-format ``pg_dump`` archive. Photos are files (or S3 objects) addressed
by their hash and never rewritten: copy the photo folder with rsync, or version the bucket (see
``build/deploy/README.md``).
"""

from __future__ import annotations

import glob
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sync_server.config import Settings


def _sqlite_path(settings: Settings) -> Path:
    return Path(settings.database_url.split("///", 1)[-1])


def _pg_url(settings: Settings) -> str:
    return "postgresql://" + settings.database_url.split("://", 1)[1]


def _pg_tool(name: str) -> str:
    """``pg_dump``/``pg_restore`` from PATH, or from the newest PostgreSQL on the machine."""
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))[::-1]), None
    )
    if found is None:
        raise SystemExit(f"{name} not found: install the PostgreSQL client tools")
    return found


def backup(settings: Settings, target: Path) -> Path:
    """Write a consistent copy of the database to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if settings.is_sqlite:
        src = sqlite3.connect(_sqlite_path(settings))
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    else:
        subprocess.run(
            [_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", _pg_url(settings)],
            check=True,
        )
    return target


def restore(settings: Settings, source: Path) -> None:
    """Replace the database's contents with a backup (stop the servers first)."""
    if not source.is_file():
        raise SystemExit(f"backup not found: {source}")
    if settings.is_sqlite:
        path = _sqlite_path(settings)
        path.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(source)
        dst = sqlite3.connect(path)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    else:
        subprocess.run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--exit-on-error",
                f"--dbname={_pg_url(settings)}",
                str(source),
            ],
            check=True,
        )
