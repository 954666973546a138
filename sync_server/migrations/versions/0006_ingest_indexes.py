"""ingest indexes: drop the file record index that another one already covers

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 09:00:00.000000

``ix_filerecord_agency_code`` (agency_code) is the leading column of ``ix_filerecord_agency_fonds``
(agency_code, fonds_id, id), which answers every query the narrow one did. Each index costs every
pushed record a B-tree insert, so the one that adds nothing goes.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_filerecord_agency_code", table_name="filerecord")


def downgrade() -> None:
    op.create_index("ix_filerecord_agency_code", "filerecord", ["agency_code"], unique=False)
