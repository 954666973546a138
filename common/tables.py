"""The SQLAlchemy table behind a SQLModel table class, typed (SQLModel sets ``__table__`` when the
class is created, so type checkers cannot see it on the class)."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Table, inspect
from sqlmodel import SQLModel


def table_of(model: type[SQLModel]) -> Table:
    """``model.__table__``: the Core table of a SQLModel class declared with ``table=True``."""
    table = inspect(model).local_table
    assert isinstance(table, Table), f"{model.__name__} is not a table model"
    return table


class _Keyed(Protocol):
    id: int | None


def saved_id(row: _Keyed) -> int:
    """The id of a row read from the database (SQLModel declares integer keys ``int | None``: they are
    None only until the row is first flushed)."""
    assert row.id is not None, f"{type(row).__name__} has not been saved"
    return row.id
