"""hardening: tokens keep to their door; photo possession and claims

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 06:00:00.000000

* ``apitoken.door``: where a token is accepted (``api``, ``device``, ``web``). Existing tablet tokens
  become ``device``; every other existing token ``api`` (an open web session signs in again).
* ``photoholder``: who proved to hold a photo by uploading its bytes; ``photoclaim``: who referred
  to a photo in which agency. An agency's users read a photo only through the claim of a holder.
  Existing photos are held by their uploader, and existing references count as the uploader's, so
  what could be read before stays readable.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("apitoken") as batch:
        batch.add_column(sa.Column("door", sa.String(length=10), nullable=False, server_default="api"))
    op.execute("UPDATE apitoken SET door = 'device' WHERE device_id IS NOT NULL")
    with op.batch_alter_table("apitoken") as batch:
        batch.alter_column("door", server_default=None)
    op.create_table(
        "photoholder",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "user_id"),
    )
    op.create_table(
        "photoclaim",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("agency_code", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "agency_code", "user_id"),
    )
    op.execute(
        "INSERT INTO photoholder (sha256, user_id) "
        "SELECT sha256, uploaded_by FROM photo WHERE uploaded_by IS NOT NULL"
    )
    op.execute(
        "INSERT INTO photoclaim (sha256, agency_code, user_id) "
        "SELECT DISTINCT l.sha256, l.agency_code, p.uploaded_by "
        "FROM recordphoto l JOIN photo p ON p.sha256 = l.sha256 WHERE p.uploaded_by IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_table("photoclaim")
    op.drop_table("photoholder")
    with op.batch_alter_table("apitoken") as batch:
        batch.drop_column("door")
