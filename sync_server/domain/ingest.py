"""Ingest of pushed changes: idempotent, conflict-keeping, audited, one transaction per batch.

For each change of a batch, in order:

* a change this device already sent (same record id and ``rev``) is a ``duplicate``: nothing is
  written again, the earlier outcome's version is returned;
* a change that fails the shared schema, the caller's agency scope or a reference check is
  ``rejected`` alone, with field errors; the others still apply;
* a change whose ``base_version`` is the record's current version is ``applied`` (version + 1);
* a change that started from an older version is a ``conflict``: it is stored as a revision beside
  the record, the record is flagged, nothing is overwritten.

Rows are written with set-based statements (one ``executemany`` per table and batch), so a batch of
hundreds of records costs a handful of round trips.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Table, bindparam, delete, insert, select
from sqlmodel import Session

from common import schemas as s
from common.errors import (
    Conflict,
    FieldError,
    NotAllowed,
    ValidationFailed,
    field_error,
    field_errors,
)
from common.protocol import SYNCED_TYPES, Change, ChangeResult, ChangeStatus, PushRequest, PushResponse
from common.tables import table_of
from sync_server.auth import Principal
from sync_server.domain import photos
from sync_server.domain.bulk import bulk_insert, bulk_update, insert_missing
from sync_server.domain.records import KINDS, EntityKind, authorize_write, entity_kind, pushed, validate
from sync_server.domain.sequence import committed_seq, next_seq
from sync_server.models import (
    Agency,
    AuditLog,
    Box,
    Campaign,
    FileDamage,
    Fonds,
    PhotoClaim,
    RecordPhoto,
    RecordRevision,
    SyncedRow,
    utcnow,
)


@dataclass
class _State:
    version: int
    agency_code: str
    rev: int
    origin: tuple[int | None, str | None]
    """(user, device) of the last accepted write."""


@dataclass
class _Prepared:
    index: int
    change: Change
    kind: EntityKind
    obj: Any
    agency_code: str
    rid: str = ""
    text: str = ""
    """The record as JSON text."""
    columns: dict[str, Any] = field(default_factory=dict)
    """The record's own columns (title, carrier …)."""
    damages: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    """Its damage rows and photo links, as stored when the change applies."""

    def __post_init__(self) -> None:
        """Everything that does not depend on the server's state, made before the change lock."""
        self.rid = str(self.change.id)
        obj = self.obj
        self.text = _json_text(obj)
        self.columns = self.kind.columns(obj)
        if self.change.deleted:
            return
        if isinstance(obj, s.FileRecord):
            campaign = str(obj.campaign_id) if obj.campaign_id else None  # saves the copy trigger
            self.damages = [
                {
                    "record_id": self.rid,
                    "damage_type": d.type.value,
                    "agency_code": self.agency_code,
                    "severity": int(d.severity),
                    "readability": d.readability.value,
                    "campaign_id": campaign,
                }
                for d in obj.damages
            ]
        self.links = [
            {"entity_id": self.rid, "sha256": r.sha256, "agency_code": self.agency_code}
            for r in photo_refs(obj)
        ]


@dataclass
class _Writes:
    inserts: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    updates: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    flagged: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    audit: list[dict[str, Any]] = field(default_factory=list)
    damages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    photos: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    claims: list[dict[str, Any]] = field(default_factory=list)
    """The writer's claims on the photos its changes refer to (see :mod:`.photos`)."""


def _rejected(change: Change, errors: Sequence[FieldError]) -> ChangeResult:
    return ChangeResult.model_construct(
        id=change.id,
        type=change.type,
        rev=change.rev,
        status=ChangeStatus.REJECTED,
        version=None,
        errors=list(errors),
    )


def _result(change: Change, status: ChangeStatus, version: int | None) -> ChangeResult:
    return ChangeResult.model_construct(
        id=change.id, type=change.type, rev=change.rev, status=status, version=version, errors=[]
    )


def _validate(principal: Principal, change: Change) -> _Prepared | list[FieldError]:
    if change.type not in SYNCED_TYPES:
        return [field_error("type", "unknown_type", input=change.type)]
    kind = KINDS[change.type]
    if change.data is None:
        return [field_error("data", "missing")]
    try:
        obj = pushed(kind.schema.model_validate(change.data))
    except ValidationError as exc:
        return [e.model_copy(update={"field": f"data.{e.field}"}) for e in field_errors(exc)]
    if obj.id != change.id:
        return [field_error("id", "id_mismatch")]
    agency = obj.agency_code
    if principal.role not in kind.write_roles or not principal.can_access(agency):
        return [field_error("data.agency_code", "not_allowed")]
    return _Prepared(index=-1, change=change, kind=kind, obj=obj, agency_code=agency)


def _watched_ids(prepared: Iterable[_Prepared]) -> dict[str, list[str]]:
    """Ids by kind whose state decides the batch: its records and the fonds and boxes they refer to."""
    ids: dict[str, set[str]] = defaultdict(set)
    for p in prepared:
        ids[p.kind.name].add(p.rid)
        for attr, kind in (("fonds_id", "fonds"), ("box_id", "box")):
            if (ref := getattr(p.obj, attr, None)) is not None:
                ids[kind].add(str(ref))
    return {name: sorted(values) for name, values in ids.items()}


@cache
def _by_ids(table: Table, columns: tuple[str, ...], live: bool = False) -> Any:
    """``SELECT id, columns FROM table WHERE id IN :ids`` (``live``: and not deleted), built once:
    building a statement costs more than running it."""
    query = select(table.c.id, *(table.c[c] for c in columns)).where(
        table.c.id.in_(bindparam("ids", expanding=True))
    )
    return query.where(table.c.deleted.is_(False)) if live else query


_STATE_COLUMNS = ("version", "agency_code", "rev", "updated_by", "device_id")


def _load_states(session: Session, ids_by_kind: dict[str, list[str]]) -> dict[str, _State]:
    states: dict[str, _State] = {}
    for name, ids in ids_by_kind.items():
        query = _by_ids(table_of(KINDS[name].table), _STATE_COLUMNS)
        rows = session.execute(query, {"ids": ids}).all()
        for rid, version, agency, rev, user, device in rows:
            states[rid] = _State(version, agency, rev, (user, device))
    return states


def _seen_changes(
    session: Session, principal: Principal, prepared: Sequence[_Prepared], states: dict[str, _State]
) -> dict[tuple[str, int], int | None]:
    """(record id, rev) this device already sent -> the version that change produced."""
    known = [p for p in prepared if p.rid in states]
    if not known:
        return {}
    rows = session.execute(
        _SEEN_QUERY,
        {"kinds": sorted({p.kind.name for p in known}), "ids": sorted({p.rid for p in known})},
    ).all()
    origin = (principal.user_id, principal.device_id)
    return {
        (eid, rev): after
        for eid, rev, after, user, device in rows
        if (device == principal.device_id if principal.device_id else origin == (user, device))
    }


def _seen_query() -> Any:
    t = table_of(AuditLog)
    # Only the entity type and id are filtered in SQL, so the audit index (type, id) is the one used
    # (with a filter on the device, SQLite without statistics took the user's index, or scanned the
    # log). A record has a handful of audit rows; their origin is checked in Python.
    return select(t.c.entity_id, t.c.rev, t.c.version_after, t.c.user_id, t.c.device_id).where(
        t.c.entity_type.in_(bindparam("kinds", expanding=True)),
        t.c.entity_id.in_(bindparam("ids", expanding=True)),
        t.c.rev.is_not(None),
    )


_SEEN_QUERY = _seen_query()
_AGENCIES_QUERY = select(table_of(Agency).c.code).where(
    table_of(Agency).c.code.in_(bindparam("codes", expanding=True))
)


def _live(session: Session, model: Any, ids: set[str], *columns: str) -> dict[str, Any]:
    """``{id: (columns…)}`` for the live rows of ``model`` among ``ids``."""
    if not ids:
        return {}
    t = table_of(model)
    query = _by_ids(t, columns, "deleted" in t.c)
    return {rid: values for rid, *values in session.execute(query, {"ids": list(ids)})}


def _reference_errors(
    session: Session, principal: Principal, prepared: Sequence[_Prepared]
) -> dict[int, list[FieldError]]:
    """Agencies, fonds, boxes and campaigns referred to must exist (in the database or the batch)."""

    def refs(attr: str) -> set[str]:
        return {str(v) for p in prepared if (v := getattr(p.obj, attr, None)) is not None}

    codes = {p.agency_code for p in prepared}
    if principal.agency_codes is not None and codes <= principal.agency_codes:
        agencies = codes  # assigned agencies exist (the assignment refers to them)
    else:
        agencies = set(session.execute(_AGENCIES_QUERY, {"codes": list(codes)}).scalars())
    fonds = _live(session, Fonds, refs("fonds_id"), "agency_code", "number")
    fonds.update({p.rid: (p.agency_code, p.obj.number) for p in prepared if p.kind.name == "fonds"})
    fonds_agency = {fid: agency for fid, (agency, _) in fonds.items()}
    fonds_number = {fid: number for fid, (_, number) in fonds.items()}
    boxes = _live(session, Box, refs("box_id"), "agency_code")
    box_agency = {bid: agency for bid, (agency,) in boxes.items()}
    box_agency.update({p.rid: p.agency_code for p in prepared if p.kind.name == "box"})
    campaigns = _live(session, Campaign, refs("campaign_id"))

    errors: dict[int, list[FieldError]] = {}
    for p in prepared:
        errs: list[FieldError] = []
        if p.agency_code not in agencies:
            errs.append(field_error("data.agency_code", "unknown_agency", input=p.agency_code))
        for attr, owner in (("fonds_id", fonds_agency), ("box_id", box_agency)):
            ref = getattr(p.obj, attr, None)
            if ref is not None and owner.get(str(ref)) != p.agency_code:
                errs.append(field_error(f"data.{attr}", "unknown_reference", input=str(ref)))
        if isinstance(p.obj, s.Box) and fonds_number.get(str(p.obj.fonds_id)) not in (
            None,
            p.obj.fonds_number,
        ):
            errs.append(field_error("data.fonds_number", "unknown_reference", input=p.obj.fonds_number))
        campaign = getattr(p.obj, "campaign_id", None)
        if campaign is not None and str(campaign) not in campaigns:
            errs.append(field_error("data.campaign_id", "unknown_reference", input=str(campaign)))
        if errs:
            errors[p.index] = errs
    return errors


def _row_values(
    p: _Prepared, version: int, seq: int, principal: Principal, now: dt.datetime
) -> dict[str, Any]:
    return {
        "id": p.rid,
        "agency_code": p.agency_code,
        "version": version,
        "rev": p.change.rev,
        "deleted": p.change.deleted,
        "seq": seq,
        "updated_at": now,
        "updated_by": principal.user_id,
        "device_id": principal.device_id,
        "data": p.text,
        **p.columns,
    }


def _json_text(obj: Any) -> str:
    """The record as JSON text, serialised once (the bulk writer stores text as it is)."""
    return obj.__pydantic_serializer__.to_json(obj).decode()


def photo_refs(obj: Any) -> list[s.PhotoRef]:
    """The photos a record refers to."""
    if isinstance(obj, s.FileRecord):
        return list(obj.photos)
    if isinstance(obj, s.NilReport) and obj.scan is not None:
        return [obj.scan]
    return []


def _children(w: _Writes, p: _Prepared) -> None:
    """Damage rows and photo links of the latest applied revision of each record in the batch."""
    if not isinstance(p.obj, s.FileRecord | s.NilReport):
        return
    if isinstance(p.obj, s.FileRecord):
        w.damages[p.rid] = p.damages
    w.photos[p.rid] = p.links


def push(session: Session, principal: Principal, request: PushRequest) -> PushResponse:
    """Apply one pushed batch in one transaction; see the module docstring for the rules.

    The batch is decided first without the change lock, from the versions read then. Under the lock,
    if another change was committed meanwhile (the change sequence moved), those versions (and those
    of the fonds and boxes referred to) are read again, and only if one moved is the batch decided
    again. Concurrent pushes so queue for the lock only while they write, not while they read and
    decide.
    """
    changes = request.changes
    results: list[ChangeResult | None] = [None] * len(changes)
    prepared: list[_Prepared] = []
    for i, change in enumerate(changes):
        outcome = _validate(principal, change)
        if isinstance(outcome, list):
            results[i] = _rejected(change, outcome)
        else:
            outcome.index = i
            prepared.append(outcome)

    watched = _watched_ids(prepared)
    mark = committed_seq(session)  # every writer of what the decision reads takes sequence numbers
    read = _load_states(session, watched)
    plan = _plan(session, principal, prepared, read)
    refs = plan.photo_refs
    missing = sorted(refs - photos.held(session, principal.user_id, refs))
    if plan.decided:
        last = next_seq(session, len(plan.decided))  # the change lock: held until commit
        if last - len(plan.decided) != mark and (now := _load_states(session, watched)) != read:
            # another writer got there first: decide again, under the lock this time
            plan = _plan(session, principal, prepared, now)
            last = next_seq(session, len(plan.decided)) if plan.decided else last
        _stage(plan.writes, principal, plan.decided, last - len(plan.decided) + 1, plan.results)
        _write(session, plan.writes)
    for i, result in plan.results.items():
        results[i] = result
    session.commit()
    return PushResponse(
        batch_id=request.batch_id, results=[r for r in results if r is not None], missing_photos=missing
    )


@dataclass
class _Plan:
    """What a batch does given the states read: results known so far and the changes to write."""

    decided: list[tuple[_Prepared, ChangeStatus, int]] = field(default_factory=list)
    results: dict[int, ChangeResult] = field(default_factory=dict)
    writes: _Writes = field(default_factory=_Writes)
    replayed: set[str] = field(default_factory=set)
    """Photos referred to by changes answered ``duplicate``: a replay still learns which are missing."""

    @property
    def photo_refs(self) -> set[str]:
        """The photos this batch refers to: those linked by applied changes (none for a deletion),
        those of conflicting revisions and of replays."""
        refs = set(self.replayed)
        for p, status, _ in self.decided:
            if status == ChangeStatus.APPLIED:
                refs.update(link["sha256"] for link in p.links)
            else:
                refs.update(r.sha256 for r in photo_refs(p.obj))
        return refs


def _plan(
    session: Session, principal: Principal, prepared: Sequence[_Prepared], read: dict[str, _State]
) -> _Plan:
    """Decide every prepared change against the states ``read`` (not changed by this call)."""
    states = dict(read)
    seen = _seen_changes(session, principal, prepared, states)
    ref_errors = _reference_errors(session, principal, prepared)
    plan = _Plan()
    for p in prepared:
        rid = p.rid
        key = (rid, p.change.rev)
        if key in seen:
            version = seen[key] or (states[rid].version if rid in states else None)
            plan.results[p.index] = _result(p.change, ChangeStatus.DUPLICATE, version)
            plan.replayed.update(r.sha256 for r in photo_refs(p.obj))
            continue
        outcome = ref_errors.get(p.index) or _decide(principal, p, states.get(rid))
        if isinstance(outcome, list):
            plan.results[p.index] = _rejected(p.change, outcome)
            continue
        status, version = outcome
        seen[key] = version
        if status == ChangeStatus.APPLIED:
            states[rid] = _State(
                version, p.agency_code, p.change.rev, (principal.user_id, principal.device_id)
            )
        plan.decided.append((p, status, version))
    return plan


def _decide(
    principal: Principal, p: _Prepared, state: _State | None
) -> tuple[ChangeStatus, int] | list[FieldError]:
    """Applied (with the new version), conflict (with the server's version), or errors."""
    base = p.change.base_version
    if state is None:
        if base is not None:
            return [field_error("base_version", "bad_base_version", input=str(base))]
        return ChangeStatus.APPLIED, 1
    if state.agency_code != p.agency_code:
        return [field_error("data.agency_code", "agency_changed")]
    if base is not None and base > state.version:
        return [field_error("base_version", "bad_base_version", input=str(base))]
    if base == state.version:
        return ChangeStatus.APPLIED, state.version + 1
    own_history = state.origin == (principal.user_id, principal.device_id) and p.change.rev > state.rev
    if own_history:
        # the device's own later edit, sent before it learnt the version of its earlier one
        return ChangeStatus.APPLIED, state.version + 1
    return ChangeStatus.CONFLICT, state.version


def _stage(
    w: _Writes,
    principal: Principal,
    decided: list[tuple[_Prepared, ChangeStatus, int]],
    first_seq: int,
    results: dict[int, ChangeResult],
) -> None:
    """Turn decided changes into rows to write (record, revision, children, audit)."""
    now = utcnow()
    inserted: set[str] = set()
    for offset, (p, status, version) in enumerate(decided):
        rid = p.rid
        seq = first_seq + offset
        if status == ChangeStatus.APPLIED:
            values = _row_values(p, version, seq, principal, now)
            if version == 1 and rid not in inserted:
                w.inserts[p.kind.name].append({**values, "created_at": now, "conflicted": False})
                inserted.add(rid)
            else:
                w.updates[p.kind.name].append(values)
            _children(w, p)
            action = "delete" if p.change.deleted else ("create" if version == 1 else "update")
            before = None if version == 1 else version - 1
        else:
            w.conflicts.append(
                {
                    "entity_type": p.kind.name,
                    "entity_id": rid,
                    "agency_code": p.agency_code,
                    "rev": p.change.rev,
                    "base_version": p.change.base_version,
                    "server_version": version,
                    "deleted": p.change.deleted,
                    "data": p.obj.model_dump(mode="json"),
                    "user_id": principal.user_id,
                    "device_id": principal.device_id,
                    "at": now,
                }
            )
            w.flagged[p.kind.name].append({"id": rid, "conflicted": True, "seq": seq})
            action, before = "conflict", version
        w.claims.extend(photos.claims(p.links, principal.user_id))
        w.audit.append(_audit_row(principal, p, action, before, version, now, seq))
        results[p.index] = _result(p.change, status, version)


def _audit_row(
    principal: Principal, p: _Prepared, action: str, before: int | None, after: int, now: Any, seq: int
) -> dict[str, Any]:
    return {
        "at": now,
        "user_id": principal.user_id,
        "device_id": principal.device_id,
        "entity_type": p.kind.name,
        "entity_id": p.rid,
        "action": action,
        "version_before": before,
        "version_after": after,
        "rev": p.change.rev,
        "detail": {"seq": seq},
    }


def _write(session: Session, w: _Writes) -> None:
    conn = session.connection()
    for name, rows in w.inserts.items():
        bulk_insert(conn, table_of(KINDS[name].table), rows)
    for name, rows in w.updates.items():
        bulk_update(conn, table_of(KINDS[name].table), rows)
    if w.conflicts:
        conn.execute(insert(table_of(RecordRevision)), w.conflicts)
    for name, rows in w.flagged.items():
        bulk_update(conn, table_of(KINDS[name].table), rows)
    inserted = _inserted_ids(w)
    updated_owners = [rid for rid in w.photos if rid not in inserted]
    if updated_owners:
        conn.execute(delete(table_of(FileDamage)).where(table_of(FileDamage).c.record_id.in_(updated_owners)))
        conn.execute(
            delete(table_of(RecordPhoto)).where(table_of(RecordPhoto).c.entity_id.in_(updated_owners))
        )
    damages = [row for rows in w.damages.values() for row in rows]
    bulk_insert(conn, table_of(FileDamage), damages)
    links = [row for rows in w.photos.values() for row in rows]
    if links:
        conn.execute(
            insert(table_of(RecordPhoto)), list({(r["entity_id"], r["sha256"]): r for r in links}.values())
        )
    insert_missing(conn, table_of(PhotoClaim), w.claims)
    bulk_insert(conn, table_of(AuditLog), w.audit)


def _inserted_ids(w: _Writes) -> set[str]:
    return {row["id"] for rows in w.inserts.values() for row in rows}


def push_one(session: Session, actor: Principal, change: Change) -> ChangeResult:
    """Ingest one change made on the server (a form, an API call) as a device's would arrive; a
    refused change raises :class:`ValidationFailed` naming the record's own fields (``title``, not
    the sync message's ``data.title``)."""
    result = push(session, actor, PushRequest(batch_id=uuid.uuid4(), changes=[change])).results[0]
    if result.status == ChangeStatus.REJECTED:
        raise ValidationFailed(
            [e.model_copy(update={"field": e.field.removeprefix("data.")}) for e in result.errors]
            or [field_error("id", "invalid")]
        )
    return result


def create_record(session: Session, actor: Principal, kind_name: str, payload: Any) -> SyncedRow:
    """Create one record through the sync ingest (as a device's first revision would arrive)."""
    kind = entity_kind(kind_name)
    if kind_name not in SYNCED_TYPES:
        raise NotAllowed()
    obj = pushed(validate(kind, payload))
    agency = obj.agency_code
    if session.get(Agency, agency) is None:
        raise ValidationFailed([field_error("agency_code", "unknown_agency", input=agency)])
    authorize_write(actor, kind, agency)
    change = Change(type=kind_name, id=obj.id, rev=1, data=payload)
    if push_one(session, actor, change).status != ChangeStatus.APPLIED:
        raise Conflict("already_exists")
    row = session.get(kind.table, str(change.id))
    assert row is not None  # just stored by push_one
    return row


def store_resolution(
    session: Session,
    principal: Principal,
    kind: EntityKind,
    row: SyncedRow,
    obj: Any,
    deleted: bool,
    seq: int,
) -> None:
    """Write a reviewer's resolution as the record's next version and clear its conflict flag."""
    change = Change(
        type=kind.name,
        id=uuid.UUID(row.id),
        rev=row.rev + 1,
        base_version=row.version,
        deleted=deleted,
        data=obj.model_dump(mode="json"),
    )
    p = _Prepared(index=0, change=change, kind=kind, obj=obj, agency_code=row.agency_code)
    writes = _Writes()
    values = _row_values(p, row.version + 1, seq, principal, utcnow())
    writes.updates[kind.name].append({**values, "conflicted": False})
    _children(writes, p)
    writes.claims.extend(photos.claims(p.links, principal.user_id))
    _write(session, writes)
    session.expire(row)
