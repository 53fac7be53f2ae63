"""The verification answer for machines (``Accept: application/json``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

State = Literal["valid", "not_yet_valid", "expired", "cancelled", "replaced", "exported", "used"]


class VerifiedLine(BaseModel):
    line: str = Field(description="The line letter (A, B, ...)")
    scientific_name: str | None
    term_code: str | None
    quantity: Decimal | None
    unit: str | None = Field(description="UN/ECE unit code; NAR or empty for a number")
    appendix: str | None
    source_code: str | None


class VerificationRead(BaseModel):
    """A permit confirmed: issued by this Management Authority with this number and exactly
    the signed document whose digest the QR code carries. No names or addresses of the
    traders or officials: only what identifies the document and what it covers."""

    confirmed: Literal[True] = True
    party: str = Field(description="The issuing Party (ISO 3166-1 alpha-2)")
    number: str
    document_type: str | None = Field(description="Box 1: E, R, I or O")
    document_name: str | None
    issuing_authority: str | None = Field(description="Box 6: the Management Authority")
    issued_on: date | None
    valid_from: date | None
    valid_until: date | None
    state: State = Field(description="The permit's state now, from this Authority's record")
    replaced_by: str | None = Field(description="The replacement's number, when replaced")
    lines: list[VerifiedLine]
    checked_at: datetime
