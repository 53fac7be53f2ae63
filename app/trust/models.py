from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, UTCDateTime


class Peer(Base):
    """Another Party's Management Authority system that this service exchanges permits with."""

    __tablename__ = "peer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    party: Mapped[str] = mapped_column(String(2), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    endpoint_url: Mapped[str | None] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(20))  # active | suspended
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PeerCertificate(Base):
    """A certificate a peer signs its permits with. Only ``active`` and ``retiring``
    certificates verify; ``pending`` ones wait for an administrator, ``revoked`` never again."""

    __tablename__ = "peer_certificate"
    __table_args__ = (Index("ix_peer_certificate_peer_id_state", "peer_id", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    peer_id: Mapped[int] = mapped_column(ForeignKey("peer.id"))
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    pem: Mapped[str] = mapped_column(Text)
    usage: Mapped[str] = mapped_column(String(20))  # signing
    subject: Mapped[str] = mapped_column(String(500))
    not_before: Mapped[datetime] = mapped_column(UTCDateTime())
    not_after: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(20))  # pending | active | retiring | revoked
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state_reason: Mapped[str | None] = mapped_column(Text)


class TrustRegistryVersion(Base):
    """One row whose ``version`` goes up with every change to peers and certificates, in the
    changing transaction: processes keep the registry in memory and reload it when it moved."""

    __tablename__ = "trust_registry_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
