"""What the name lookup, the quota ledger and the national measures answer and take."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field

from app.codelists import lists
from app.core.schemas import InputModel


class TaxonMatch(BaseModel):
    accepted_name: str
    author: str | None
    rank: str
    kingdom: str
    matched: str | None = Field(description="The synonym or common name that matched, if any")
    appendix: str | None = Field(description="Its listing today (for all populations)")
    listing_notes: list[str] = Field(description="Population splits, Appendix III Party, notes")
    common_names: list[str]


class TaxonMatches(BaseModel):
    items: list[TaxonMatch]
    snapshot_id: int | None


class QuotaRead(BaseModel):
    id: int = Field(description="The quota in the current reference data")
    party: str = Field(description="The exporting Party")
    year: int
    taxon: str = Field(description="Accepted name; the quota counts everything under it")
    quantity: Decimal
    unit: str
    term_code: str | None = Field(description="The quota counts only this term (null: all)")
    source_code: str | None = Field(description="The quota counts only this source (null: all)")
    notes: str | None
    reserved: Decimal = Field(description="Held by issued permits not yet exported")
    consumed: Decimal = Field(description="Endorsed by customs at export")
    used: Decimal = Field(description="reserved + consumed")
    remaining: Decimal = Field(description="quantity - used (below zero: exceeded by override)")


class QuotaList(BaseModel):
    items: list[QuotaRead]
    total: int
    limit: int
    offset: int
    snapshot_id: int | None = Field(description="The reference data listed (null: none)")


PurposeCode = Annotated[str, Field(min_length=1, max_length=1), AfterValidator(lists.purpose_code)]
SourceCode = Annotated[str, Field(min_length=1, max_length=1), AfterValidator(lists.source_code)]


class MeasureIn(InputModel):
    taxon: str = Field(
        min_length=2,
        max_length=200,
        description="Accepted name or synonym (and all under it)",
    )
    direction: Literal["export", "import", "both"] = Field(
        description="export: this Party's exports and re-exports; import: its imports"
    )
    purpose_codes: list[PurposeCode] = Field(
        default_factory=list, max_length=20, description="Only these purposes (none: all)"
    )
    source_codes: list[SourceCode] = Field(
        default_factory=list, max_length=20, description="Only these sources (none: all)"
    )
    start_date: date
    end_date: date | None = Field(None, description="The last day it applies (none: open)")
    reason: str = Field(min_length=10, max_length=4000, description="Told to the trader")


class MeasureWithdraw(InputModel):
    reason: str = Field(min_length=10, max_length=4000)


class MeasureRead(BaseModel):
    id: int
    party: str
    taxon: str
    direction: str
    purpose_codes: list[str]
    source_codes: list[str]
    start_date: date
    end_date: date | None
    reason: str
    created_at: datetime
    created_by_id: int | None
    withdrawn_at: datetime | None
    withdrawn_by_id: int | None
    withdrawal_reason: str | None


class MeasureList(BaseModel):
    items: list[MeasureRead]
    total: int
    limit: int
    offset: int
