"""foundation: users, organisations, applications, permits, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-24 08:49:33.646539
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.core.db

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    op.create_table(
        "audit_event",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("occurred_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=120), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=True),
        sa.Column("remote_addr", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)

    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("name", name=op.f("uq_organisation_name")),
    )
    op.create_table(
        "permit_number_sequence",
        sa.Column("party", sa.String(length=2), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_serial", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("party", "year", name=op.f("pk_permit_number_sequence")),
    )
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_user_account_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_account_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_user_account_role"), ["role"], unique=False)

    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_api_key_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_key_prefix")),
    )
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_key_user_id"), ["user_id"], unique=False)

    op.create_table(
        "application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("document_type", sa.String(length=1), nullable=False),
        sa.Column("other_subtype", sa.String(length=40), nullable=True),
        sa.Column("applicant_name", sa.String(length=200), nullable=False),
        sa.Column("applicant_address", sa.Text(), nullable=False),
        sa.Column("applicant_country", sa.String(length=2), nullable=False),
        sa.Column("counterparty_name", sa.String(length=200), nullable=False),
        sa.Column("counterparty_address", sa.Text(), nullable=False),
        sa.Column("counterparty_country", sa.String(length=2), nullable=False),
        sa.Column("purpose_code", sa.String(length=1), nullable=False),
        sa.Column("special_conditions", sa.Text(), nullable=True),
        sa.Column("officer_comment", sa.Text(), nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_application_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_application_decided_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_application_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application")),
    )
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_document_type"), ["document_type"], unique=False
        )
        batch_op.create_index(
            "ix_application_organisation_id_created_at",
            ["organisation_id", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_application_status_submitted_at", ["status", "submitted_at"], unique=False
        )

    op.create_table(
        "application_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("letter", sa.String(length=2), nullable=False),
        sa.Column("scientific_name", sa.String(length=200), nullable=False),
        sa.Column("common_name", sa.String(length=200), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("term_code", sa.String(length=3), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("unit_code", sa.String(length=3), nullable=False),
        sa.Column("appendix", sa.String(length=3), nullable=False),
        sa.Column("source_code", sa.String(length=1), nullable=False),
        sa.Column("origin_country", sa.String(length=2), nullable=True),
        sa.Column("origin_permit_number", sa.String(length=35), nullable=True),
        sa.Column("origin_permit_date", sa.Date(), nullable=True),
        sa.Column("reexport_country", sa.String(length=2), nullable=True),
        sa.Column("reexport_certificate_number", sa.String(length=35), nullable=True),
        sa.Column("reexport_certificate_date", sa.Date(), nullable=True),
        sa.Column("marks", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_application_line_application_id_application"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_line")),
    )
    with op.batch_alter_table("application_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_line_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "permit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=35), nullable=False),
        sa.Column("issuing_party", sa.String(length=2), nullable=False),
        sa.Column("document_type", sa.String(length=1), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("issued_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("status_changed_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("replaces_permit_id", sa.Integer(), nullable=True),
        sa.Column("replacement_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_permit_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["user_account.id"], name=op.f("fk_permit_issued_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_permit_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["replaces_permit_id"], ["permit.id"], name=op.f("fk_permit_replaces_permit_id_permit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_permit")),
        sa.UniqueConstraint("issuing_party", "number", name=op.f("uq_permit_issuing_party_number")),
    )
    with op.batch_alter_table("permit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_permit_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            "ix_permit_organisation_id_issued_at", ["organisation_id", "issued_at"], unique=False
        )
        batch_op.create_index("ix_permit_status_issued_at", ["status", "issued_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_permit_valid_until"), ["valid_until"], unique=False)

    # The audit chain starts at the genesis hash; appenders lock this row.
    head = sa.table(
        "audit_chain_head",
        sa.column("id", sa.Integer),
        sa.column("last_seq", sa.Integer),
        sa.column("last_hash", sa.String),
    )
    op.bulk_insert(head, [{"id": 1, "last_seq": 0, "last_hash": "0" * 64}])


def downgrade() -> None:
    with op.batch_alter_table("permit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_permit_valid_until"))
        batch_op.drop_index("ix_permit_status_issued_at")
        batch_op.drop_index("ix_permit_organisation_id_issued_at")
        batch_op.drop_index(batch_op.f("ix_permit_application_id"))

    op.drop_table("permit")
    with op.batch_alter_table("application_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_line_application_id"))

    op.drop_table("application_line")
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index("ix_application_status_submitted_at")
        batch_op.drop_index("ix_application_organisation_id_created_at")
        batch_op.drop_index(batch_op.f("ix_application_document_type"))

    op.drop_table("application")
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_key_user_id"))

    op.drop_table("api_key")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_role"))
        batch_op.drop_index(batch_op.f("ix_user_account_organisation_id"))

    op.drop_table("user_account")
    op.drop_table("permit_number_sequence")
    op.drop_table("organisation")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
    op.drop_table("audit_chain_head")
