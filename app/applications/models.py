from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, UTCDateTime


class Application(Base):
    """An application for one document (one consignment), with its lines A, B, ...

    The applicant is the trader's organisation (exporter, Box 4, for E/R/O; importer, Box 3,
    for I); the counterparty is the other side of the trade."""

    __tablename__ = "application"
    __table_args__ = (
        Index("ix_application_status_submitted_at", "status", "submitted_at"),
        Index("ix_application_organisation_id_created_at", "organisation_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(String(20))
    document_type: Mapped[str] = mapped_column(String(1), index=True)
    other_subtype: Mapped[str | None] = mapped_column(String(40))
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_address: Mapped[str] = mapped_column(Text)
    applicant_country: Mapped[str] = mapped_column(String(2))
    counterparty_name: Mapped[str] = mapped_column(String(200))
    counterparty_address: Mapped[str] = mapped_column(Text)
    counterparty_country: Mapped[str] = mapped_column(String(2))
    purpose_code: Mapped[str] = mapped_column(String(1))
    special_conditions: Mapped[str | None] = mapped_column(Text)
    # For an import permit (I): the export permit or re-export certificate it relies on,
    # keyed as foreign permits are (issuing Party, number); both set or neither.
    export_permit_party: Mapped[str | None] = mapped_column(String(2))
    export_permit_number: Mapped[str | None] = mapped_column(String(35))
    # For an export permit or re-export certificate (E, R): the importing Party's import
    # permit it relies on (Appendix I, Art. III(2)(d)), keyed the same way; both or neither.
    import_permit_party: Mapped[str | None] = mapped_column(String(2))
    import_permit_number: Mapped[str | None] = mapped_column(String(35))
    # The last day of validity the applicant asks for (Box 2); None: the longest allowed.
    requested_valid_until: Mapped[date | None] = mapped_column(Date)
    # the latest compliance check run blocks issuance (kept here: no query when issuing)
    checks_blocked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    officer_comment: Mapped[str | None] = mapped_column(Text)
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    lines: Mapped[list[ApplicationLine]] = relationship(
        lazy="raise", order_by="ApplicationLine.position", cascade="all, delete-orphan"
    )


class ApplicationLine(Base):
    """One species line (Boxes 7-12b)."""

    __tablename__ = "application_line"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    letter: Mapped[str] = mapped_column(String(2))
    scientific_name: Mapped[str] = mapped_column(String(200))
    common_name: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    term_code: Mapped[str] = mapped_column(String(3))
    quantity: Mapped[Decimal] = mapped_column(Numeric(18, 3))
    unit_code: Mapped[str] = mapped_column(String(3))
    appendix: Mapped[str] = mapped_column(String(3))
    source_code: Mapped[str] = mapped_column(String(1))
    origin_country: Mapped[str | None] = mapped_column(String(2))
    origin_permit_number: Mapped[str | None] = mapped_column(String(35))
    origin_permit_date: Mapped[date | None] = mapped_column(Date)
    reexport_country: Mapped[str | None] = mapped_column(String(2))
    reexport_certificate_number: Mapped[str | None] = mapped_column(String(35))
    reexport_certificate_date: Mapped[date | None] = mapped_column(Date)
    marks: Mapped[str | None] = mapped_column(Text)
