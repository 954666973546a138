"""Engine, sessions and schema migrations (Alembic), the same code for SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pydantic_core
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

from sync_server.checkpoint import AUTOCHECKPOINT_PAGES
from sync_server.config import Settings
from sync_server.writegate import WriteGate

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _sqlite_pragmas(cache_mb: int) -> Any:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        # SQLite's default page cache (2 MB) is smaller than the indexes a push touches once the
        # inventory has grown: writes then spill pages and slow down several times over.
        cur.execute(f"PRAGMA cache_size=-{cache_mb * 1024}")
        cur.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")  # see sync_server.checkpoint
        cur.close()

    return on_connect


def _to_json(value: Any) -> str:
    return pydantic_core.to_json(value).decode()


def make_engine(settings: Settings) -> Engine:
    """Create the engine for ``settings.database_url`` (SQLite in WAL mode by default)."""
    if settings.is_sqlite:
        path = settings.database_url.split("///", 1)[-1]
        file_db = bool(path) and path != ":memory:"
        if file_db:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        pool: dict[str, Any] = {"pool_size": 20, "max_overflow": 20} if file_db else {}
        engine = create_engine(
            settings.database_url,
            echo=settings.db_echo,
            json_serializer=_to_json,
            connect_args={"check_same_thread": False, "timeout": 30},
            **pool,  # about one connection per worker thread (40): requests don't queue for one
        )
        event.listen(engine, "connect", _sqlite_pragmas(settings.sqlite_cache_mb))
        WriteGate(Path(f"{path}.writelock") if file_db else None).install(engine)
        return engine
    return create_engine(
        settings.database_url,
        echo=settings.db_echo,
        json_serializer=_to_json,
        pool_pre_ping=True,
        pool_size=20,
        max_overflow=20,
    )


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database in place to ``revision`` (idempotent)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def engine_of(session: Session) -> Engine:
    """The engine ``session`` is bound to (background jobs open their own connections from it)."""
    bind = session.get_bind()
    assert isinstance(bind, Engine), "SaoLuu sessions are bound to an engine"
    return bind
