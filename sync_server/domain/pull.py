"""Pull: everything a device may see that changed after its cursor, in server sequence order.

Every row carries the global change sequence ``seq`` it was last written with. Sequence numbers
are taken under a row lock held until commit (:mod:`sync_server.domain.sequence`), so changes become
visible in sequence order. A pull first reads the committed high-water mark and then only takes rows
up to it from each table, so a change committing between its per-table queries can't make the
cursor jump over an earlier-numbered change it did not see.

A client of protocol 1 receives file records in its own shape (the ``rare`` criterion as a flag,
:func:`common.protocol.legacy_file_record`); only those records are decoded and encoded again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import pydantic_core
from sqlalchemy import ColumnElement, Connection, Integer, Select, Table, Text, bindparam, cast, null, select
from sqlmodel import Session

from common.protocol import PROTOCOL_VERSION, PulledChange, legacy_file_record
from common.tables import table_of
from common.vocab import vocabulary_payload
from sync_server.auth import Principal
from sync_server.domain.agencies import FIELDS as AGENCY_FIELDS
from sync_server.domain.records import KINDS
from sync_server.domain.sequence import committed_seq
from sync_server.models import Agency, Campaign

PULLED_KINDS = ("visit", "fonds", "box", "file_record", "nil_report", "review_comment")


@lru_cache
def vocab_version() -> str:
    blob = json.dumps(vocabulary_payload(), sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


@dataclass(frozen=True)
class Pulled:
    """One pulled change, already encoded as a :class:`PulledChange` JSON object."""

    seq: int
    json: bytes

    @classmethod
    def of(cls, change: PulledChange) -> Pulled:
        return cls(change.seq, change.__pydantic_serializer__.to_json(change))


@dataclass(frozen=True)
class PullPage:
    """A pull's answer (:class:`common.protocol.PullResponse`) with its changes already encoded;
    :meth:`to_json` is the JSON body."""

    changes: list[Pulled]
    cursor: int
    has_more: bool
    vocab_version: str
    agencies: list[str] | None

    def to_json(self) -> bytes:
        rest = pydantic_core.to_json(
            {
                "cursor": self.cursor,
                "has_more": self.has_more,
                "vocab_version": self.vocab_version,
                "agencies": self.agencies,
            }
        )
        return b"".join((b'{"changes":[', b",".join(c.json for c in self.changes), b"],", rest[1:]))


def _window(query: Select[Any], t: Table, scope: Any = None) -> Select[Any]:
    """``query`` limited to rows with ``cursor < seq <= high`` (and ``scope`` in ``codes``), oldest
    first, at most ``limit``: all bound parameters, so each statement is built once (building a
    statement costs more than running it)."""
    query = query.where(t.c.seq > bindparam("cursor"), t.c.seq <= bindparam("high"))
    if scope is not None:
        query = query.where(scope.in_(bindparam("codes", expanding=True)))
    return query.order_by(t.c.seq).limit(bindparam("limit", type_=Integer))


@cache
def _agencies_query(scoped: bool) -> Select[Any]:
    t = table_of(Agency)
    return _window(select(t), t, t.c.code if scoped else None)


def _agencies(conn: Connection, params: dict[str, Any]) -> list[PulledChange]:
    return [
        PulledChange(
            seq=r.seq,
            type="agency",
            id=r.code,
            agency_code=r.code,
            data={f: getattr(r, f) for f in AGENCY_FIELDS},
        )
        for r in conn.execute(_agencies_query("codes" in params), params)
    ]


@cache
def _campaigns_query() -> Select[Any]:
    t = table_of(Campaign)
    return _window(select(t), t)


def _campaigns(conn: Connection, params: dict[str, Any]) -> list[PulledChange]:
    return [
        PulledChange(
            seq=r.seq,
            type="campaign",
            id=r.id,
            data={
                "id": r.id,
                "year": r.year,
                "name": r.name,
                "active": r.active,
                "starts_on": r.starts_on and r.starts_on.isoformat(),
                "ends_on": r.ends_on and r.ends_on.isoformat(),
            },
        )
        for r in conn.execute(_campaigns_query(), params)  # every campaign: "codes" is not used
    ]


@cache
def _records_query(kind_name: str, scoped: bool) -> Select[*tuple[Any, ...]]:
    t = table_of(KINDS[kind_name].table)
    # the stored JSON text goes into the answer as it is: no parsing and re-encoding per record
    cols: list[ColumnElement[Any]] = [
        t.c.seq,
        t.c.id,
        t.c.version,
        t.c.deleted,
        t.c.agency_code,
        t.c.conflicted,
    ]
    cols += [t.c.review_state if "review_state" in t.c else null(), cast(t.c.data, Text)]
    return _window(select(*cols), t, t.c.agency_code if scoped else None)


def _records(conn: Connection, kind_name: str, params: dict[str, Any], legacy: bool) -> list[Pulled]:
    query = _records_query(kind_name, "codes" in params)
    rows = conn.execute(query, params)
    if legacy and kind_name == "file_record":
        return [_record_json(kind_name, *(*row[:-1], _legacy_text(row[-1]))) for row in rows]
    return [_record_json(kind_name, *row) for row in rows]


def _legacy_text(data: str) -> str:
    """A stored file record's JSON in protocol 1's shape (unchanged unless it has the rare criterion)."""
    if '"rare"' not in data:
        return data
    return json.dumps(legacy_file_record(json.loads(data)), ensure_ascii=False)


def _record_json(
    kind_name: str,
    seq: int,
    rid: str,
    version: int,
    deleted: bool,
    agency: str,
    conflicted: bool,
    state: str | None,
    data: str,
) -> Pulled:
    """One record as a :class:`PulledChange` object whose ``data`` is the stored JSON text."""
    head = {
        "seq": seq,
        "type": kind_name,
        "id": rid,
        "version": version,
        "deleted": bool(deleted),
        "agency_code": agency,
        "review_state": state,
        "conflicted": bool(conflicted),
    }
    return Pulled(seq, b"".join((pydantic_core.to_json(head)[:-1], b',"data":', data.encode(), b"}")))


def pull(
    session: Session, principal: Principal, cursor: int, limit: int, protocol: int = PROTOCOL_VERSION
) -> PullPage:
    """Up to ``limit`` changes after ``cursor``, oldest first, and the cursor to continue from, in
    the shape of the client's ``protocol`` version."""
    high = committed_seq(session)
    params: dict[str, Any] = {"cursor": cursor, "high": high, "limit": limit + 1}
    if principal.agency_codes is not None:
        params["codes"] = sorted(principal.agency_codes)
    conn = session.connection()
    merged = [Pulled.of(c) for c in _agencies(conn, params)]
    merged += [Pulled.of(c) for c in _campaigns(conn, params)]
    for kind in PULLED_KINDS:
        merged += _records(conn, kind, params, legacy=protocol < 2)
    merged.sort(key=lambda c: c.seq)
    page = merged[:limit]
    has_more = len(merged) > limit
    session.rollback()  # read-only: end the snapshot
    return PullPage(
        changes=page,
        cursor=page[-1].seq if has_more else max(cursor, high),
        has_more=has_more,
        vocab_version=vocab_version(),
        agencies=sorted(principal.agency_codes) if principal.agency_codes is not None else None,
    )
