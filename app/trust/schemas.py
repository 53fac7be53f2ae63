from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from app.core.schemas import InputModel


class PeerState(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class CertificateState(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    RETIRING = "retiring"
    REVOKED = "revoked"


VERIFYING_STATES = (CertificateState.ACTIVE, CertificateState.RETIRING)


class PeerCreate(InputModel):
    party: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2, or EU")
    name: str = Field(min_length=1, max_length=200, description="The Management Authority")
    endpoint_url: HttpUrl | None = Field(None, description="Its EPIX endpoint")


class PeerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    party: str
    name: str
    endpoint_url: str | None
    state: PeerState
    created_at: datetime
    updated_at: datetime


class PeerList(BaseModel):
    items: list[PeerRead]
    total: int
    limit: int
    offset: int


class CertificateCreate(InputModel):
    pem: str = Field(min_length=50, max_length=20_000, description="X.509 certificate, PEM")
    state: CertificateState = Field(
        CertificateState.ACTIVE, description="pending (to approve later) or active"
    )


class CertificateStateChange(InputModel):
    reason: str = Field(min_length=3, max_length=2000)


class CertificateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    peer_id: int
    fingerprint: str
    usage: str
    subject: str
    not_before: datetime
    not_after: datetime
    state: CertificateState
    created_at: datetime
    state_changed_at: datetime
    state_reason: str | None
