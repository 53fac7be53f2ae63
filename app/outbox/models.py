from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, column_property, mapped_column

from app.core.db import Base, UTCDateTime


class OutboxMessage(Base):
    """One message to deliver. ``ordering_key`` (e.g. the permit number) keeps messages about
    the same thing in order: a message waits while an older one with its key is undelivered."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbox_message_ordering_key_id", "ordering_key", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    destination: Mapped[str] = mapped_column(String(200))  # e.g. a peer's Party code
    message_type: Mapped[str] = mapped_column(String(40))
    ordering_key: Mapped[str] = mapped_column(String(80))
    payload: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    status: Mapped[str] = mapped_column(String(20))  # pending | sending | delivered | dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    receipt: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # whether a receipt is kept, read without loading it (it is deferred)
    has_receipt: Mapped[bool] = column_property(receipt.is_not(None))


class Webhook(Base):
    """A customs system that wants this Party's permit news pushed to it: issuance,
    cancellation, replacement. Delivered by the outbox like EPIX messages (signed envelopes
    addressed to this Party, retried, visible); registered by an administrator."""

    __tablename__ = "webhook"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    url: Mapped[str] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(20))  # active | suspended
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
