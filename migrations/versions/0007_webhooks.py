"""webhook: customs systems' endpoints for permit news

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 12:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.core.db

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook")),
        sa.UniqueConstraint("name", name=op.f("uq_webhook_name")),
    )


def downgrade() -> None:
    op.drop_table("webhook")
