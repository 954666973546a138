"""Record shapes and their validation rules, shared by the tablet and the server.

Every custom rule raises a ``PydanticCustomError`` whose type is a field error reason (worded as
``reason.<reason>`` in :mod:`common.words.errors`), so :func:`common.errors.field_errors` can
explain it in Vietnamese and English.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from common.boxcode import AGENCY_CODE_RE, NUMBER_CODE_RE, make_box_code
from common.dates import partial_date_bounds
from common.vocab import (
    AccessRegime,
    AgencyKind,
    AgencyStatus,
    Carrier,
    Criterion,
    DamageType,
    FondsKind,
    Language,
    Readability,
    Retention,
    ReviewState,
    Severity,
)

TITLE_MAX = 1000
NAME_MAX = 300
NOTE_MAX = 2000
MAX_DAMAGES = len(DamageType)
MAX_PHOTOS = 30
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def _err(reason: str, message: str, field: str | None = None, **ctx: Any) -> PydanticCustomError:
    if field:
        ctx["field"] = field
    return PydanticCustomError(reason, message, ctx or None)


def _agency_code(v: str) -> str:
    v = v.strip().upper()
    if not AGENCY_CODE_RE.match(v):
        raise _err("bad_agency_code", "bad agency code")
    return v


def _number_code(v: str) -> str:
    v = v.strip().upper()
    if not NUMBER_CODE_RE.match(v):
        raise _err("bad_number_code", "bad number code")
    return v


def _partial_date(v: str) -> str:
    v = v.strip()
    try:
        lo, _ = partial_date_bounds(v)
    except ValueError:
        raise _err("bad_date", "bad date") from None
    if lo.year < 1000:
        raise _err("bad_date", "bad date")
    return v


def _sha256(v: str) -> str:
    v = v.strip().lower()
    if not SHA256_RE.match(v):
        raise _err("bad_format", "not a SHA-256 hex digest")
    return v


def _unique(items: list[Any], field: str | None = None) -> list[Any]:
    seen: set[Any] = set()
    for item in items:
        if item in seen:
            raise _err("duplicate_item", "duplicate item", field, input=str(item))
        seen.add(item)
    return items


FIRST_YEAR, LAST_YEAR = 1900, 2200
"""The years a survey's own dates and times (visits, reports, campaigns) may fall in."""


def _moment(v: dt.datetime) -> dt.datetime:
    """A time that can be stored in UTC on every engine, within :data:`FIRST_YEAR`–:data:`LAST_YEAR`."""
    try:
        utc = v.astimezone(dt.UTC) if v.tzinfo is not None else v
    except (OverflowError, ValueError):
        raise _err("out_of_range", "out of range", ge=FIRST_YEAR, le=LAST_YEAR) from None
    if not FIRST_YEAR <= utc.year <= LAST_YEAR:
        raise _err("out_of_range", "out of range", ge=FIRST_YEAR, le=LAST_YEAR)
    return v


def _day(v: dt.date) -> dt.date:
    if not FIRST_YEAR <= v.year <= LAST_YEAR:
        raise _err("out_of_range", "out of range", ge=FIRST_YEAR, le=LAST_YEAR)
    return v


def has_nul(value: Any) -> bool:
    """Whether a NUL character hides in ``value`` (text, or lists and objects of it)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    return False


class NoNul(BaseModel):
    """Base of every input model: text holding a NUL character is refused (PostgreSQL cannot store
    it, SQLite would, and no survey text needs it)."""

    @model_validator(mode="after")
    def _no_nul(self) -> Any:
        # Once per model, after its fields; nested models check themselves. Plain loops over the
        # text values only: a validator per field, or a recursive walk, doubled a record's cost.
        for name, value in self.__dict__.items():
            kind = type(value)
            if kind is str:
                if "\x00" in value:
                    raise _err("bad_characters", "NUL character", name)
            elif (kind is list or kind is dict) and has_nul(value):
                raise _err("bad_characters", "NUL character", name)
        return self


AgencyCode = Annotated[str, AfterValidator(_agency_code)]
NumberCode = Annotated[str, AfterValidator(_number_code)]
PartialDate = Annotated[str, AfterValidator(_partial_date)]
Sha256 = Annotated[str, AfterValidator(_sha256)]
Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX)]
Note = Annotated[str, Field(max_length=NOTE_MAX)]
Year = Annotated[int, Field(ge=1000, le=2200)]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
Moment = Annotated[dt.datetime, AfterValidator(_moment)]
Day = Annotated[dt.date, AfterValidator(_day)]


class Schema(NoNul):
    """Base of every shared record: unknown fields refused, text trimmed, no NUL."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _check_order(lo: Any, hi: Any, field: str) -> None:
    if lo is not None and hi is not None and hi < lo:
        raise _err("end_before_start", "end before start", field)


class AgencyIn(Schema):
    """An agency (cơ quan, đơn vị) as imported or edited by an administrator."""

    code: AgencyCode
    name: Name
    kind: AgencyKind
    parent_code: AgencyCode | None = None
    in_deposit_list: bool = True
    status: AgencyStatus = AgencyStatus.ACTIVE
    successor_code: AgencyCode | None = None

    @model_validator(mode="after")
    def _rules(self) -> AgencyIn:
        if self.parent_code == self.code:
            raise _err("self_reference", "refers to itself", "parent_code")
        if self.successor_code == self.code:
            raise _err("self_reference", "refers to itself", "successor_code")
        if self.status == AgencyStatus.MERGED and not self.successor_code:
            raise _err("successor_required", "merged agency needs a successor", "successor_code")
        return self


class Campaign(Schema):
    id: uuid.UUID
    year: Year
    name: Name
    starts_on: Day | None = None
    ends_on: Day | None = None
    active: bool = True

    @model_validator(mode="after")
    def _dates(self) -> Campaign:
        _check_order(self.starts_on, self.ends_on, "ends_on")
        return self


class Visit(Schema):
    id: uuid.UUID
    agency_code: AgencyCode
    campaign_id: uuid.UUID | None = None
    started_at: Moment
    ended_at: Moment | None = None
    notes: Note | None = None

    @model_validator(mode="after")
    def _times(self) -> Visit:
        _check_order(self.started_at, self.ended_at, "ended_at")
        return self


class Fonds(Schema):
    """A fonds (phông), collection (sưu tập) or work (công trình) held by an agency."""

    id: uuid.UUID
    agency_code: AgencyCode
    number: NumberCode
    name: Name
    kind: FondsKind = FondsKind.FONDS
    start_year: Year | None = None
    end_year: Year | None = None
    shelf_metres: Annotated[float, Field(ge=0, le=100_000)] | None = None
    notes: Note | None = None

    @model_validator(mode="after")
    def _years(self) -> Fonds:
        _check_order(self.start_year, self.end_year, "end_year")
        return self


class Box(Schema):
    """A box (hộp) of a fonds; ``code`` is derived from agency, fonds, inventory and box number."""

    id: uuid.UUID
    agency_code: AgencyCode
    fonds_id: uuid.UUID
    fonds_number: NumberCode
    inventory_no: NumberCode | None = None
    box_no: Annotated[str, Field(pattern=r"^\s*[0-9]{1,6}\s*$")]
    code: str | None = None
    notes: Note | None = None

    @model_validator(mode="after")
    def _code(self) -> Box:
        expected = make_box_code(self.agency_code, self.fonds_number, self.inventory_no, self.box_no)
        if self.code is not None and self.code.strip().upper() != expected:
            raise _err("bad_box_code", "box code does not match its parts", "code")
        self.box_no = expected.rsplit("-H", 1)[1]
        self.code = expected
        return self


class DamageEntry(Schema):
    type: DamageType
    severity: Severity
    readability: Readability = Readability.FULL
    note: Annotated[str, Field(max_length=500)] | None = None

    @model_validator(mode="after")
    def _other(self) -> DamageEntry:
        if self.type == DamageType.OTHER and not self.note:
            raise _err("describe_other", "describe the other damage", "note")
        return self


class PhotoRef(Schema):
    """A photo held by content hash; the bytes travel separately."""

    sha256: Sha256
    size: Annotated[int, Field(ge=1)]
    mime: Literal["image/jpeg", "image/png"]
    caption: Annotated[str, Field(max_length=200)] | None = None


def fold_rare_flag(data: Any) -> Any:
    """A file record in the shape of protocol 1 (a ``rare`` flag beside ``criteria``) in today's
    shape: a true flag becomes the ``rare`` criterion, the flag goes. Anything else is unchanged (a
    flag that is not a boolean stays, so validation names it)."""
    if not isinstance(data, dict) or not isinstance(data.get("rare"), bool):
        return data
    out = dict(data)
    if out.pop("rare"):
        criteria = out.get("criteria")
        if criteria is None:
            out["criteria"] = [Criterion.RARE.value]
        elif isinstance(criteria, list) and Criterion.RARE.value not in criteria:
            out["criteria"] = [*criteria, Criterion.RARE.value]
    return out


class FileRecord(Schema):
    """A file (hồ sơ) that qualifies for digitization, with its damage and photos.

    Tablets of protocol 1 still send ``rare: true`` beside the criteria: it is read as the ``rare``
    criterion (:func:`fold_rare_flag`) and never stored."""

    id: uuid.UUID
    agency_code: AgencyCode
    campaign_id: uuid.UUID | None = None
    visit_id: uuid.UUID | None = None
    fonds_id: uuid.UUID
    box_id: uuid.UUID | None = None
    inventory_no: NumberCode | None = None
    box_no: Annotated[str, Field(max_length=10)] | None = None
    file_no: Annotated[str, Field(min_length=1, max_length=30)]
    title: Annotated[str, Field(min_length=1, max_length=TITLE_MAX)]
    start_date: PartialDate | None = None
    end_date: PartialDate | None = None
    leaves: Count | None = None
    pages: Count | None = None
    retention: Retention = Retention.PERMANENT
    retention_years: Annotated[int, Field(ge=1, le=200)] | None = None
    access: AccessRegime = AccessRegime.OPEN
    languages: Annotated[list[Language], Field(min_length=1)] = Field(default_factory=lambda: [Language.VI])
    carrier: Carrier = Carrier.PAPER
    criteria: Annotated[list[Criterion], Field(min_length=1)]
    notes: Note | None = None
    damages: Annotated[list[DamageEntry], Field(max_length=MAX_DAMAGES)] = Field(default_factory=list)
    photos: Annotated[list[PhotoRef], Field(max_length=MAX_PHOTOS)] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _legacy(cls, data: Any) -> Any:
        return fold_rare_flag(data)

    @model_validator(mode="after")
    def _rules(self) -> FileRecord:
        if self.start_date and self.end_date:
            start_lo, _ = partial_date_bounds(self.start_date)
            _, end_hi = partial_date_bounds(self.end_date)
            _check_order(start_lo, end_hi, "end_date")
        if self.retention == Retention.YEARS and self.retention_years is None:
            raise _err("years_required", "years required", "retention_years")
        if self.retention == Retention.PERMANENT and self.retention_years is not None:
            raise _err("years_not_allowed", "years not allowed", "retention_years")
        # one check here rather than a validator per list: each costs a call out of pydantic-core
        _unique(self.languages, "languages")
        _unique(self.criteria, "criteria")
        _unique([d.type for d in self.damages], "damages")
        _unique([p.sha256 for p in self.photos], "photos")
        return self

    @property
    def max_severity(self) -> int:
        return max((int(d.severity) for d in self.damages), default=0)

    @property
    def conservation_first(self) -> bool:
        """A damage leaves the file hard to read: the plan digitizes what can still be read, so the
        file is recorded for conservation first (ưu tiên tu bổ, bảo quản trước khi số hóa)."""
        return any(d.readability == Readability.DIFFICULT for d in self.damages)


DEFAULT_NIL_STATEMENT = (
    "Cơ quan, đơn vị không có tài liệu thuộc diện số hóa phục vụ lập bản sao bảo hiểm "
    "theo các tiêu chí của Kế hoạch thực hiện Quyết định số 71/QĐ-TTg."
)


class NilReport(Schema):
    """A written report that an agency holds no qualifying documents (báo cáo không có tài liệu)."""

    id: uuid.UUID
    agency_code: AgencyCode
    campaign_id: uuid.UUID | None = None
    statement: Annotated[str, Field(min_length=1, max_length=NOTE_MAX)] = DEFAULT_NIL_STATEMENT
    signer_name: Name
    signer_position: Name
    doc_number: Annotated[str, Field(min_length=1, max_length=50)]
    doc_date: Day
    scan: PhotoRef | None = None


class ReviewComment(Schema):
    """A reviewer's decision or comment on a record; reaches the tablet on its next sync."""

    id: uuid.UUID
    entity_type: Literal["file_record", "nil_report", "fonds", "box"]
    entity_id: uuid.UUID
    state: ReviewState
    text: Annotated[str, Field(max_length=NOTE_MAX)] = ""
    author: str | None = None
    created_at: Moment | None = None
