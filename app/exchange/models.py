from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, UTCDateTime


class InboxMessage(Base):
    """A message accepted from a peer, recorded in the transaction that applied it: the
    same message id again is answered with this receipt, never applied twice."""

    __tablename__ = "inbox_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    sender: Mapped[str] = mapped_column(String(2))
    message_type: Mapped[str] = mapped_column(String(40))
    permit_number: Mapped[str] = mapped_column(String(35))
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(30))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    receipt: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class ForeignPermit(Base):
    """A permit another Party issued, as received: its signed bytes (verified) and the
    fields officers search by."""

    __tablename__ = "foreign_permit"
    __table_args__ = (UniqueConstraint("issuing_party", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuing_party: Mapped[str] = mapped_column(String(2))
    number: Mapped[str] = mapped_column(String(35))
    document_type: Mapped[str | None] = mapped_column(String(1))
    valid_until: Mapped[date | None] = mapped_column(Date)
    importer_country: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(20))  # valid | cancelled | replaced | used
    status_reason: Mapped[str | None] = mapped_column(String(2000))
    signer_fingerprint: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(36))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signed_xml: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
