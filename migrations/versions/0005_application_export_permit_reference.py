"""application: the export permit an import relies on

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 11:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("export_permit_party", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("export_permit_number", sa.String(length=35), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_column("export_permit_number")
        batch_op.drop_column("export_permit_party")
