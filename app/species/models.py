"""Species reference data: taxa, names, CITES listings and the measures that restrict trade.

Every row belongs to the import snapshot that brought it (``snapshot_id``): the current
reference data is the latest snapshot's, and a check records which snapshot it used, so a
decision can be reproduced later."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, UTCDateTime


class Snapshot(Base):
    """One import of reference data: when, from where, how much."""

    __tablename__ = "species_snapshot"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    counts: Mapped[str] = mapped_column(Text)  # JSON {"taxa": n, "listings": n, ...}


class Taxon(Base):
    """A name at a rank. Accepted names have ``accepted_id`` None; a synonym points at its
    accepted taxon. ``path`` is the accepted ancestry (ids, '/'-joined, kingdom first) so that
    a measure on a genus reaches its species with one prefix comparison."""

    __tablename__ = "taxon"
    __table_args__ = (
        # PostgreSQL: the pattern operator class, so that a prefix LIKE (the name search)
        # uses it whatever the database's collation (migration 0012)
        Index(
            "ix_taxon_snapshot_id_name_key",
            "snapshot_id",
            "name_key",
            postgresql_ops={"name_key": "varchar_pattern_ops"},
        ),
        Index("ix_taxon_snapshot_id_external_id", "snapshot_id", "external_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("species_snapshot.id"))
    external_id: Mapped[str] = mapped_column(String(40))  # e.g. the Species+ id
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))  # lower case, single spaces
    author: Mapped[str | None] = mapped_column(String(200))
    rank: Mapped[str] = mapped_column(String(20))
    kingdom: Mapped[str] = mapped_column(String(20))  # Animalia | Plantae
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("taxon.id"))
    accepted_id: Mapped[int | None] = mapped_column(ForeignKey("taxon.id"))
    path: Mapped[str] = mapped_column(String(400))


class CommonName(Base):
    __tablename__ = "taxon_common_name"
    __table_args__ = (
        Index(
            "ix_taxon_common_name_snapshot_id_name_key",
            "snapshot_id",
            "name_key",
            postgresql_ops={"name_key": "varchar_pattern_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # the taxon's snapshot, so that the name search reads one snapshot's names by index
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("species_snapshot.id"))
    taxon_id: Mapped[int] = mapped_column(ForeignKey("taxon.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(5))


class Listing(Base):
    """A taxon's CITES listing from ``effective_from`` (to ``effective_to``, exclusive).

    Population-specific listings: ``parties`` (comma-separated ISO codes) limits the listing
    to those Parties' populations; ``excluded_parties`` applies it to all populations but
    those. Appendix III: ``listed_by`` is the listing Party."""

    __tablename__ = "cites_listing"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("species_snapshot.id"), index=True)
    taxon_id: Mapped[int] = mapped_column(ForeignKey("taxon.id"), index=True)
    appendix: Mapped[str] = mapped_column(String(3))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    annotation: Mapped[str | None] = mapped_column(Text)
    parties: Mapped[str | None] = mapped_column(String(400))
    excluded_parties: Mapped[str | None] = mapped_column(String(400))
    listed_by: Mapped[str | None] = mapped_column(String(2))


class Reservation(Base):
    """A Party's reservation on a taxon's listing (Art. XV, XVI, XXIII): for trade with
    non-Parties and other reserving Parties it treats the taxon as not so listed."""

    __tablename__ = "cites_reservation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("species_snapshot.id"), index=True)
    taxon_id: Mapped[int] = mapped_column(ForeignKey("taxon.id"), index=True)
    party: Mapped[str] = mapped_column(String(2))
    appendix: Mapped[str] = mapped_column(String(3))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)


class Suspension(Base):
    """A recommendation to suspend trade with ``party``: all its trade (``taxon_id`` None) or
    in a taxon and its descendants; limited to sources and purposes when given."""

    __tablename__ = "cites_suspension"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("species_snapshot.id"), index=True)
    party: Mapped[str] = mapped_column(String(2), index=True)
    taxon_id: Mapped[int | None] = mapped_column(ForeignKey("taxon.id"))
    source_codes: Mapped[str | None] = mapped_column(String(40))  # comma-separated
    purpose_codes: Mapped[str | None] = mapped_column(String(40))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    applies_to_import: Mapped[bool] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)


class Quota(Base):
    """An export quota of ``party`` for a taxon and year (zero quotas exist)."""

    __tablename__ = "cites_quota"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("species_snapshot.id"), index=True)
    party: Mapped[str] = mapped_column(String(2), index=True)
    taxon_id: Mapped[int] = mapped_column(ForeignKey("taxon.id"))
    year: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[Decimal] = mapped_column(Numeric(18, 3))
    unit: Mapped[str] = mapped_column(String(3))
    term_code: Mapped[str | None] = mapped_column(String(3))
    source_code: Mapped[str | None] = mapped_column(String(1))
    notes: Mapped[str | None] = mapped_column(Text)


class QuotaAccount(Base):
    """What has been used of an export quota, kept across imports of the reference data.

    A quota is identified by its Party, year, taxon (accepted name), unit, term and source
    (``""`` when it names none): the same quota in a later snapshot continues the same account.
    Issuing a permit locks this row while it counts and reserves, so that two issuances at the
    same moment cannot together exceed the quota."""

    __tablename__ = "quota_account"
    __table_args__ = (
        UniqueConstraint(
            "party",
            "year",
            "taxon_key",
            "unit",
            "term_code",
            "source_code",
            name="uq_quota_account_identity",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party: Mapped[str] = mapped_column(String(2))
    year: Mapped[int] = mapped_column(Integer)
    taxon_name: Mapped[str] = mapped_column(String(200))
    taxon_key: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(3))
    term_code: Mapped[str] = mapped_column(String(3))  # "" : every term
    source_code: Mapped[str] = mapped_column(String(1))  # "" : every source
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QuotaLedgerEntry(Base):
    """One line of an issued permit against a quota account, in the quota's unit.

    ``reserved`` from issuance; ``consumed`` once customs endorsed the export (``consumed``
    then holds the quantity that left, which may be less); ``released`` when the permit was
    cancelled, replaced or expired unused. A reservation whose permit is past its validity
    (``expires_on``) no longer counts, even before the expiry job has released it: such a
    permit can no longer be endorsed."""

    __tablename__ = "quota_ledger_entry"
    __table_args__ = (Index("ix_quota_ledger_entry_account_id_status", "account_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("quota_account.id"))
    permit_id: Mapped[int] = mapped_column(ForeignKey("permit.id"), index=True)
    line: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(10))  # reserved | consumed | released
    quantity: Mapped[Decimal] = mapped_column(Numeric(18, 3))  # reserved at issuance
    consumed: Mapped[Decimal | None] = mapped_column(Numeric(18, 3))  # endorsed at export
    over_quota: Mapped[bool] = mapped_column(Boolean)  # reserved beyond the quota (override)
    expires_on: Mapped[date] = mapped_column(Date)  # the permit's last day of validity
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class NationalMeasure(Base):
    """A stricter domestic measure of this Party (Art. XIV(1)), added by an administrator:
    trade in a taxon and everything under it is not allowed, in one direction or both, for
    some purposes and sources or all, from a date to an optional end date (inclusive).

    The taxon is kept by its accepted name (``taxon_key``), so a measure outlives imports of
    the reference data. Withdrawn measures stay, with who withdrew them and why."""

    __tablename__ = "national_measure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party: Mapped[str] = mapped_column(String(2))
    taxon_name: Mapped[str] = mapped_column(String(200))
    taxon_key: Mapped[str] = mapped_column(String(200), index=True)
    direction: Mapped[str] = mapped_column(String(6))  # export | import | both
    purpose_codes: Mapped[str | None] = mapped_column(String(40))  # comma-separated
    source_codes: Mapped[str | None] = mapped_column(String(40))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
