"""inventory: visits, fonds, boxes, file records, damage, photos, nil reports, reviews

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 23:49:54.489448
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "photo",
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("mime", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "recordphoto",
        sa.Column("entity_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("agency_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.PrimaryKeyConstraint("entity_id", "sha256"),
    )
    with op.batch_alter_table("recordphoto", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recordphoto_sha256"), ["sha256"], unique=False)

    op.create_table(
        "box",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("agency_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("fonds_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_code"],
            ["agency.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("box", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_box_agency_code"), ["agency_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_box_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_box_fonds_id"), ["fonds_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_box_seq"), ["seq"], unique=False)

    op.create_table(
        "filerecord",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("agency_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("campaign_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("fonds_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("box_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("file_no", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("title_folded", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("carrier", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("criteria", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("rare", sa.Boolean(), nullable=False),
        sa.Column("leaves", sa.Integer(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("max_severity", sa.Integer(), nullable=False),
        sa.Column("review_state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("conflicted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_code"],
            ["agency.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("filerecord", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_filerecord_agency_code"), ["agency_code"], unique=False)
        batch_op.create_index("ix_filerecord_agency_fonds", ["agency_code", "fonds_id", "id"], unique=False)
        batch_op.create_index("ix_filerecord_review", ["review_state", "agency_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_filerecord_seq"), ["seq"], unique=False)

    op.create_table(
        "fonds",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("agency_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_code"],
            ["agency.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("fonds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fonds_agency_code"), ["agency_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_fonds_seq"), ["seq"], unique=False)

    op.create_table(
        "nilreport",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("agency_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("campaign_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("doc_number", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("doc_date", sa.Date(), nullable=False),
        sa.Column("review_state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("conflicted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_code"],
            ["agency.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("nilreport", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nilreport_agency_code"), ["agency_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_nilreport_seq"), ["seq"], unique=False)

    op.create_table(
        "reviewcomment",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("agency_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("entity_type", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("entity_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_code"],
            ["agency.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reviewcomment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviewcomment_agency_code"), ["agency_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_reviewcomment_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reviewcomment_seq"), ["seq"], unique=False)

    op.create_table(
        "filedamage",
        sa.Column("record_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("damage_type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("agency_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("readability", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["filerecord.id"],
        ),
        sa.PrimaryKeyConstraint("record_id", "damage_type"),
    )
    with op.batch_alter_table("filedamage", schema=None) as batch_op:
        batch_op.create_index("ix_filedamage_type_sev", ["damage_type", "severity"], unique=False)
    op.create_table(
        "visit",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("agency_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("campaign_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_code"],
            ["agency.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_agency_code"), ["agency_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_seq"), ["seq"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_seq"))
        batch_op.drop_index(batch_op.f("ix_visit_agency_code"))

    op.drop_table("visit")
    with op.batch_alter_table("filedamage", schema=None) as batch_op:
        batch_op.drop_index("ix_filedamage_type_sev")

    op.drop_table("filedamage")
    with op.batch_alter_table("reviewcomment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviewcomment_seq"))
        batch_op.drop_index(batch_op.f("ix_reviewcomment_entity_id"))
        batch_op.drop_index(batch_op.f("ix_reviewcomment_agency_code"))

    op.drop_table("reviewcomment")
    with op.batch_alter_table("nilreport", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nilreport_seq"))
        batch_op.drop_index(batch_op.f("ix_nilreport_agency_code"))

    op.drop_table("nilreport")
    with op.batch_alter_table("fonds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fonds_seq"))
        batch_op.drop_index(batch_op.f("ix_fonds_agency_code"))

    op.drop_table("fonds")
    with op.batch_alter_table("filerecord", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_filerecord_seq"))
        batch_op.drop_index("ix_filerecord_review")
        batch_op.drop_index("ix_filerecord_agency_fonds")
        batch_op.drop_index(batch_op.f("ix_filerecord_agency_code"))

    op.drop_table("filerecord")
    with op.batch_alter_table("box", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_box_seq"))
        batch_op.drop_index(batch_op.f("ix_box_fonds_id"))
        batch_op.drop_index(batch_op.f("ix_box_code"))
        batch_op.drop_index(batch_op.f("ix_box_agency_code"))

    op.drop_table("box")
    with op.batch_alter_table("recordphoto", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recordphoto_sha256"))

    op.drop_table("recordphoto")
    op.drop_table("photo")
