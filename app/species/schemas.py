"""What the name lookup answers."""

from __future__ import annotations

from pydantic import BaseModel, Field


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
