"""Migration 0012: files already in digitization keep their rows (with no plan year), the new tables
come with their guards, and a downgrade goes back cleanly."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from sync_server.config import Settings
from sync_server.db import alembic_config, make_engine, migrate
from sync_server.models import FileDigitization, utcnow

AGENCY = "000.00.01.H47"
RID = "11111111-1111-4111-8111-111111111111"


def test_upgrade_keeps_digitization_rows_and_downgrade_removes_the_plan(empty_database_url: str) -> None:
    engine = make_engine(Settings(database_url=empty_database_url))
    migrate(engine, "0011")
    day = dt.date(2026, 11, 2)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO agency (code, name, kind, in_deposit_list, status, seq, updated_at) "
                "VALUES (:code, 'Sở Nội vụ', 'department', true, 'active', 1, :now)"
            ),
            {"code": AGENCY, "now": utcnow()},
        )
        conn.execute(
            text(
                "INSERT INTO filerecord (id, agency_code, version, rev, deleted, conflicted, seq, "
                "created_at, updated_at, data, fonds_id, file_no, title, title_folded, carrier, criteria, "
                "conservation, pages, max_severity, review_state) VALUES (:id, :agency, 1, 1, false, false, "
                "1, :now, :now, '{}', 'f', '1', 'Hồ sơ', 'ho so', 'paper', 'permanent', false, 12, 0, "
                "'approved')"
            ),
            {"id": RID, "agency": AGENCY, "now": utcnow()},
        )
        conn.execute(
            text(
                "INSERT INTO filedigitization (record_id, agency_code, state, accepted_on, updated_at) "
                "VALUES (:id, :agency, 'accepted', :day, :now)"
            ),
            {"id": RID, "agency": AGENCY, "day": day, "now": utcnow()},
        )

    migrate(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"approvedlist", "approvedlistitem", "planbatch", "boxcustody", "boxmovement"} <= tables
    with Session(engine) as s:
        row = s.get(FileDigitization, RID)
        assert row is not None and (row.state, row.accepted_on, row.plan_year, row.batch_id) == (
            "accepted",
            day,
            None,
            None,
        )
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO boxmovement (code, at, from_place, to_place, counterpart, note, files) "
                "VALUES ('X-P1-H0001', :now, 'repository', 'out', '', '', 0)"
            ),
            {"now": utcnow()},
        )
    with pytest.raises(DBAPIError, match="never change"), engine.begin() as conn:
        conn.execute(text("DELETE FROM boxmovement"))

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0011")
    assert "boxmovement" not in inspect(engine).get_table_names()
    assert "plan_year" not in {c["name"] for c in inspect(engine).get_columns("filedigitization")}
    migrate(engine)  # and up again
    assert "plan_year" in {c["name"] for c in inspect(engine).get_columns("filedigitization")}
    engine.dispose()
