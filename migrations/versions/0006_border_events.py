"""border_event: export endorsements and import clearances

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.core.db

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "border_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("issuing_party", sa.String(length=2), nullable=False),
        sa.Column("number", sa.String(length=35), nullable=False),
        sa.Column("reported_by", sa.String(length=2), nullable=False),
        sa.Column("declaration_ref", sa.String(length=80), nullable=False),
        sa.Column("port", sa.String(length=100), nullable=True),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("customs_officer", sa.String(length=200), nullable=True),
        sa.Column("import_permit_number", sa.String(length=35), nullable=True),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("request_sha256", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("recorded_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_border_event_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_border_event")),
        sa.UniqueConstraint(
            "kind",
            "reported_by",
            "declaration_ref",
            name=op.f("uq_border_event_kind_reported_by_declaration_ref"),
        ),
    )
    op.create_index(
        "ix_border_event_issuing_party_number", "border_event", ["issuing_party", "number"]
    )


def downgrade() -> None:
    op.drop_index("ix_border_event_issuing_party_number", table_name="border_event")
    op.drop_table("border_event")
