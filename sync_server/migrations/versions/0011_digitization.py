"""digitization: per-file state, stored masters, ingest runs; "digitized on" becomes the acceptance

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 09:00:00.000000

A file's digitization moves planned → out for scanning → scanned → accepted / rescan. The state
lives in ``filedigitization`` beside the synced record (never in its data or version). Scanned
masters are PDFs held in the master store by SHA-256 (``scanmaster``); each delivery taken in is an
``ingestrun`` with one ``ingestitem`` per PDF. The day a file was marked digitized on the web
(``filerecord.digitized_on``) becomes the acceptance day of an accepted state, with who marked it
and when taken from the audit trail.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_LAST_MARK = (
    "FROM auditlog a WHERE a.entity_type = 'file_record' AND a.entity_id = f.id "
    "AND a.action = 'digitized' ORDER BY a.id DESC LIMIT 1"
)
MOVE_DIGITIZED = f"""
INSERT INTO filedigitization (record_id, agency_code, state, accepted_on, checked_at, checked_by, updated_at)
SELECT f.id, f.agency_code, 'accepted', f.digitized_on,
       (SELECT a.at {_LAST_MARK}), (SELECT a.user_id {_LAST_MARK}), f.updated_at
  FROM filerecord f
 WHERE f.digitized_on IS NOT NULL
"""


def upgrade() -> None:
    op.create_table(
        "ingestrun",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("stored", sa.Integer(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("bytes_stored", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "scanmaster",
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("min_ppi", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["ingestrun.id"]),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "filedigitization",
        sa.Column("record_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("agency_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("master_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("ingested_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("ingested_by", sa.Integer(), nullable=True),
        sa.Column("ingest_run_id", sa.Integer(), nullable=True),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("checked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("checked_by", sa.Integer(), nullable=True),
        sa.Column("check_reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["filerecord.id"]),
        sa.ForeignKeyConstraint(["master_sha256"], ["scanmaster.sha256"]),
        sa.ForeignKeyConstraint(["ingest_run_id"], ["ingestrun.id"]),
        sa.PrimaryKeyConstraint("record_id"),
    )
    op.create_index("ix_filedigitization_state", "filedigitization", ["state", "agency_code"])
    op.create_index("ix_filedigitization_master_sha256", "filedigitization", ["master_sha256"])
    op.create_table(
        "ingestitem",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.Column("record_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("min_ppi", sa.Integer(), nullable=True),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["ingestrun.id"]),
        sa.PrimaryKeyConstraint("run_id", "n"),
    )
    op.create_index("ix_ingestitem_record_id", "ingestitem", ["record_id"])
    op.execute(MOVE_DIGITIZED)
    op.drop_column("filerecord", "digitized_on")  # native on SQLite >= 3.35: keeps the triggers


def downgrade() -> None:
    op.add_column("filerecord", sa.Column("digitized_on", sa.Date(), nullable=True))
    op.execute(
        "UPDATE filerecord SET digitized_on = (SELECT d.accepted_on FROM filedigitization d "
        "WHERE d.record_id = filerecord.id AND d.state = 'accepted')"
    )
    op.drop_index("ix_ingestitem_record_id", table_name="ingestitem")
    op.drop_table("ingestitem")
    op.drop_index("ix_filedigitization_master_sha256", table_name="filedigitization")
    op.drop_index("ix_filedigitization_state", table_name="filedigitization")
    op.drop_table("filedigitization")
    op.drop_table("scanmaster")
    op.drop_table("ingestrun")
