from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict


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
