from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from app.core.schemas import InputModel


class PermitState(StrEnum):
    """A permit's states; the moves between them are app/workflow/transitions.py's."""

    VALID = "valid"
    EXPORTED = "exported"  # endorsed by customs at export (Box 14), awaiting import
    USED = "used"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    REPLACED = "replaced"


class PermitIssue(InputModel):
    model_config = ConfigDict(extra="forbid")

    valid_until: date | None = Field(
        None, description="Shorter validity than the maximum (6 months for E/R, 12 for I)."
    )


class PermitCancel(InputModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=2000)


class PermitReplace(InputModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        min_length=3,
        max_length=2000,
        description="Why the document is replaced (lost, stolen, damaged, ...).",
    )
    valid_until: date | None = None


class PermitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    issuing_party: str
    document_type: str
    application_id: int
    organisation_id: int
    status: str
    issued_at: datetime
    valid_from: date
    valid_until: date
    status_changed_at: datetime | None
    status_reason: str | None
    replaces_permit_id: int | None
    replacement_reason: str | None
    replaces_number: str | None = None


class PermitList(BaseModel):
    items: list[PermitRead]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class PermitFilter:
    organisation_id: int | None = None
    application_id: int | None = None
    statuses: tuple[str, ...] = ()
    document_type: str | None = None
    number: str | None = None
    issued_from: datetime | None = None
    issued_to: datetime | None = None
