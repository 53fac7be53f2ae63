from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    DEAD = "dead"


class OutboxMessageRead(BaseModel):
    """A message's delivery state (not its payload)."""

    model_config = ConfigDict(from_attributes=True)

    message_id: str
    destination: str
    message_type: str
    ordering_key: str
    status: OutboxStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    deadline_at: datetime
    delivered_at: datetime | None
    last_error: str | None
    has_receipt: bool = Field(
        description="Whether the peer's signed receipt is kept (GET .../receipt): the proof "
        "of delivery, or the signed reason of a rejection"
    )


class OutboxMessageList(BaseModel):
    items: list[OutboxMessageRead]
    total: int
    limit: int
    offset: int
