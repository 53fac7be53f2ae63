"""What customs sees of a permit, and what it declares at the border."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.core.schemas import InputModel


class CustomsState(StrEnum):
    """A document's state for customs, evaluated at the time of the check or event."""

    VALID = "VALID"
    NOT_YET_VALID = "NOT_YET_VALID"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"
    REPLACED = "REPLACED"
    EXPORTED = "EXPORTED"  # endorsed at export, awaiting import
    USED = "USED"  # cleared at import
    NOT_FOUND = "NOT_FOUND"


class Party(BaseModel):
    name: str | None
    country: str | None


class Quantity(BaseModel):
    line: str = Field(description="The permit line (A, B, ...)")
    quantity: Decimal
    unit: str = Field(description='UN/ECE unit code; NAR (or "") for a number of specimens')


class CustomsLine(BaseModel):
    line: str
    scientific_name: str | None
    permitted_quantity: Decimal | None
    unit: str
    exported_quantity: Decimal | None = Field(description="Endorsed at export (Box 14), when known")
    imported_quantity: Decimal | None = Field(description="Accepted at import, when cleared")


class Signature(BaseModel):
    """For a document another Party issued: does its signature verify now, and by whom."""

    verified: bool
    signer_fingerprint: str | None
    reasons: list[str]


class BorderEventRead(BaseModel):
    kind: str = Field(description="export (endorsement, Box 14) or import (clearance)")
    reported_by: str = Field(description="The Party whose customs recorded it")
    declaration_ref: str
    port: str | None
    date: date
    officer: str | None
    import_permit_number: str | None
    lines: list[Quantity]


class CustomsView(BaseModel):
    """One call at the border: is the document genuine and still usable, and what crossed."""

    country: str = Field(description="The issuing Party")
    number: str
    state: CustomsState
    own: bool = Field(description="Issued by this Party (else received from its issuer)")
    document_type: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    replaced_by: str | None = None
    exporter: Party | None = None
    importer: Party | None = None
    lines: list[CustomsLine] = []
    signature: Signature | None = None
    events: list[BorderEventRead] = []
    fetched: bool = Field(
        False, description="Asked of its issuing Party just now (it had not been pushed here)"
    )
    checked_at: datetime


class Declaration(InputModel):
    """A border event as customs declares it. ``declaration_ref`` is the idempotency key: the
    same declaration sent again gets the first answer."""

    model_config = ConfigDict(extra="forbid")

    declaration_ref: str = Field(min_length=1, max_length=80, pattern=r"^\S(.*\S)?$")
    port: str = Field(min_length=1, max_length=100)
    date: date
    officer: str = Field(min_length=1, max_length=200)
    lines: list[Quantity] = Field(min_length=1, max_length=50)

    @field_validator("lines")
    @classmethod
    def _quantities(cls, lines: list[Quantity]) -> list[Quantity]:
        for item in lines:
            if item.quantity < 0 or item.quantity.as_tuple().exponent < -3:  # type: ignore[operator]
                raise ValueError("quantities are 0 or more, with at most 3 decimals")
            if not item.line.strip() or len(item.line) > 35 or len(item.unit) > 3:
                raise ValueError("a line is a permit line id (A, B, ...) and a unit code")
        return lines


class ExportEndorsement(Declaration):
    pass


class ImportClearance(Declaration):
    import_permit_number: str | None = Field(
        None,
        max_length=35,
        description="This Party's import permit presented with it, where one is required "
        "(Appendix I)",
    )


class BorderEventResult(BaseModel):
    event: BorderEventRead
    permit: CustomsView


class WebhookIn(InputModel):
    """A customs system that wants this Party's permit news pushed to it."""

    name: str = Field(min_length=1, max_length=200, description="The customs system")
    url: str = Field(
        min_length=1,
        max_length=500,
        description="Where to POST: https, or http on loopback only",
    )


class WebhookRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    url: str
    state: str = Field(description="active or suspended (messages wait while suspended)")
    created_at: datetime
    updated_at: datetime


class WebhookList(BaseModel):
    items: list[WebhookRead]
    total: int
    limit: int
    offset: int
