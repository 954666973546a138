"""Review decisions: approve, send back with a comment, reject; they reach the tablet by pull."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlmodel import Session, col

from common import schemas as s
from common.errors import NotFound, ValidationFailed, field_error
from common.tables import table_of
from common.vocab import ReviewState
from sync_server.auth import Principal
from sync_server.domain.audit import audit
from sync_server.domain.records import get_record
from sync_server.domain.sequence import lock_changes, next_seq
from sync_server.models import ReviewComment, SyncedRow, User, utcnow

REVIEWABLE = ("file_record", "nil_report")


def review(
    session: Session, principal: Principal, entity_type: str, entity_id: str, state: ReviewState, text: str
) -> ReviewComment:
    """Set the record's review state and add the comment; neither changes the record's version."""
    if entity_type not in REVIEWABLE:
        raise NotFound(details=[field_error("type", "not_in_vocab", input=entity_type)])
    if state in (ReviewState.SENT_BACK, ReviewState.REJECTED) and not text.strip():
        raise ValidationFailed([field_error("text", "missing")])
    lock_changes(session)  # the version read next can't move under us before we commit
    row: SyncedRow = get_record(session, principal, entity_type, entity_id)
    first = next_seq(session, 2) - 1
    table = table_of(type(row))
    session.execute(update(table).where(table.c.id == row.id).values(review_state=state.value, seq=first))
    comment = s.ReviewComment(
        id=uuid.uuid4(),
        entity_type=entity_type,
        entity_id=uuid.UUID(row.id),
        state=state,
        text=text,
        author=_person(session, principal),
        created_at=utcnow(),
    )
    out = ReviewComment(
        id=str(comment.id),
        agency_code=row.agency_code,
        seq=first + 1,
        updated_by=principal.user_id,
        entity_type=entity_type,
        entity_id=row.id,
        state=state.value,
        data=comment.model_dump(mode="json"),
    )
    session.add(out)
    audit(
        session,
        principal,
        entity_type,
        row.id,
        f"review:{state.value}",
        before=row.version,
        after=row.version,
        detail={"comment": text},
    )
    session.commit()
    return out


def comments(session: Session, entity_id: str) -> list[ReviewComment]:
    """The review comments on a record, oldest first."""
    query = (
        select(ReviewComment)
        .where(col(ReviewComment.entity_id) == entity_id)
        .order_by(col(ReviewComment.seq))
    )
    return list(session.execute(query).scalars())


def _person(session: Session, principal: Principal) -> str:
    """The reviewer's name as people read it (the account name when none is set)."""
    user = session.get(User, principal.user_id)
    return (user.full_name if user is not None else "") or principal.username
