"""approved lists, the digitization plan 2026–2033, custody of the boxes of originals

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 09:00:00.000000

``approvedlist`` holds the numbered lists of approved files frozen by a signed decision and
``approvedlistitem`` their files (one list per file, the record as it was when frozen); both never
change, nor does ``boxmovement``, the register of boxes checked out and in: triggers refuse any
update or delete of their rows. ``planbatch`` names the batches of a plan year; a file enters the
plan with a ``filedigitization`` row in state ``planned`` that carries its plan year and batch.
``boxcustody`` says where each box that has ever moved is now.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

FROZEN = ("approvedlist", "approvedlistitem", "boxmovement")
"""Tables whose rows are never updated or deleted."""

PG_REFUSE = """
CREATE FUNCTION saoluu_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'rows of % never change', TG_TABLE_NAME;
END $$
"""


def _freeze(table: str, dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            f"CREATE TRIGGER {table}_frozen BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION saoluu_refuse_change()"
        ]
    return [
        f"CREATE TRIGGER {table}_frozen_{event.lower()} BEFORE {event} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'rows of {table} never change'); END"
        for event in ("UPDATE", "DELETE")
    ]


def upgrade() -> None:
    op.create_table(
        "approvedlist",
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("campaign_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("agency_codes", sa.JSON(), nullable=False),
        sa.Column("supplement_to", sa.Integer(), nullable=True),
        sa.Column("decision_number", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("signer_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("signer_position", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("scan_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("scan_size", sa.BigInteger(), nullable=False),
        sa.Column("scan_mime", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("files", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["supplement_to"], ["approvedlist.number"]),
        sa.PrimaryKeyConstraint("number"),
    )
    op.create_index("ix_approvedlist_campaign_id", "approvedlist", ["campaign_id"])
    op.create_table(
        "approvedlistitem",
        sa.Column("record_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("list_number", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("agency_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("fonds_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["list_number"], ["approvedlist.number"]),
        sa.ForeignKeyConstraint(["record_id"], ["filerecord.id"]),
        sa.PrimaryKeyConstraint("record_id"),
    )
    op.create_index("ix_approvedlistitem_list", "approvedlistitem", ["list_number", "n"])
    op.create_index("ix_approvedlistitem_fonds_id", "approvedlistitem", ["fonds_id"])
    op.create_table(
        "planbatch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "name", name="uq_planbatch_year_name"),
    )
    op.create_table(
        "boxcustody",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("since", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("counterpart", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["planbatch.id"]),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_index("ix_boxcustody_place", "boxcustody", ["place", "since"])
    op.create_table(
        "boxmovement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("from_place", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("to_place", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("counterpart", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("files", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["planbatch.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_boxmovement_code", "boxmovement", ["code", "id"])
    with op.batch_alter_table("filedigitization") as batch:
        batch.add_column(sa.Column("plan_year", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("planned_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("planned_by", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_filedigitization_batch_id", "planbatch", ["batch_id"], ["id"])
        batch.create_index("ix_filedigitization_plan", ["plan_year", "state"])
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_REFUSE)
    for table in FROZEN:
        for statement in _freeze(table, dialect):
            op.execute(statement)


def downgrade() -> None:
    with op.batch_alter_table("filedigitization") as batch:
        batch.drop_index("ix_filedigitization_plan")
        batch.drop_constraint("fk_filedigitization_batch_id", type_="foreignkey")
        for column in ("planned_by", "planned_at", "batch_id", "plan_year"):
            batch.drop_column(column)
    op.drop_index("ix_boxmovement_code", table_name="boxmovement")
    op.drop_table("boxmovement")
    op.drop_index("ix_boxcustody_place", table_name="boxcustody")
    op.drop_table("boxcustody")
    op.drop_table("planbatch")
    op.drop_index("ix_approvedlistitem_fonds_id", table_name="approvedlistitem")
    op.drop_index("ix_approvedlistitem_list", table_name="approvedlistitem")
    op.drop_table("approvedlistitem")
    op.drop_index("ix_approvedlist_campaign_id", table_name="approvedlist")
    op.drop_table("approvedlist")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION saoluu_refuse_change()")
