"""The sync protocol's messages, shared by the tablet's sync engine and the server.

See ``docs/sync-protocol.md`` for the contract with JSON examples.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from common.errors import FieldError
from common.vocab import Criterion

PROTOCOL_VERSION = 2
"""2: *rare* is a criterion like the others. A pull says which version the client speaks
(``protocol``); clients of version 1 keep receiving file records in their shape
(:func:`legacy_file_record`), and their pushes are read by the shared schema either way."""
MAX_BATCH = 1000
MAX_PULL = 1000
MAX_INT64 = 2**63 - 1
"""The largest integer both database engines store (a cursor, an offset): larger ones are refused."""

SYNCED_TYPES = ("visit", "fonds", "box", "file_record", "nil_report")
"""Record types a device may push (review comments and campaigns only flow down)."""


class _Msg(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Change(_Msg):
    """One edit of one record made on a device."""

    type: str = Field(max_length=30)
    id: uuid.UUID
    rev: Annotated[int, Field(ge=1, le=2**31 - 1)]
    base_version: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    deleted: bool = False
    data: dict[str, Any] | None = None


class PushRequest(_Msg):
    batch_id: uuid.UUID
    changes: Annotated[list[Change], Field(max_length=MAX_BATCH)]


class ChangeStatus(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    REJECTED = "rejected"


class ChangeResult(_Msg):
    id: uuid.UUID
    type: str
    rev: int
    status: ChangeStatus
    version: int | None = None
    """Server version of the record after this change (for a conflict: the server's current one)."""
    errors: list[FieldError] = []


class PushResponse(_Msg):
    batch_id: uuid.UUID
    results: list[ChangeResult]
    missing_photos: list[str] = []
    """SHA-256 of photos referenced by the batch that the server does not hold yet."""


class PulledChange(_Msg):
    seq: int
    type: str
    id: str
    version: int = 1
    deleted: bool = False
    agency_code: str | None = None
    review_state: str | None = None
    conflicted: bool = False
    data: dict[str, Any]


class PullResponse(_Msg):
    changes: list[PulledChange]
    cursor: int
    """Pass it back as ``cursor`` on the next pull; it only moves forward."""
    has_more: bool
    vocab_version: str
    """Changes when the server's vocabularies change: then fetch ``/vocabularies`` again."""
    agencies: list[str] | None
    """The agencies this user may see now (None: all); a new one calls for a pull from cursor 0."""


def legacy_file_record(data: dict[str, Any]) -> dict[str, Any]:
    """A file record as a client of protocol 1 reads it: the ``rare`` criterion as the ``rare``
    flag beside the other criteria (which may then be empty: such a client asks for one before it
    saves the file again)."""
    criteria = data.get("criteria")
    if not isinstance(criteria, list) or Criterion.RARE.value not in criteria:
        return data
    return {**data, "criteria": [c for c in criteria if c != Criterion.RARE.value], "rare": True}
