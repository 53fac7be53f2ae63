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
