"""Fast set-based inserts for the sync ingest: one DBAPI ``executemany`` per table and batch.

SQLAlchemy's per-row parameter processing costs more than the database itself at thousands of rows
per second, so the hot inserts go straight to the driver with values converted here the way
SQLAlchemy's own types would store them (UTC timestamps, JSON text, ISO dates). The statement text
is still compiled by SQLAlchemy for the connection's dialect, and the tables it writes go with it
(:data:`sync_server.statements.WRITES`). Dialect differences live here only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

import pydantic_core
from sqlalchemy import JSON, Boolean, Connection, Date, DateTime, Table, bindparam, insert, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.dml import Insert, Update
from sqlalchemy.sql.elements import BindParameter

from sync_server.statements import WRITES, tables_written_by

Converter = Callable[[Any], Any]


def _json(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    return pydantic_core.to_json(value).decode()


@lru_cache(maxsize=64)
def _sqlite_datetime(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def _sqlite_date(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _sqlite_bool(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


def _identity(value: Any) -> Any:
    return value


def _converter(column_type: Any, sqlite: bool) -> Converter:
    base = getattr(column_type, "impl", column_type)  # TypeDecorators (UTC datetimes) by their storage
    if isinstance(base, JSON):
        return _json
    if sqlite:
        if isinstance(base, DateTime):
            return _sqlite_datetime
        if isinstance(base, Date):
            return _sqlite_date
        if isinstance(base, Boolean):
            return _sqlite_bool
    return _identity


@lru_cache(maxsize=256)
def _plan(
    table: Table, dialect: Dialect, keys: tuple[str, ...], where: str | None
) -> tuple[str, tuple[str, ...], tuple[Converter, ...], dict[str, Any]]:
    """The driver-level statement for these keys, the parameter order, each value's converter and
    the execution options that say which tables the statement writes.

    ``where=None`` makes an INSERT of ``keys``; ``where="id"`` an UPDATE of the other keys of the
    row whose ``id`` matches.
    """
    if where is None:
        stmt: Insert | Update = insert(table)
        compiled = stmt.compile(dialect=dialect, column_keys=list(keys))
    else:
        sets: dict[str, BindParameter[Any]] = {k: bindparam(k) for k in keys if k != where}
        stmt = update(table).where(table.c[where] == bindparam(_KEY)).values(sets)
        compiled = stmt.compile(dialect=dialect)
    order = tuple(compiled.positiontup) if compiled.positiontup else keys
    converters = tuple(
        _identity if k == _KEY else _converter(table.c[k].type, dialect.name == "sqlite") for k in order
    )
    return str(compiled), order, converters, {WRITES: tables_written_by(stmt)}


_KEY = "_key"


def _run(conn: Connection, table: Table, rows: Sequence[dict[str, Any]], where: str | None) -> None:
    if not rows:
        return
    sql, order, converters, options = _plan(table, conn.dialect, tuple(rows[0]), where)
    if where is not None:
        rows = [{**row, _KEY: row[where]} for row in rows]
    convert = [(i, f) for i, f in enumerate(converters) if f is not _identity]
    if conn.dialect.positional:
        pick = itemgetter(*order)
        params: list[Any] = []
        for row in rows:
            values = list(pick(row)) if len(order) > 1 else [pick(row)]
            for i, f in convert:
                values[i] = f(values[i])
            params.append(tuple(values))
    else:
        named = [(order[i], f) for i, f in convert]
        params = []
        for row in rows:
            by_name = dict(row)
            for k, f in named:
                by_name[k] = f(by_name[k])
            params.append(by_name)
    conn.exec_driver_sql(sql, params, options)


def bulk_insert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` with one ``executemany``."""
    _run(conn, table, rows, None)


def bulk_update(conn: Connection, table: Table, rows: Sequence[dict[str, Any]], key: str = "id") -> None:
    """Update each row's other columns where ``key`` matches, with one ``executemany``."""
    _run(conn, table, rows, key)


def insert_missing(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert the ``rows`` whose primary key is not in ``table`` yet (the others are left as they are)."""
    if not rows:
        return
    dialect_insert = sqlite_insert if conn.dialect.name == "sqlite" else postgresql_insert
    conn.execute(dialect_insert(table).on_conflict_do_nothing(), list(rows))
