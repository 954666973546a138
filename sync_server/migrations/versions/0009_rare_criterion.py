"""rare is a criterion; files for conservation first

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:00:00.000000

Rare and precious documents qualify on their own (plan §I.1, §III.1). A file record's ``rare``
flag becomes the ``rare`` criterion: in the record's ``data``, in the ``criteria`` column (sorted
codes; ``rare`` sorts last, so it is appended) and in the revisions kept beside conflicted records;
then the column goes and the per-campaign counts, keyed by criteria, are rebuilt from the tables.

``conservation`` marks the files a damage leaves hard to read (readability ``difficult``): the plan
digitizes what can still be read, so they go to conservation first. A partial index holds only them,
so the other writes pay nothing for it.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

INDEX = "ix_filerecord_conservation"
RECOUNT = """
INSERT INTO campaigncount (campaign_id, kind, key1, key2, n)
SELECT coalesce(campaign_id, ''), 'file', criteria, carrier, count(*) FROM filerecord
 WHERE deleted = false GROUP BY coalesce(campaign_id, ''), criteria, carrier
UNION ALL
SELECT coalesce(campaign_id, ''), 'agency', agency_code, review_state, count(*) FROM filerecord
 WHERE deleted = false GROUP BY coalesce(campaign_id, ''), agency_code, review_state
UNION ALL
SELECT coalesce(campaign_id, ''), 'damage', damage_type, CAST(severity AS VARCHAR(20)), count(*)
  FROM filedamage
 GROUP BY coalesce(campaign_id, ''), damage_type, CAST(severity AS VARCHAR(20))
"""

# (SQLite, PostgreSQL): the JSON with the flag folded into the criteria, the JSON without the flag,
# and "the flag is true" / "the flag is there"
FOLDED = (
    "json_insert(json_remove(data, '$.rare'), '$.criteria[#]', 'rare')",
    "jsonb_set(data::jsonb - 'rare', '{criteria}',"
    " coalesce(data::jsonb -> 'criteria', '[]'::jsonb) || '[\"rare\"]'::jsonb)::json",
)
DROPPED = ("json_remove(data, '$.rare')", "(data::jsonb - 'rare')::json")
FLAG_TRUE = ("json_extract(data, '$.rare') = 1", "(data::jsonb -> 'rare') = 'true'::jsonb")
FLAG_SET = ("json_type(data, '$.rare') IS NOT NULL", "(data::jsonb -> 'rare') IS NOT NULL")


def _recount() -> None:
    op.execute("DELETE FROM campaigncount")
    op.execute(RECOUNT)


def upgrade() -> None:
    pg = int(op.get_bind().dialect.name == "postgresql")
    op.execute(
        f"UPDATE filerecord SET data = {FOLDED[pg]},"
        " criteria = CASE WHEN criteria = '' THEN 'rare' ELSE criteria || ',rare' END WHERE rare = true"
    )
    op.execute(f"UPDATE filerecord SET data = {DROPPED[pg]} WHERE {FLAG_SET[pg]}")
    revisions = "UPDATE recordrevision SET data = {} WHERE entity_type = 'file_record' AND {}"
    op.execute(revisions.format(FOLDED[pg], FLAG_TRUE[pg]))
    op.execute(revisions.format(DROPPED[pg], FLAG_SET[pg]))
    op.drop_column("filerecord", "rare")  # native on SQLite >= 3.35: keeps the triggers

    op.add_column(
        "filerecord", sa.Column("conservation", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.execute(
        "UPDATE filerecord SET conservation = true"
        " WHERE id IN (SELECT record_id FROM filedamage WHERE readability = 'difficult')"
    )
    op.create_index(
        INDEX,
        "filerecord",
        ["agency_code", "campaign_id"],
        sqlite_where=sa.text("conservation = 1"),
        postgresql_where=sa.text("conservation"),
    )
    _recount()


def _legacy(data: str | dict[str, object]) -> str:
    """The record's JSON with the rare criterion as the flag again (as version 0008 stored it)."""
    record = json.loads(data) if isinstance(data, str) else dict(data)
    criteria = record.get("criteria")
    rare = False
    if isinstance(criteria, list) and "rare" in criteria:
        rare = True
        record["criteria"] = [c for c in criteria if c != "rare"]
    record["rare"] = rare
    return json.dumps(record, ensure_ascii=False)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="filerecord")
    op.drop_column("filerecord", "conservation")
    op.add_column("filerecord", sa.Column("rare", sa.Boolean(), nullable=False, server_default=sa.false()))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, data FROM filerecord WHERE criteria LIKE '%rare%'")).all()
    for rid, data in rows:
        conn.execute(
            sa.text(
                "UPDATE filerecord SET rare = true, data = :data,"
                " criteria = CASE WHEN criteria = 'rare' THEN '' ELSE replace(criteria, ',rare', '') END"
                " WHERE id = :id"
            ),
            {"id": rid, "data": _legacy(data)},
        )
    revisions = conn.execute(
        sa.text("SELECT id, data FROM recordrevision WHERE entity_type = 'file_record'")
    ).all()
    for rid, data in revisions:
        conn.execute(
            sa.text("UPDATE recordrevision SET data = :data WHERE id = :id"),
            {"id": rid, "data": _legacy(data)},
        )
    _recount()
