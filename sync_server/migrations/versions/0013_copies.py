"""copies: Circular 02/2019 metadata of files, insurance copy sets, fixity checks, handovers

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 10:00:00.000000

Staff metadata of a file (``filemetadata``, beside the synced record); insurance copy sets
(``copyset``), the copies written to them (``copywrite``, one row per master in ``copyitem``) and
their verifications (``copycheck``); fixity runs over the stored masters (``fixityrun``,
``fixitycheck``); handovers of the digitized database (``handover``, ``handoveritem``).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString
_T = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "filemetadata",
        sa.Column("record_id", _S(length=36), nullable=False),
        sa.Column("agency_code", _S(length=40), nullable=False),
        sa.Column("file_code", _S(length=30), nullable=True),
        sa.Column("info_sign", _S(length=30), nullable=True),
        sa.Column("keywords", _S(length=100), nullable=True),
        sa.Column("documents", sa.Integer(), nullable=True),
        sa.Column("annotation", _S(length=2000), nullable=True),
        sa.Column("updated_at", _T(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["record_id"], ["filerecord.id"]),
        sa.PrimaryKeyConstraint("record_id"),
    )
    op.create_table(
        "copyset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", _S(length=200), nullable=False),
        sa.Column("medium", _S(length=20), nullable=False),
        sa.Column("location", _S(length=300), nullable=False),
        sa.Column("note", _S(length=2000), nullable=True),
        sa.Column("created_at", _T(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    op.create_table(
        "copywrite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("target", _S(length=1000), nullable=False),
        sa.Column("fonds", sa.JSON(), nullable=False),
        sa.Column("state", _S(length=20), nullable=False),
        sa.Column("files", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("error", _S(length=2000), nullable=True),
        sa.Column("started_at", _T(), nullable=False),
        sa.Column("finished_at", _T(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["set_id"], ["copyset.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_copywrite_set_id", "copywrite", ["set_id"])
    op.create_table(
        "copyitem",
        sa.Column("write_id", sa.Integer(), nullable=False),
        sa.Column("sha256", _S(length=64), nullable=False),
        sa.Column("record_id", _S(length=36), nullable=False),
        sa.Column("path", _S(length=1000), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("result", _S(length=20), nullable=True),
        sa.Column("checked_at", _T(), nullable=True),
        sa.ForeignKeyConstraint(["write_id"], ["copywrite.id"]),
        sa.PrimaryKeyConstraint("write_id", "sha256"),
    )
    op.create_index("ix_copyitem_sha256", "copyitem", ["sha256"])
    op.create_table(
        "copycheck",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("write_id", sa.Integer(), nullable=False),
        sa.Column("result", _S(length=20), nullable=False),
        sa.Column("files", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=True),
        sa.Column("at", _T(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["write_id"], ["copywrite.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_copycheck_write_id", "copycheck", ["write_id"])
    op.create_table(
        "fixityrun",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", _T(), nullable=False),
        sa.Column("finished_at", _T(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("ok", sa.Integer(), nullable=False),
        sa.Column("problems", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "fixitycheck",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("sha256", _S(length=64), nullable=False),
        sa.Column("result", _S(length=20), nullable=False),
        sa.Column("found", _S(length=64), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("detail", _S(length=300), nullable=True),
        sa.Column("at", _T(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["fixityrun.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_fixitycheck_sha256", "fixitycheck", ["sha256", "id"])
    op.create_index("ix_fixitycheck_run", "fixitycheck", ["run_id", "result"])
    op.create_table(
        "handover",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", _S(length=50), nullable=False),
        sa.Column("handed_on", sa.Date(), nullable=False),
        sa.Column("recipient", _S(length=300), nullable=False),
        sa.Column("note", _S(length=2000), nullable=True),
        sa.Column("partial", sa.Boolean(), nullable=False),
        sa.Column("fonds", sa.JSON(), nullable=False),
        sa.Column("files", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("missing", sa.Integer(), nullable=False),
        sa.Column("catalogue_sha256", _S(length=64), nullable=False),
        sa.Column("catalogue_size", sa.BigInteger(), nullable=False),
        sa.Column("metadata_sha256", _S(length=64), nullable=False),
        sa.Column("metadata_size", sa.BigInteger(), nullable=False),
        sa.Column("package_sha256", _S(length=64), nullable=True),
        sa.Column("package_size", sa.BigInteger(), nullable=True),
        sa.Column("packaged_at", _T(), nullable=True),
        sa.Column("created_at", _T(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    op.create_table(
        "handoveritem",
        sa.Column("handover_id", sa.Integer(), nullable=False),
        sa.Column("record_id", _S(length=36), nullable=False),
        sa.Column("sha256", _S(length=64), nullable=False),
        sa.Column("path", _S(length=1000), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["handover_id"], ["handover.id"]),
        sa.PrimaryKeyConstraint("handover_id", "record_id"),
    )
    op.create_index("ix_handoveritem_record_id", "handoveritem", ["record_id"])


def downgrade() -> None:
    op.drop_index("ix_handoveritem_record_id", table_name="handoveritem")
    op.drop_table("handoveritem")
    op.drop_table("handover")
    op.drop_index("ix_fixitycheck_run", table_name="fixitycheck")
    op.drop_index("ix_fixitycheck_sha256", table_name="fixitycheck")
    op.drop_table("fixitycheck")
    op.drop_table("fixityrun")
    op.drop_index("ix_copycheck_write_id", table_name="copycheck")
    op.drop_table("copycheck")
    op.drop_index("ix_copyitem_sha256", table_name="copyitem")
    op.drop_table("copyitem")
    op.drop_index("ix_copywrite_set_id", table_name="copywrite")
    op.drop_table("copywrite")
    op.drop_table("copyset")
    op.drop_table("filemetadata")
