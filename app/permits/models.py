from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, UTCDateTime


class Permit(Base):
    """A document this Management Authority issued. Its content is the application's (frozen
    once issued); a replacement is a new permit pointing at the one it replaces (Box 5)."""

    __tablename__ = "permit"
    __table_args__ = (
        UniqueConstraint("issuing_party", "number"),
        Index("ix_permit_status_issued_at", "status", "issued_at"),
        Index("ix_permit_organisation_id_issued_at", "organisation_id", "issued_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(35))
    issuing_party: Mapped[str] = mapped_column(String(2))
    document_type: Mapped[str] = mapped_column(String(1))
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    status: Mapped[str] = mapped_column(String(20))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date, index=True)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status_reason: Mapped[str | None] = mapped_column(Text)
    replaces_permit_id: Mapped[int | None] = mapped_column(ForeignKey("permit.id"))
    replacement_reason: Mapped[str | None] = mapped_column(Text)
    # The signed CITESEPermit as issued: the authoritative permit, never rewritten.
    signed_xml: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)


class PermitNumberSequence(Base):
    """The last serial allocated per Party and year. Incremented inside the issuing
    transaction: a rolled-back issuance rolls its number back, so there are no gaps."""

    __tablename__ = "permit_number_sequence"

    party: Mapped[str] = mapped_column(String(2), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_serial: Mapped[int] = mapped_column(Integer)


class BorderEvent(Base):
    """What customs recorded at the border on a document: its export endorsement (Box 14) or
    its clearance at import. Recorded by this Party's customs, or reported by another Party
    over EPIX (``reported_by``, declaration ``epix:<message id>``). The declaration reference
    is the idempotency key: the same declaration again gets ``answer``, the first result."""

    __tablename__ = "border_event"
    __table_args__ = (
        UniqueConstraint("kind", "reported_by", "declaration_ref"),
        Index("ix_border_event_issuing_party_number", "issuing_party", "number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # export | import
    issuing_party: Mapped[str] = mapped_column(String(2))
    number: Mapped[str] = mapped_column(String(35))
    reported_by: Mapped[str] = mapped_column(String(2))
    declaration_ref: Mapped[str] = mapped_column(String(80))
    port: Mapped[str | None] = mapped_column(String(100))
    event_date: Mapped[date] = mapped_column(Date)
    customs_officer: Mapped[str | None] = mapped_column(String(200))
    import_permit_number: Mapped[str | None] = mapped_column(String(35))
    lines: Mapped[str] = mapped_column(Text)  # JSON [{"line", "quantity", "unit"}]
    request_sha256: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str | None] = mapped_column(Text)  # JSON, returned again on a resend
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
