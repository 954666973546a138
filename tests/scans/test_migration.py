"""Migration 0011: the day a file was marked digitized becomes the acceptance day of its state."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import inspect, text
from sqlmodel import Session

from sync_server.config import Settings
from sync_server.db import alembic_config, make_engine, migrate
from sync_server.models import FileDigitization, utcnow

AGENCY = "000.00.01.H47"
MARKED, UNMARKED = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"


def _file(conn, rid: str, digitized_on: dt.date | None) -> None:  # type: ignore[no-untyped-def]
    conn.execute(
        text(
            "INSERT INTO filerecord (id, agency_code, version, rev, deleted, conflicted, seq, created_at, "
            "updated_at, data, fonds_id, file_no, title, title_folded, carrier, criteria, rare, pages, "
            "max_severity, review_state, digitized_on) VALUES (:id, :agency, 1, 1, false, false, 1, :now, "
            ":now, '{}', 'f', '1', 'Hồ sơ', 'ho so', 'paper', 'permanent', false, 12, 0, 'approved', :day)"
        ),
        {"id": rid, "agency": AGENCY, "now": utcnow(), "day": digitized_on},
    )


def test_digitized_days_become_accepted_states_and_come_back_on_downgrade(empty_database_url: str) -> None:
    engine = make_engine(Settings(database_url=empty_database_url))
    migrate(engine, "0008")
    day = dt.date(2026, 11, 2)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO agency (code, name, kind, in_deposit_list, status, seq, updated_at) "
                "VALUES (:code, 'Sở Nội vụ', 'department', true, 'active', 1, :now)"
            ),
            {"code": AGENCY, "now": utcnow()},
        )
        _file(conn, MARKED, day)
        _file(conn, UNMARKED, None)
        conn.execute(
            text(
                "INSERT INTO auditlog (at, user_id, entity_type, entity_id, action) "
                "VALUES (:at, 7, 'file_record', :id, 'digitized')"
            ),
            {"at": dt.datetime(2026, 11, 3, 8, 0, tzinfo=dt.UTC), "id": MARKED},
        )

    migrate(engine)
    assert "digitized_on" not in {c["name"] for c in inspect(engine).get_columns("filerecord")}
    with Session(engine) as s:
        marked = s.get(FileDigitization, MARKED)
        assert marked is not None and s.get(FileDigitization, UNMARKED) is None
        assert (marked.state, marked.accepted_on, marked.agency_code) == ("accepted", day, AGENCY)
        assert marked.checked_by == 7 and marked.checked_at == dt.datetime(2026, 11, 3, 8, 0, tzinfo=dt.UTC)
        assert marked.master_sha256 is None

    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008")
    with engine.connect() as conn:
        back = dict(conn.execute(text("SELECT id, digitized_on FROM filerecord")).all())
    assert {
        k: (v if isinstance(v, dt.date) or v is None else dt.date.fromisoformat(v)) for k, v in back.items()
    } == {
        MARKED: day,
        UNMARKED: None,
    }
    assert "filedigitization" not in inspect(engine).get_table_names()
    engine.dispose()
