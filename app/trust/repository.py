from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.db import page
from app.trust.models import Peer, PeerCertificate


def get_peer(session: Session, party: str) -> Peer | None:
    return session.scalar(select(Peer).where(Peer.party == party))


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
