"""campaign counts: live per-campaign counts kept by triggers; drop the scan indexes they replace

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 03:00:00.000000

``campaigncount`` holds, per campaign (``''`` for records without one), how many live file records
there are per (criteria, carrier) and per (agency, review state), and how many damage entries per
(damage type, severity). Triggers on ``filerecord`` and ``filedamage`` keep it exact: each row is
counted under its current values, so an insert adds one, a delete removes one and an update that
changes a counted column moves one. The dashboard and the compliance tracker then read a few hundred
rows instead of scanning a million. The counts are rebuilt from the tables here (and by
``sync_server.domain.dashboard.recount``).

Writers of ``filerecord`` already serialise on the change counter (``next_seq``) before writing,
so the shared count rows add no new waiting on PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

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

_FILE_CHANGED = (
    "OLD.campaign_id IS NOT NEW.campaign_id OR OLD.deleted IS NOT NEW.deleted OR OLD.criteria IS NOT "
    "NEW.criteria OR OLD.carrier IS NOT NEW.carrier OR OLD.agency_code IS NOT NEW.agency_code OR "
    "OLD.review_state IS NOT NEW.review_state"
)
_UPSERT = "ON CONFLICT (campaign_id, kind, key1, key2) DO UPDATE SET n = campaigncount.n + 1"
_FILE_KEYS = (
    "(kind = 'file' AND key1 = {r}.criteria AND key2 = {r}.carrier) OR "
    "(kind = 'agency' AND key1 = {r}.agency_code AND key2 = {r}.review_state)"
)

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER filerecord_count_insert AFTER INSERT ON filerecord WHEN NOT NEW.deleted
    BEGIN
        INSERT INTO campaigncount (campaign_id, kind, key1, key2, n) VALUES
            (coalesce(NEW.campaign_id, ''), 'file', NEW.criteria, NEW.carrier, 1),
            (coalesce(NEW.campaign_id, ''), 'agency', NEW.agency_code, NEW.review_state, 1)
        {_UPSERT};
    END""",
    f"""CREATE TRIGGER filerecord_count_delete AFTER DELETE ON filerecord WHEN NOT OLD.deleted
    BEGIN
        UPDATE campaigncount SET n = n - 1
        WHERE campaign_id = coalesce(OLD.campaign_id, '') AND ({_FILE_KEYS.format(r="OLD")});
    END""",
    f"""CREATE TRIGGER filerecord_count_update
    AFTER UPDATE OF campaign_id, deleted, criteria, carrier, agency_code, review_state ON filerecord
    WHEN {_FILE_CHANGED}
    BEGIN
        UPDATE campaigncount SET n = n - 1
        WHERE NOT OLD.deleted AND campaign_id = coalesce(OLD.campaign_id, '')
          AND ({_FILE_KEYS.format(r="OLD")});
        INSERT INTO campaigncount (campaign_id, kind, key1, key2, n)
        SELECT coalesce(NEW.campaign_id, ''), 'file', NEW.criteria, NEW.carrier, 1 WHERE NOT NEW.deleted
        UNION ALL
        SELECT coalesce(NEW.campaign_id, ''), 'agency', NEW.agency_code, NEW.review_state, 1
        WHERE NOT NEW.deleted
        {_UPSERT};
    END""",
    f"""CREATE TRIGGER filedamage_count_insert AFTER INSERT ON filedamage
    BEGIN
        INSERT INTO campaigncount (campaign_id, kind, key1, key2, n)
        VALUES (coalesce(NEW.campaign_id, ''), 'damage', NEW.damage_type, NEW.severity, 1)
        {_UPSERT};
    END""",
    """CREATE TRIGGER filedamage_count_delete AFTER DELETE ON filedamage
    BEGIN
        UPDATE campaigncount SET n = n - 1
        WHERE campaign_id = coalesce(OLD.campaign_id, '') AND kind = 'damage'
          AND key1 = OLD.damage_type AND key2 = CAST(OLD.severity AS TEXT);
    END""",
    f"""CREATE TRIGGER filedamage_count_update AFTER UPDATE OF campaign_id, damage_type, severity ON filedamage
    WHEN OLD.campaign_id IS NOT NEW.campaign_id OR OLD.damage_type IS NOT NEW.damage_type
      OR OLD.severity IS NOT NEW.severity
    BEGIN
        UPDATE campaigncount SET n = n - 1
        WHERE campaign_id = coalesce(OLD.campaign_id, '') AND kind = 'damage'
          AND key1 = OLD.damage_type AND key2 = CAST(OLD.severity AS TEXT);
        INSERT INTO campaigncount (campaign_id, kind, key1, key2, n)
        VALUES (coalesce(NEW.campaign_id, ''), 'damage', NEW.damage_type, NEW.severity, 1)
        {_UPSERT};
    END""",
)

_PG_FILE_CHANGED = _FILE_CHANGED.replace("IS NOT", "IS DISTINCT FROM")
POSTGRES_TRIGGERS = (
    f"""CREATE FUNCTION filerecord_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND NOT OLD.deleted THEN
            UPDATE campaigncount SET n = n - 1
            WHERE campaign_id = coalesce(OLD.campaign_id, '') AND ({_FILE_KEYS.format(r="OLD")});
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') AND NOT NEW.deleted THEN
            INSERT INTO campaigncount (campaign_id, kind, key1, key2, n) VALUES
                (coalesce(NEW.campaign_id, ''), 'file', NEW.criteria, NEW.carrier, 1),
                (coalesce(NEW.campaign_id, ''), 'agency', NEW.agency_code, NEW.review_state, 1)
            {_UPSERT};
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER filerecord_count_insert_delete AFTER INSERT OR DELETE ON filerecord
    FOR EACH ROW EXECUTE FUNCTION filerecord_count()""",
    f"""CREATE TRIGGER filerecord_count_update
    AFTER UPDATE OF campaign_id, deleted, criteria, carrier, agency_code, review_state ON filerecord
    FOR EACH ROW WHEN ({_PG_FILE_CHANGED}) EXECUTE FUNCTION filerecord_count()""",
    f"""CREATE FUNCTION filedamage_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE campaigncount SET n = n - 1
            WHERE campaign_id = coalesce(OLD.campaign_id, '') AND kind = 'damage'
              AND key1 = OLD.damage_type AND key2 = OLD.severity::text;
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            INSERT INTO campaigncount (campaign_id, kind, key1, key2, n)
            VALUES (coalesce(NEW.campaign_id, ''), 'damage', NEW.damage_type, NEW.severity::text, 1)
            {_UPSERT};
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER filedamage_count_insert_delete AFTER INSERT OR DELETE ON filedamage
    FOR EACH ROW EXECUTE FUNCTION filedamage_count()""",
    """CREATE TRIGGER filedamage_count_update AFTER UPDATE OF campaign_id, damage_type, severity ON filedamage
    FOR EACH ROW WHEN (OLD.campaign_id IS DISTINCT FROM NEW.campaign_id
        OR OLD.damage_type IS DISTINCT FROM NEW.damage_type OR OLD.severity IS DISTINCT FROM NEW.severity)
    EXECUTE FUNCTION filedamage_count()""",
)
REPLACED_INDEXES = (
    ("filerecord", "ix_filerecord_campaign_stats", ["campaign_id", "deleted", "criteria", "carrier"]),
    (
        "filerecord",
        "ix_filerecord_campaign_agency",
        ["campaign_id", "deleted", "agency_code", "review_state"],
    ),
    ("filedamage", "ix_filedamage_campaign", ["campaign_id", "damage_type", "severity"]),
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "campaigncount",
        sa.Column("campaign_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("key1", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("key2", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "kind", "key1", "key2"),
    )
    op.execute(RECOUNT)
    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)
    for table, name, _ in REPLACED_INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)


def downgrade() -> None:
    for table, name, columns in REPLACED_INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)
    if op.get_bind().dialect.name == "postgresql":
        for trigger, table in (
            ("filedamage_count_update", "filedamage"),
            ("filedamage_count_insert_delete", "filedamage"),
            ("filerecord_count_update", "filerecord"),
            ("filerecord_count_insert_delete", "filerecord"),
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS filedamage_count()")
        op.execute("DROP FUNCTION IF EXISTS filerecord_count()")
    else:
        for trigger in (
            "filedamage_count_update",
            "filedamage_count_delete",
            "filedamage_count_insert",
            "filerecord_count_update",
            "filerecord_count_delete",
            "filerecord_count_insert",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.drop_table("campaigncount")
