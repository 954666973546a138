"""The SQLAlchemy table behind a SQLModel table class, typed (SQLModel sets ``__table__`` when the
class is created, so type checkers cannot see it on the class)."""

from __future__ import annotations

from sqlalchemy import Table, inspect
from sqlmodel import SQLModel


def table_of(model: type[SQLModel]) -> Table:
    """``model.__table__``: the Core table of a SQLModel class declared with ``table=True``."""
    table = inspect(model).local_table
    assert isinstance(table, Table), f"{model.__name__} is not a table model"
    return table
