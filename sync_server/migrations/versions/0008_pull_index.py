"""pull index: file records by (agency, change sequence)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 20:40:00.000000

A surveyor's pull asks for the records of a few agencies changed after its cursor. With only the
sequence index, SQLite walked every record changed since the cursor, of every agency, to find them.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_filerecord_agency_seq", "filerecord", ["agency_code", "seq"])


def downgrade() -> None:
    op.drop_index("ix_filerecord_agency_seq", table_name="filerecord")
