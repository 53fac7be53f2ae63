"""species reference data: snapshots, taxa, names, listings, reservations, suspensions, quotas

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 12:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.core.db

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "species_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("imported_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        _pk("species_snapshot"),
    )
    op.create_table(
        "taxon",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=True),
        sa.Column("rank", sa.String(length=20), nullable=False),
        sa.Column("kingdom", sa.String(length=20), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("accepted_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(length=400), nullable=False),
        _fk("taxon", "snapshot_id", "species_snapshot"),
        _fk("taxon", "parent_id", "taxon"),
        _fk("taxon", "accepted_id", "taxon"),
        _pk("taxon"),
    )
    op.create_index("ix_taxon_snapshot_id_name_key", "taxon", ["snapshot_id", "name_key"])
    op.create_index("ix_taxon_snapshot_id_external_id", "taxon", ["snapshot_id", "external_id"])
    op.create_table(
        "taxon_common_name",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taxon_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        _fk("taxon_common_name", "taxon_id", "taxon"),
        _pk("taxon_common_name"),
    )
    op.create_index("ix_taxon_common_name_name_key", "taxon_common_name", ["name_key"])
    op.create_index(op.f("ix_taxon_common_name_taxon_id"), "taxon_common_name", ["taxon_id"])
    op.create_table(
        "cites_listing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("taxon_id", sa.Integer(), nullable=False),
        sa.Column("appendix", sa.String(length=3), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("annotation", sa.Text(), nullable=True),
        sa.Column("parties", sa.String(length=400), nullable=True),
        sa.Column("excluded_parties", sa.String(length=400), nullable=True),
        sa.Column("listed_by", sa.String(length=2), nullable=True),
        _fk("cites_listing", "snapshot_id", "species_snapshot"),
        _fk("cites_listing", "taxon_id", "taxon"),
        _pk("cites_listing"),
    )
    op.create_index(op.f("ix_cites_listing_snapshot_id"), "cites_listing", ["snapshot_id"])
    op.create_index(op.f("ix_cites_listing_taxon_id"), "cites_listing", ["taxon_id"])
    op.create_table(
        "cites_reservation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("taxon_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=2), nullable=False),
        sa.Column("appendix", sa.String(length=3), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        _fk("cites_reservation", "snapshot_id", "species_snapshot"),
        _fk("cites_reservation", "taxon_id", "taxon"),
        _pk("cites_reservation"),
    )
    op.create_index(op.f("ix_cites_reservation_snapshot_id"), "cites_reservation", ["snapshot_id"])
    op.create_index(op.f("ix_cites_reservation_taxon_id"), "cites_reservation", ["taxon_id"])
    op.create_table(
        "cites_suspension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=2), nullable=False),
        sa.Column("taxon_id", sa.Integer(), nullable=True),
        sa.Column("source_codes", sa.String(length=40), nullable=True),
        sa.Column("purpose_codes", sa.String(length=40), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("applies_to_import", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        _fk("cites_suspension", "snapshot_id", "species_snapshot"),
        _fk("cites_suspension", "taxon_id", "taxon"),
        _pk("cites_suspension"),
    )
    op.create_index(op.f("ix_cites_suspension_snapshot_id"), "cites_suspension", ["snapshot_id"])
    op.create_index(op.f("ix_cites_suspension_party"), "cites_suspension", ["party"])
    op.create_table(
        "cites_quota",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=2), nullable=False),
        sa.Column("taxon_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("unit", sa.String(length=3), nullable=False),
        sa.Column("term_code", sa.String(length=3), nullable=True),
        sa.Column("source_code", sa.String(length=1), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        _fk("cites_quota", "snapshot_id", "species_snapshot"),
        _fk("cites_quota", "taxon_id", "taxon"),
        _pk("cites_quota"),
    )
    op.create_index(op.f("ix_cites_quota_snapshot_id"), "cites_quota", ["snapshot_id"])
    op.create_index(op.f("ix_cites_quota_party"), "cites_quota", ["party"])


def downgrade() -> None:
    for table in (
        "cites_quota",
        "cites_suspension",
        "cites_reservation",
        "cites_listing",
        "taxon_common_name",
        "taxon",
        "species_snapshot",
    ):
        op.drop_table(table)
