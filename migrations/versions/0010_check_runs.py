"""check_run: compliance check results per application and stage

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 13:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.core.db

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "check_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=True),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("overridden_by_id", sa.Integer(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_check_run_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["species_snapshot.id"],
            name=op.f("fk_check_run_snapshot_id_species_snapshot"),
        ),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["user_account.id"],
            name=op.f("fk_check_run_acknowledged_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["overridden_by_id"],
            ["user_account.id"],
            name=op.f("fk_check_run_overridden_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_run")),
    )
    op.create_index(op.f("ix_check_run_application_id"), "check_run", ["application_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_check_run_application_id"), table_name="check_run")
    op.drop_table("check_run")
