"""web: dashboard and inventory indexes, per-campaign damage rows, sign-in throttling, list confirmations

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 02:00:00.000000

``filedamage.campaign_id`` is kept equal to its file record's campaign by triggers (the sync ingest
writes damage rows without it), so the dashboard counts damage per campaign with one covering index.
On PostgreSQL the folded title gets a trigram GIN index (extension ``pg_trgm``) for substring search.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = (
    """CREATE TRIGGER filedamage_campaign AFTER INSERT ON filedamage
    WHEN NEW.campaign_id IS NULL
    BEGIN
        UPDATE filedamage SET campaign_id = (SELECT campaign_id FROM filerecord WHERE id = NEW.record_id)
        WHERE record_id = NEW.record_id AND damage_type = NEW.damage_type;
    END""",
    """CREATE TRIGGER filerecord_campaign AFTER UPDATE OF campaign_id ON filerecord
    WHEN NEW.campaign_id IS NOT OLD.campaign_id
    BEGIN
        UPDATE filedamage SET campaign_id = NEW.campaign_id WHERE record_id = NEW.id;
    END""",
)
POSTGRES_TRIGGERS = (
    """CREATE FUNCTION filedamage_campaign() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.campaign_id IS NULL THEN
            NEW.campaign_id := (SELECT campaign_id FROM filerecord WHERE id = NEW.record_id);
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER filedamage_campaign BEFORE INSERT ON filedamage
    FOR EACH ROW EXECUTE FUNCTION filedamage_campaign()""",
    """CREATE FUNCTION filerecord_campaign() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE filedamage SET campaign_id = NEW.campaign_id WHERE record_id = NEW.id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER filerecord_campaign AFTER UPDATE OF campaign_id ON filerecord
    FOR EACH ROW WHEN (OLD.campaign_id IS DISTINCT FROM NEW.campaign_id)
    EXECUTE FUNCTION filerecord_campaign()""",
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")

    op.create_table(
        "loginthrottle",
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("client", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("locked_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("username", "client"),
    )
    op.create_table(
        "listconfirmation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("campaign_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("file_count", sa.Integer(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agency_code"], ["agency.code"]),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("listconfirmation", schema=None) as batch_op:
        batch_op.create_index("ix_listconfirmation_campaign", ["campaign_id", "agency_code"], unique=False)

    with op.batch_alter_table("auditlog", schema=None) as batch_op:
        batch_op.create_index("ix_auditlog_at", ["at", "device_id", "user_id", "action"], unique=False)

    with op.batch_alter_table("filedamage", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("campaign_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True)
        )
    op.execute(
        "UPDATE filedamage SET campaign_id = "
        "(SELECT campaign_id FROM filerecord WHERE filerecord.id = filedamage.record_id)"
    )
    with op.batch_alter_table("filedamage", schema=None) as batch_op:
        batch_op.create_index(
            "ix_filedamage_campaign", ["campaign_id", "damage_type", "severity"], unique=False
        )

    with op.batch_alter_table("filerecord", schema=None) as batch_op:
        batch_op.create_index(
            "ix_filerecord_campaign_stats", ["campaign_id", "deleted", "criteria", "carrier"], unique=False
        )
        batch_op.create_index(
            "ix_filerecord_campaign_agency",
            ["campaign_id", "deleted", "agency_code", "review_state"],
            unique=False,
        )
        batch_op.create_index("ix_filerecord_state_seq", ["review_state", "seq"], unique=False)
        batch_op.create_index("ix_filerecord_carrier_seq", ["carrier", "seq"], unique=False)
        batch_op.create_index("ix_filerecord_severity_seq", ["max_severity", "seq"], unique=False)
        batch_op.create_index("ix_filerecord_title_sort", ["title_folded", "id"], unique=False)
        batch_op.create_index(
            "ix_filerecord_title_trgm",
            ["title_folded"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"title_folded": "gin_trgm_ops"},
        )

    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS filerecord_campaign ON filerecord")
        op.execute("DROP FUNCTION IF EXISTS filerecord_campaign()")
        op.execute("DROP TRIGGER IF EXISTS filedamage_campaign ON filedamage")
        op.execute("DROP FUNCTION IF EXISTS filedamage_campaign()")
    else:
        op.execute("DROP TRIGGER IF EXISTS filerecord_campaign")
        op.execute("DROP TRIGGER IF EXISTS filedamage_campaign")

    with op.batch_alter_table("filerecord", schema=None) as batch_op:
        for name in (
            "ix_filerecord_title_trgm",
            "ix_filerecord_title_sort",
            "ix_filerecord_severity_seq",
            "ix_filerecord_carrier_seq",
            "ix_filerecord_state_seq",
            "ix_filerecord_campaign_agency",
            "ix_filerecord_campaign_stats",
        ):
            batch_op.drop_index(name)

    with op.batch_alter_table("filedamage", schema=None) as batch_op:
        batch_op.drop_index("ix_filedamage_campaign")
        batch_op.drop_column("campaign_id")

    with op.batch_alter_table("auditlog", schema=None) as batch_op:
        batch_op.drop_index("ix_auditlog_at")

    with op.batch_alter_table("listconfirmation", schema=None) as batch_op:
        batch_op.drop_index("ix_listconfirmation_campaign")
    op.drop_table("listconfirmation")
    op.drop_table("loginthrottle")
