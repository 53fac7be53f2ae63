"""An intended trade for the dry run, and its results."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from app.core.schemas import InputModel


class IntendedLineIn(InputModel):
    scientific_name: str = Field(min_length=1, max_length=200)
    source_code: str = Field(min_length=1, max_length=1)
    term_code: str = Field(min_length=1, max_length=3)
    quantity: Decimal = Field(ge=0, max_digits=18, decimal_places=3)
    unit: str = Field("", max_length=3, description='UN/ECE unit; "" or NAR: specimens')
    origin_country: str | None = Field(None, pattern="^[A-Z]{2}$")
    appendix: str | None = Field(None, pattern="^(I|II|III)$", description="As declared")


class IntendedTradeIn(InputModel):
    document_type: str = Field(pattern="^[ERIO]$")
    exporter_country: str = Field(pattern="^[A-Z]{2}$")
    importer_country: str = Field(pattern="^[A-Z]{2}$")
    purpose_code: str = Field(min_length=1, max_length=1)
    lines: list[IntendedLineIn] = Field(min_length=1, max_length=50)
    on: date | None = Field(None, description="The date to check at (default: today)")
    import_permit_referenced: bool = Field(
        False, description="The importing Party's import permit is at hand (Appendix I)"
    )


class CheckResult(BaseModel):
    code: str
    severity: str = Field(description="block or warn")
    message: str
    line: str | None = Field(description="The line (A, B, ...), or null for the whole trade")


class CheckResults(BaseModel):
    results: list[CheckResult]
    snapshot_id: int | None = Field(description="The reference data the results used")
    blocked: bool
