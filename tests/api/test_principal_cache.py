"""The sign-in cache is emptied by a write to a table a principal is read from — the tables marked
in the models — whatever form the write takes, and not by other writes or by reads. Which tables
those are is derived from the models and checked against what resolving a principal reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    Table,
    event,
    false,
    select,
    text,
    update,
)
from sqlalchemy.sql import visitors
from sqlmodel import Session, SQLModel

from sync_server.auth import PRINCIPAL_TABLES, PrincipalCache, issue_token, principal_for, resolve_token
from sync_server.config import Settings
from sync_server.db import make_engine
from sync_server.domain.bulk import bulk_update
from sync_server.models import AFFECTS_PRINCIPAL, User
from tests.conftest import ACCOUNTS


def _unclassified(tables: list[Table]) -> list[str]:
    """Tables that refer to a table a principal is read from without saying whether they affect one."""
    return [
        t.name
        for t in tables
        if AFFECTS_PRINCIPAL not in t.info
        and any(fk.column.table.name in PRINCIPAL_TABLES for fk in t.foreign_keys)
    ]


def test_every_table_referring_to_identities_says_whether_it_affects_a_principal() -> None:
    assert {"app_user", "device", "apitoken", "surveyorassignment"} <= PRINCIPAL_TABLES
    assert _unclassified(list(SQLModel.metadata.tables.values())) == []
    users = SQLModel.metadata.tables["app_user"]
    badge = Table("userbadge", MetaData(), Column("user_id", Integer, ForeignKey(users.c.id)))
    assert _unclassified([badge]) == ["userbadge"]  # a new table like this one fails the check above


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(Settings(database_url=database_url))
    yield engine
    engine.dispose()


def test_resolving_a_principal_reads_only_tables_marked_as_affecting_it(engine: Engine) -> None:
    read: set[str] = set()

    def seen(_conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool) -> None:
        statement = context.compiled.statement
        read.update(n.name for n in visitors.iterate(statement) if isinstance(n, Table))

    with Session(engine) as session:
        users = {u.username: u for u in session.execute(select(User)).scalars()}
        secrets = {name: issue_token(session, users[name], dt.timedelta(hours=1))[0] for name in ACCOUNTS}
        session.commit()
        event.listen(engine, "before_cursor_execute", seen)
        try:
            for name, secret in secrets.items():
                assert resolve_token(session, secret) is not None
                principal_for(session, users[name])
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    assert {"apitoken", "app_user", "surveyorassignment"} <= read
    assert read <= PRINCIPAL_TABLES


def _empties(engine: Engine, cache: PrincipalCache, statement: Any) -> bool:
    """Whether running ``statement`` (or calling it with a connection) in a committed transaction
    empties ``cache``."""
    before = cache.generation
    with Session(engine) as session:
        if callable(statement):
            statement(session.connection())
        else:
            session.execute(statement)
        session.commit()
    return cache.generation != before


def _rewrite(table: Table) -> Any:
    """An UPDATE of ``table`` that changes no row (a write all the same)."""
    first = next(iter(table.columns))
    return update(table).where(false()).values({first: first})


def test_a_write_empties_the_cache_exactly_when_its_table_affects_a_principal(engine: Engine) -> None:
    cache = PrincipalCache(60)
    cache.install(engine)
    emptied = {t.name for t in SQLModel.metadata.tables.values() if _empties(engine, cache, _rewrite(t))}
    assert emptied == PRINCIPAL_TABLES
    assert not any(_empties(engine, cache, select(t).limit(1)) for t in SQLModel.metadata.tables.values())

    users = SQLModel.metadata.tables["app_user"]
    nobody = select(users.c.id).where(false()).cte("nobody")
    led_by_with = update(users).where(users.c.id.in_(select(nobody.c.id))).values(active=users.c.active)
    assert str(led_by_with.compile(engine)).lstrip().startswith("WITH")
    assert _empties(engine, cache, led_by_with)
    text_write = text("UPDATE app_user SET active = active WHERE 1 = 0")
    assert _empties(engine, cache, text_write)  # SQL text: its tables can't be told, so it counts

    # the sync ingest's driver-level statements carry the tables they were compiled from
    audit = SQLModel.metadata.tables["auditlog"]
    assert not _empties(engine, cache, lambda conn: bulk_update(conn, audit, [{"id": -1, "action": "x"}]))
    assert _empties(engine, cache, lambda conn: bulk_update(conn, users, [{"id": -1, "active": True}]))
