"""application: the importing Party's import permit an export relies on, and the validity
the applicant asks for

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 19:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_permit_party", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("import_permit_number", sa.String(length=35), nullable=True))
        batch_op.add_column(sa.Column("requested_valid_until", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_column("requested_valid_until")
        batch_op.drop_column("import_permit_number")
        batch_op.drop_column("import_permit_party")
