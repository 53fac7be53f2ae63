from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from app.core.db import page
from app.trust.models import Peer, PeerCertificate, TrustRegistryVersion


def get_peer(session: Session, party: str) -> Peer | None:
    return session.scalar(select(Peer).where(Peer.party == party))


_PEERS = cast(Table, Peer.__table__)
_PEER_EXISTS = select(_PEERS.c.id).where(_PEERS.c.party == bindparam("party"))  # built once


def peer_exists(session: Session, party: str) -> bool:
    """Whether a peer row exists for ``party``: Core on the session's connection (an issuance
    asks it of every export), without a flush (peers are written when added, never deleted)."""
    return session.connection().scalar(_PEER_EXISTS, {"party": party}) is not None


def list_peers(
    session: Session, *, state: str | None, limit: int, offset: int
) -> tuple[list[Peer], int]:
    query = select(Peer)
    if state:
        query = query.where(Peer.state == state)
    return page(session, query, Peer.party, limit=limit, offset=offset)


def get_certificate(session: Session, fingerprint: str) -> PeerCertificate | None:
    return session.scalar(select(PeerCertificate).where(PeerCertificate.fingerprint == fingerprint))


def certificates(
    session: Session, peer_id: int, states: Sequence[str] = ()
) -> list[PeerCertificate]:
    query = select(PeerCertificate).where(PeerCertificate.peer_id == peer_id)
    if states:
        query = query.where(PeerCertificate.state.in_(states))
    return list(session.scalars(query.order_by(PeerCertificate.not_before)))


_VERSIONS = cast(Table, TrustRegistryVersion.__table__)
_VERSION = select(_VERSIONS.c.version).where(_VERSIONS.c.id == 1)  # built once: read per message


def version(session: Session) -> int | None:
    # Core on the session's connection: the transaction's snapshot, without the ORM's overhead
    return session.connection().scalar(_VERSION)


def bump_version(session: Session) -> bool:
    """Move the version on; False when its row is missing."""
    result = session.execute(
        update(TrustRegistryVersion)
        .where(TrustRegistryVersion.id == 1)
        .values(version=TrustRegistryVersion.version + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def all_peers(session: Session) -> list[Peer]:
    return list(session.scalars(select(Peer).order_by(Peer.party)))


def all_certificates(session: Session) -> dict[int, list[PeerCertificate]]:
    grouped: dict[int, list[PeerCertificate]] = {}
    for record in session.scalars(select(PeerCertificate).order_by(PeerCertificate.id)):
        grouped.setdefault(record.peer_id, []).append(record)
    return grouped
