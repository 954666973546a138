"""The columns exports read (and the agency standing they share with the pages, in
:mod:`sync_server.domain.standing`), as lightweight SQLAlchemy Core tables.

Exports run in a worker that should stay small, so they query with Core and do not import the
SQLModel classes of :mod:`sync_server.models`; ``tests/exports/test_tables.py`` checks that every
column named here exists there with the same name.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Date, Integer, String, column, table
from sqlmodel.sql.sqltypes import UTCDateTime

agency = table(
    "agency",
    column("code", String),
    column("name", String),
    column("kind", String),
    column("status", String),
    column("in_deposit_list", Boolean),
)

campaign = table("campaign", column("id", String), column("year", Integer), column("name", String))

fonds = table(
    "fonds",
    column("id", String),
    column("agency_code", String),
    column("number", String),
    column("name", String),
    column("kind", String),
    column("deleted", Boolean),
    column("data", JSON),
)

box = table(
    "box",
    column("id", String),
    column("agency_code", String),
    column("fonds_id", String),
    column("code", String),
    column("deleted", Boolean),
    column("data", JSON),
)

file_record = table(
    "filerecord",
    column("id", String),
    column("agency_code", String),
    column("campaign_id", String),
    column("fonds_id", String),
    column("box_id", String),
    column("file_no", String),
    column("title", String),
    column("carrier", String),
    column("criteria", String),
    column("conservation", Boolean),
    column("leaves", Integer),
    column("pages", Integer),
    column("max_severity", Integer),
    column("review_state", String),
    column("digitized_on", Date),
    column("deleted", Boolean),
    column("data", JSON),
)

file_damage = table(
    "filedamage",
    column("record_id", String),
    column("damage_type", String),
    column("agency_code", String),
    column("severity", Integer),
    column("readability", String),
)

nil_report = table(
    "nilreport",
    column("id", String),
    column("seq", Integer),
    column("agency_code", String),
    column("campaign_id", String),
    column("doc_number", String),
    column("doc_date", Date),
    column("review_state", String),
    column("deleted", Boolean),
    column("data", JSON),
)

visit = table(
    "visit",
    column("agency_code", String),
    column("campaign_id", String),
    column("started_at", UTCDateTime()),
    column("updated_by", Integer),
    column("deleted", Boolean),
    column("data", JSON),
)

list_confirmation = table(
    "listconfirmation",
    column("agency_code", String),
    column("campaign_id", String),
    column("at", UTCDateTime()),
)

campaign_count = table(
    "campaigncount",
    column("campaign_id", String),
    column("kind", String),
    column("key1", String),
    column("key2", String),
    column("n", Integer),
)

app_user = table("app_user", column("id", Integer), column("username", String), column("full_name", String))

ALL = (
    agency,
    campaign,
    fonds,
    box,
    file_record,
    file_damage,
    nil_report,
    visit,
    list_confirmation,
    campaign_count,
    app_user,
)
__all__ = [
    "ALL",
    "agency",
    "app_user",
    "box",
    "campaign",
    "campaign_count",
    "file_damage",
    "file_record",
    "fonds",
    "list_confirmation",
    "nil_report",
    "visit",
]
