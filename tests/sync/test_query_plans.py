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


@pytest.mark.parametrize("campaign", ["5a1f0e52-2026-4000-8000-000000000071", None])
def test_files_for_conservation_are_counted_through_their_partial_index(
    sqlite_template: Path, campaign: str | None
) -> None:
    """The dashboard, tracker and yearly report count hard-to-read files on every page view: only
    those few rows are in ``ix_filerecord_conservation``, the other files are never read."""
    from sync_server.domain import inventory, standing

    steps = plan(sqlite_template, standing.conservation_query(campaign), {})
    assert "USING INDEX ix_filerecord_conservation" in steps, steps
    steps = plan(sqlite_template, inventory.CONSERVATION_IDS.limit(inventory.NARROW_CAP + 1), {})
    assert "USING INDEX ix_filerecord_conservation" in steps, steps  # the inventory's filter
