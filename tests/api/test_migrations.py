"""Schema migrations: an older database upgrades in place and matches the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import Session, SQLModel, select

from common.schemas import AgencyIn
from common.vocab import Role
from sync_server.config import Settings
from sync_server.db import current_revision, make_engine, migrate
from sync_server.domain.agencies import upsert_agencies
from sync_server.domain.users import UserCreate, authenticate, create_user
from sync_server.models import Agency, AuditLog


def test_database_of_first_version_upgrades_in_place(empty_database_url: str) -> None:
    engine = make_engine(Settings(database_url=empty_database_url))
    migrate(engine, "0001")
    assert current_revision(engine) == "0001"
    assert "filerecord" not in inspect(engine).get_table_names()
    with Session(engine) as s:
        upsert_agencies(s, None, [AgencyIn(code="000.00.01.H47", name="Sở Nội vụ", kind="department")])
        s.commit()
        create_user(s, None, UserCreate(username="nguoidung.cu", password="mat-khau-cu", role=Role.ADMIN))

    migrate(engine)
    migrate(engine)  # running it again changes nothing

    assert current_revision(engine) == "0002"
    assert {"filerecord", "filedamage", "nilreport", "box"} <= set(inspect(engine).get_table_names())
    with Session(engine) as s:
        assert s.get(Agency, "000.00.01.H47").name == "Sở Nội vụ"  # type: ignore[union-attr]
        assert authenticate(s, "nguoidung.cu", "mat-khau-cu") is not None
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
