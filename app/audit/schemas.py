from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    occurred_at: datetime
    actor_user_id: int | None
    actor_name: str
    actor_role: str | None
    remote_addr: str | None
    action: str
    object_type: str
    object_id: str
    details: dict[str, Any] = Field(default_factory=dict)
    hash: str

    @field_validator("details", mode="before")
    @classmethod
    def _json(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value


class AuditEventList(BaseModel):
    items: list[AuditEventRead]
    total: int
    limit: int
    offset: int


class ChainReportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    ok: bool
    events_checked: int
    first_broken_seq: int | None
    reason: str | None
