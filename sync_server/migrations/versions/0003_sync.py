"""sync: conflicts, revisions, idempotency

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 00:03:26.295784
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recordrevision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("entity_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("agency_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("server_version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("resolved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("resolution", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recordrevision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recordrevision_entity_id"), ["entity_id"], unique=False)

    with op.batch_alter_table("auditlog", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rev", sa.Integer(), nullable=True))

    with op.batch_alter_table("box", schema=None) as batch_op:
        batch_op.add_column(sa.Column("conflicted", sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table("fonds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("conflicted", sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table("reviewcomment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("conflicted", sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("conflicted", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_column("conflicted")

    with op.batch_alter_table("reviewcomment", schema=None) as batch_op:
        batch_op.drop_column("conflicted")

    with op.batch_alter_table("fonds", schema=None) as batch_op:
        batch_op.drop_column("conflicted")

    with op.batch_alter_table("box", schema=None) as batch_op:
        batch_op.drop_column("conflicted")

    with op.batch_alter_table("auditlog", schema=None) as batch_op:
        batch_op.drop_column("rev")

    with op.batch_alter_table("recordrevision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recordrevision_entity_id"))

    op.drop_table("recordrevision")
