"""Schema migrations: an older database upgrades in place and matches the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlmodel import Session, SQLModel, select

from common.schemas import AgencyIn
from sync_server.auth import hash_password
from sync_server.config import Settings
from sync_server.db import alembic_config, current_revision, make_engine, migrate
from sync_server.domain.agencies import upsert_agencies
from sync_server.domain.users import authenticate
from sync_server.models import Agency, AuditLog, utcnow


def test_database_of_first_version_upgrades_in_place(empty_database_url: str) -> None:
    engine = make_engine(Settings(database_url=empty_database_url))
    migrate(engine, "0001")
    assert current_revision(engine) == "0001"
    assert "filerecord" not in inspect(engine).get_table_names()
    # rows as version 0001 wrote them (today's models have columns 0001 lacked)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO agency (code, name, kind, in_deposit_list, status, seq, updated_at) "
                "VALUES ('000.00.01.H47', 'Sở Nội vụ', 'department', true, 'active', 1, :now)"
            ),
            {"now": utcnow()},
        )
        conn.execute(
            text(
                "INSERT INTO app_user (username, full_name, role, password_hash, active, created_at) "
                "VALUES ('nguoidung.cu', '', 'admin', :hash, true, :now)"
            ),
            {"hash": hash_password("mat-khau-cu"), "now": utcnow()},
        )
        conn.execute(
            text(
                "INSERT INTO auditlog (at, entity_type, entity_id, action) "
                "VALUES (:now, 'agency', '000.00.01.H47', 'create')"
            ),
            {"now": utcnow()},
        )

    migrate(engine)
    migrate(engine)  # running it again changes nothing

    assert current_revision(engine) == ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert {"filerecord", "filedamage", "nilreport", "box"} <= set(inspect(engine).get_table_names())
    with Session(engine) as s:
        assert s.get(Agency, "000.00.01.H47").name == "Sở Nội vụ"  # type: ignore[union-attr]
        assert authenticate(s, "nguoidung.cu", "mat-khau-cu") is not None
        assert len(s.exec(select(AuditLog)).all()) == 1
        upsert_agencies(s, None, [AgencyIn(code="000.00.02.H47", name="Sở Tài chính", kind="department")])
        s.commit()
        assert len(s.exec(select(AuditLog)).all()) == 2
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
    engine.dispose()


def test_sqlite_runs_in_wal_mode(settings: Settings) -> None:
    if not settings.is_sqlite:
        return
    engine = make_engine(settings)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
