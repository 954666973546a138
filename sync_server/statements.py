"""What a statement writes, read from its compiled form, never from its SQL text.

The SQLite write gate (:mod:`sync_server.writegate`) and the sign-in cache
(:class:`sync_server.auth.PrincipalCache`) both ask, before or after each statement, which tables it
writes. SQLAlchemy knows: an ``insert()``, ``update()`` or ``delete()`` (Core or ORM, a flush, an
upsert, one led by a ``WITH`` or hidden in a CTE) names its table; a ``select()`` writes nothing.
What it cannot see into — SQL text (``text()``, ``exec_driver_sql``), DDL — counts as writing
anything, unless the text was compiled from a statement whose written tables go with it
(:data:`WRITES`, as the bulk ingest does). Maintenance that writes no table and must not count as a
write (the WAL checkpoint) runs on the driver's connection, outside SQLAlchemy's statement events.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Compiled
from sqlalchemy.sql import visitors
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.elements import ReleaseSavepointClause, RollbackToSavepointClause, SavepointClause
from sqlalchemy.sql.selectable import NamedFromClause, TextualSelect

ANYTHING = None
"""What :func:`written_tables` answers for a statement it cannot see into."""
WRITES = "saoluu_writes"
"""Execution option of SQL text compiled from a statement: :func:`tables_written_by` that statement."""

_TRANSACTION_CONTROL = (SavepointClause, RollbackToSavepointClause, ReleaseSavepointClause)
_known: WeakKeyDictionary[Compiled, frozenset[str] | None] = WeakKeyDictionary()
"""Answers per compiled statement (SQLAlchemy reuses a compiled form for every execution of the
same statement shape, so each shape is walked once)."""


def written_tables(context: Any) -> frozenset[str] | None:
    """Names of the tables the statement of ``context`` (an execution context, as SQLAlchemy's
    cursor events pass it) writes: empty when it only reads, :data:`ANYTHING` (None) when that cannot
    be told from its compiled form."""
    compiled: Compiled | None = getattr(context, "compiled", None)
    if compiled is None:  # exec_driver_sql: SQL text, perhaps with its statement's tables
        options: dict[str, Any] = getattr(context, "execution_options", {})
        return options.get(WRITES, ANYTHING)
    try:
        return _known[compiled]
    except KeyError:
        pass
    written = tables_written_by(compiled.statement)
    _known[compiled] = written
    return written


def tables_written_by(statement: Any) -> frozenset[str] | None:
    """Names of the tables ``statement`` (a SQLAlchemy construct) writes; see :func:`written_tables`."""
    if isinstance(statement, _TRANSACTION_CONTROL):
        return frozenset()
    if isinstance(statement, TextualSelect) or not (statement.is_dml or statement.is_select):
        return ANYTHING
    targets = [node.table for node in visitors.iterate(statement) if isinstance(node, UpdateBase)]
    if not all(isinstance(target, NamedFromClause) for target in targets):
        return ANYTHING  # an UPDATE … FROM a join: which tables it writes is not told by a name
    return frozenset(target.name for target in targets if isinstance(target, NamedFromClause))
