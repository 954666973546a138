"""The columns exports read (and the agency standing they share with the pages, in
:mod:`sync_server.domain.standing`), as lightweight SQLAlchemy Core tables.

Exports run in a worker that should stay small, so they query with Core and do not import the
SQLModel classes of :mod:`sync_server.models`; ``tests/exports/test_tables.py`` checks that every
column named here exists there with the same name.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Date, Integer, String, case, column, func, select, table
from sqlmodel.sql.sqltypes import UTCDateTime

from common.vocab import CheckResult, DigitizationState

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
    column("deleted", Boolean),
    column("data", JSON),
    column("version", Integer),
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

file_digitization = table(
    "filedigitization",
    column("record_id", String),
    column("state", String),
    column("master_sha256", String),
    column("accepted_on", Date),
    column("ingested_at", UTCDateTime()),
    column("plan_year", Integer),
)

scan_master = table("scanmaster", column("sha256", String), column("pages", Integer))

files_with_digitization = file_record.outerjoin(
    file_digitization, file_digitization.c.record_id == file_record.c.id
).outerjoin(scan_master, scan_master.c.sha256 == file_digitization.c.master_sha256)
"""File records with their digitization and master, for counts of what is digitized."""
digitized = file_digitization.c.state == DigitizationState.ACCEPTED.value
"""A file counts as digitized once accepted (needs :data:`files_with_digitization`)."""
digitized_pages = case((digitized, func.coalesce(scan_master.c.pages, file_record.c.pages, 0)), else_=0)
"""Pages of a digitized file: its master's, or the record's for a file accepted without one."""

estimated_pages = func.coalesce(file_record.c.pages, 2 * file_record.c.leaves, 0)
"""Pages the plan counts for a file: its pages, else two per leaf, else none known."""

approved_list = table(
    "approvedlist",
    column("number", Integer),
    column("campaign_id", String),
    column("supplement_to", Integer),
    column("decision_number", String),
    column("decision_date", Date),
    column("signer_name", String),
    column("signer_position", String),
)

approved_list_item = table(
    "approvedlistitem",
    column("record_id", String),
    column("list_number", Integer),
    column("n", Integer),
    column("agency_code", String),
    column("fonds_id", String),
    column("data", JSON),
)

copy_set = table("copyset", column("id", Integer), column("number", Integer), column("name", String))
copy_write = table("copywrite", column("id", Integer), column("set_id", Integer), column("state", String))
copy_item = table("copyitem", column("write_id", Integer), column("sha256", String), column("result", String))
handover = table("handover", column("id", Integer), column("package_sha256", String))
handover_item = table("handoveritem", column("handover_id", Integer), column("record_id", String))


def verified_sets(sha256: Any) -> Any:
    """How many copy sets hold the master ``sha256`` verified intact (a correlated count)."""
    i, w = copy_item.c, copy_write.c
    return (
        select(func.count(func.distinct(w.set_id)))
        .select_from(copy_item.join(copy_write, w.id == i.write_id))
        .where(i.sha256 == sha256, i.result == CheckResult.OK.value)
        .scalar_subquery()
    )


def natural(expr: Any) -> tuple[Any, Any]:
    """Order keys that put ``"9"`` before ``"10"`` on every database: length, then text."""
    text = func.coalesce(expr, "")
    return func.length(text), text


def archival_order(f: Any, fo: Any) -> list[Any]:
    """Order keys of files in archival order (agency, fonds, inventory, box, file number; numbers
    compared as numbers), given a file table's and its fonds table's columns."""
    inventory, box_no = f.data["inventory_no"].as_string(), f.data["box_no"].as_string()
    keys = (fo.number, inventory, box_no, f.file_no)
    return [f.agency_code, *(k for key in keys for k in natural(key)), f.id]


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
    file_digitization,
    scan_master,
    approved_list,
    approved_list_item,
    copy_set,
    copy_write,
    copy_item,
    handover,
    handover_item,
)
__all__ = [
    "ALL",
    "agency",
    "app_user",
    "approved_list",
    "approved_list_item",
    "archival_order",
    "box",
    "campaign",
    "campaign_count",
    "copy_item",
    "copy_set",
    "copy_write",
    "digitized",
    "digitized_pages",
    "estimated_pages",
    "file_damage",
    "file_digitization",
    "file_record",
    "files_with_digitization",
    "fonds",
    "handover",
    "handover_item",
    "list_confirmation",
    "natural",
    "nil_report",
    "scan_master",
    "verified_sets",
    "visit",
]
