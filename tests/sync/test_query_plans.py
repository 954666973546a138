"""The statements every push and pull runs find their rows through an index, on SQLite without
statistics too: a full scan of the audit log or of the file records costs nothing in a small test
database and grows with the province's inventory (a push of edits once scanned the whole audit log)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.dialects import sqlite

from sync_server.domain import ingest, pull


def plan(db: Path, statement: Any, params: dict[str, Any]) -> str:
    """SQLite's query plan for ``statement`` with ``params``, its steps joined by " | "."""
    sql = statement.params(params).compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
    with sqlite3.connect(db) as conn:
        return " | ".join(row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))


def test_the_replay_check_reads_the_audit_log_by_entity(sqlite_template: Path) -> None:
    params = {"kinds": ["file_record", "fonds"], "ids": ["a", "b", "c"]}
    steps = plan(sqlite_template, ingest._SEEN_QUERY, params)
    assert "USING INDEX ix_auditlog_entity" in steps, steps
    assert "SCAN" not in steps, steps


@pytest.mark.parametrize("kind", pull.PULLED_KINDS)
def test_a_surveyors_pull_reads_each_kind_by_agency_and_sequence(sqlite_template: Path, kind: str) -> None:
    params = {"cursor": 10, "high": 20, "limit": 501, "codes": ["000.00.01.H47", "000.00.02.H47"]}
    steps = plan(sqlite_template, pull._records_query(kind, True), params)
    assert "SEARCH" in steps and "SCAN" not in steps, steps
