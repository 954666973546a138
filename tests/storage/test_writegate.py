"""SQLite writers of several server processes (``serve --workers N``) queue on the write gate's lock
file instead of failing or busy-polling while another process writes. A statement takes the gate when
its compiled form writes a table (or cannot say), never by its SQL text."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, false, insert, select, text, update
from sqlmodel import SQLModel

import sync_server.models  # noqa: F401  (the tables)
from sync_server.config import Settings
from sync_server.db import make_engine, migrate
from sync_server.writegate import HELD

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import sys
from sync_server.config import Settings
from sync_server.db import make_engine

engine = make_engine(Settings(data_dir=sys.argv[1], database_url=sys.argv[2]))
with engine.begin() as conn:
    conn.exec_driver_sql("PRAGMA busy_timeout=0")  # without the gate: 'database is locked' at once
    conn.exec_driver_sql("INSERT INTO t VALUES (2)")
"""


def _wait_until_blocked_on_a_lock(child: subprocess.Popen[str], timeout: float = 30) -> None:
    """Wait until ``child`` waits for a file lock (a ``->`` line of /proc/locks names blocked
    requests and their process); fail if it ends or never gets there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        blocked = [line.split() for line in Path("/proc/locks").read_text().splitlines() if "->" in line]
        if any(fields[5] == str(child.pid) for fields in blocked):
            return
        assert child.poll() is None, f"the second writer ended instead of waiting: {child.stderr.read()}"  # type: ignore[union-attr]
        time.sleep(0.01)  # polling the condition, not waiting a fixed time
    raise AssertionError("the second writer never queued on the lock")


def test_a_second_process_waits_for_the_writer_then_writes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gate.db'}"
    engine = make_engine(Settings(data_dir=tmp_path, database_url=url))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    with engine.connect() as conn:
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")  # holds the gate and SQLite's write lock
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(tmp_path), url],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        _wait_until_blocked_on_a_lock(child)  # queued behind this writer, not failed
        conn.commit()
    _, err = child.communicate(timeout=30)
    assert child.returncode == 0, err
    with engine.connect() as conn:
        assert [n for (n,) in conn.exec_driver_sql("SELECT n FROM t ORDER BY n")] == [1, 2]
    engine.dispose()


def _takes_the_gate(engine: Engine, statement: Any) -> bool:
    with engine.connect() as conn:
        conn.execute(statement)
        taken = bool(conn.info.get(HELD))
        conn.rollback()
    return taken


def _rewrite(table: Table) -> Any:
    first = next(iter(table.columns))
    return update(table).where(false()).values({first: first})


def test_a_write_to_any_table_takes_the_gate_and_a_read_does_not(tmp_path: Path) -> None:
    engine = make_engine(Settings(data_dir=tmp_path))
    migrate(engine)
    tables = list(SQLModel.metadata.tables.values())
    assert [t.name for t in tables if not _takes_the_gate(engine, _rewrite(t))] == []
    assert [t.name for t in tables if _takes_the_gate(engine, select(t).limit(1))] == []

    counters = SQLModel.metadata.tables["counter"]
    names = select(counters.c.name).where(false()).cte("names")
    led_by_with = insert(counters).from_select(["name", "value"], select(names.c.name, 0)).add_cte(names)
    assert str(led_by_with.compile(engine)).lstrip().startswith("WITH")
    assert _takes_the_gate(engine, led_by_with)
    assert _takes_the_gate(engine, text("UPDATE counter SET value = value WHERE 0"))  # text: can't tell
    engine.dispose()
