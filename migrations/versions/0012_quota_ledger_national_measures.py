"""quota ledger (quota_account, quota_ledger_entry), national stricter measures, and the
name search's indexes (taxon_common_name.snapshot_id; the pattern operator class on PostgreSQL)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.core.db

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quota_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=2), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("taxon_name", sa.String(length=200), nullable=False),
        sa.Column("taxon_key", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=3), nullable=False),
        sa.Column("term_code", sa.String(length=3), nullable=False),
        sa.Column("source_code", sa.String(length=1), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quota_account")),
        sa.UniqueConstraint(
            "party",
            "year",
            "taxon_key",
            "unit",
            "term_code",
            "source_code",
            name="uq_quota_account_identity",
        ),
    )
    op.create_table(
        "quota_ledger_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("permit_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("consumed", sa.Numeric(precision=18, scale=3), nullable=True),
        sa.Column("over_quota", sa.Boolean(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("changed_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["quota_account.id"],
            name=op.f("fk_quota_ledger_entry_account_id_quota_account"),
        ),
        sa.ForeignKeyConstraint(
            ["permit_id"], ["permit.id"], name=op.f("fk_quota_ledger_entry_permit_id_permit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quota_ledger_entry")),
    )
    op.create_index(
        "ix_quota_ledger_entry_account_id_status",
        "quota_ledger_entry",
        ["account_id", "status"],
    )
    op.create_index(op.f("ix_quota_ledger_entry_permit_id"), "quota_ledger_entry", ["permit_id"])
    op.create_table(
        "national_measure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=2), nullable=False),
        sa.Column("taxon_name", sa.String(length=200), nullable=False),
        sa.Column("taxon_key", sa.String(length=200), nullable=False),
        sa.Column("direction", sa.String(length=6), nullable=False),
        sa.Column("purpose_codes", sa.String(length=40), nullable=True),
        sa.Column("source_codes", sa.String(length=40), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_national_measure_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"],
            ["user_account.id"],
            name=op.f("fk_national_measure_withdrawn_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_national_measure")),
    )
    op.create_index(op.f("ix_national_measure_taxon_key"), "national_measure", ["taxon_key"])
    _name_indexes(pattern=True)


def _name_indexes(*, pattern: bool) -> None:
    """The name search's indexes. taxon_common_name gets its taxon's snapshot_id (filled
    in from the taxon), so that a search reads one snapshot's common names by index. On
    PostgreSQL both indexes use the pattern operator class, which a prefix LIKE can use
    whatever the database's collation."""
    ops = {"name_key": "varchar_pattern_ops"} if pattern else {}
    if pattern:
        with op.batch_alter_table("taxon_common_name") as batch_op:
            batch_op.add_column(sa.Column("snapshot_id", sa.Integer(), nullable=True))
        op.execute(
            "UPDATE taxon_common_name SET snapshot_id = "
            "(SELECT taxon.snapshot_id FROM taxon WHERE taxon.id = taxon_common_name.taxon_id)"
        )
        with op.batch_alter_table("taxon_common_name") as batch_op:
            batch_op.alter_column("snapshot_id", existing_type=sa.Integer(), nullable=False)
            batch_op.create_foreign_key(
                op.f("fk_taxon_common_name_snapshot_id_species_snapshot"),
                "species_snapshot",
                ["snapshot_id"],
                ["id"],
            )
            batch_op.drop_index("ix_taxon_common_name_name_key")
            batch_op.create_index(
                "ix_taxon_common_name_snapshot_id_name_key",
                ["snapshot_id", "name_key"],
                postgresql_ops=ops,
            )
    else:
        with op.batch_alter_table("taxon_common_name") as batch_op:
            batch_op.drop_index("ix_taxon_common_name_snapshot_id_name_key")
            batch_op.drop_constraint(
                op.f("fk_taxon_common_name_snapshot_id_species_snapshot"), type_="foreignkey"
            )
            batch_op.drop_column("snapshot_id")
            batch_op.create_index("ix_taxon_common_name_name_key", ["name_key"])
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_taxon_snapshot_id_name_key", table_name="taxon")
        op.create_index(
            "ix_taxon_snapshot_id_name_key",
            "taxon",
            ["snapshot_id", "name_key"],
            postgresql_ops=ops,
        )


def downgrade() -> None:
    _name_indexes(pattern=False)
    op.drop_index(op.f("ix_national_measure_taxon_key"), table_name="national_measure")
    op.drop_table("national_measure")
    op.drop_index(op.f("ix_quota_ledger_entry_permit_id"), table_name="quota_ledger_entry")
    op.drop_index("ix_quota_ledger_entry_account_id_status", table_name="quota_ledger_entry")
    op.drop_table("quota_ledger_entry")
    op.drop_table("quota_account")
