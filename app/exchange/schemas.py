from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class ForeignPermitRead(BaseModel):
    """A permit another Party issued and pushed here (its signature verified on receipt)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    issuing_party: str
    number: str
    document_type: str | None
    valid_until: date | None
    importer_country: str | None
    status: str
    status_reason: str | None
    signer_fingerprint: str
    message_id: str
    received_at: datetime


class ForeignPermitList(BaseModel):
    items: list[ForeignPermitRead]
    total: int
    limit: int
    offset: int


class ExportPermitReference(BaseModel):
    """The export permit or re-export certificate an import application names."""

    party: str
    number: str


class CheckReason(BaseModel):
    """One failed point of an export permit check; ``code`` is stable."""

    code: str
    message: str


class CheckedPermit(BaseModel):
    """The received permit the reference led to, as stored."""

    model_config = ConfigDict(from_attributes=True)

    issuing_party: str
    number: str
    status: str
    valid_until: date | None
    received_at: datetime


class CheckedLine(BaseModel):
    """An application line against the permit: what is asked, what the permit allows for the
    same species and unit (all its lines together), and whether that covers it."""

    letter: str
    scientific_name: str
    asked_quantity: Decimal
    unit_code: str
    permitted_quantity: Decimal | None
    sufficient: bool


class ExportPermitCheck(BaseModel):
    """Is the export permit an import application relies on authentic (its signature verifies
    now), valid (in force, for this Party) and sufficient (covers every line)?"""

    reference: ExportPermitReference | None
    found: bool
    authentic: bool
    valid: bool
    sufficient: bool
    reasons: list[CheckReason]
    permit: CheckedPermit | None
    lines: list[CheckedLine]


class PermitRequestBody(BaseModel):
    """Which peer permit to fetch (PERMIT_REQUEST)."""

    model_config = ConfigDict(extra="forbid")

    party: str = Field(pattern="^[A-Z]{2}$", description="The Party that issued it")
    number: str = Field(
        min_length=1, max_length=35, pattern=r"^\S(.*\S)?$", description="Its permit number"
    )
