"""signed permits and the trust registry

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 09:50:24.196530
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.core.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "peer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("endpoint_url", sa.String(length=500), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer")),
        sa.UniqueConstraint("party", name=op.f("uq_peer_party")),
    )
    op.create_table(
        "peer_certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("peer_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("pem", sa.Text(), nullable=False),
        sa.Column("usage", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("not_before", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("not_after", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state_changed_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["peer_id"], ["peer.id"], name=op.f("fk_peer_certificate_peer_id_peer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer_certificate")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_peer_certificate_fingerprint")),
    )
    with op.batch_alter_table("peer_certificate", schema=None) as batch_op:
        batch_op.create_index(
            "ix_peer_certificate_peer_id_state", ["peer_id", "state"], unique=False
        )

    with op.batch_alter_table("permit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signed_xml", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("permit", schema=None) as batch_op:
        batch_op.drop_column("signed_xml")

    with op.batch_alter_table("peer_certificate", schema=None) as batch_op:
        batch_op.drop_index("ix_peer_certificate_peer_id_state")

    op.drop_table("peer_certificate")
    op.drop_table("peer")
