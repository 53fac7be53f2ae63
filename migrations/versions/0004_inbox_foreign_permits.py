"""inbox and foreign permits

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 10:49:27.338714
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.core.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "foreign_permit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuing_party", sa.String(length=2), nullable=False),
        sa.Column("number", sa.String(length=35), nullable=False),
        sa.Column("document_type", sa.String(length=1), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("importer_country", sa.String(length=2), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.String(length=2000), nullable=True),
        sa.Column("signer_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("received_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("signed_xml", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_foreign_permit")),
        sa.UniqueConstraint(
            "issuing_party", "number", name=op.f("uq_foreign_permit_issuing_party_number")
        ),
    )
    op.create_table(
        "inbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("sender", sa.String(length=2), nullable=False),
        sa.Column("message_type", sa.String(length=40), nullable=False),
        sa.Column("permit_number", sa.String(length=35), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("received_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("receipt", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_message")),
        sa.UniqueConstraint("message_id", name=op.f("uq_inbox_message_message_id")),
    )


def downgrade() -> None:
    op.drop_table("inbox_message")
    op.drop_table("foreign_permit")
