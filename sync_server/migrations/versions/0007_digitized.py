"""digitized: the day the archive centre digitized a file

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 10:00:00.000000

The yearly report counts files and pages "digitized so far" and the handover catalogue the files
and pages digitized per fonds; the archive centre marks files digitized on the web.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("filerecord", sa.Column("digitized_on", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("filerecord", "digitized_on")  # native on SQLite >= 3.35: keeps the triggers
