"""PERMIT_REQUEST: fetch a peer's signed permit by number, on demand (a permit presented here
that was never pushed). The answer's permit is verified like a pushed one and stored.

The HTTP call is made between two transactions: nothing is locked while the peer answers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
from cryptography import x509
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.core.actor import Actor
from app.core.clock import utcnow
from app.core.errors import Conflict, NotFound, PeerFailure
from app.exchange.foreign import PermitRefused, Receiver, store_permit
from app.exchange.models import ForeignPermit
from app.exchange.status import advance
from app.trust import service as trust
from app.trust.schemas import PeerState
from epix import (
    EndpointError,
    EnvelopeHeader,
    ErrorCode,
    MessageType,
    Outcome,
    build_envelope,
    send,
)

RECORDED_STATES = frozenset({"exported", "used", "cancelled", "replaced"})  # else: by date


@dataclass(frozen=True)
class _Target:
    endpoint: str
    trusted: tuple[x509.Certificate, ...]
    revoked: frozenset[str]


def _target(session: Session, party: str) -> _Target:
    peer = trust.get_peer(session, party)
    if peer.state != PeerState.ACTIVE:
        raise Conflict(
            f"peer {party} is suspended", code="peer_suspended", details={"party": party}
        )
    if not peer.endpoint_url:
        raise Conflict(
            f"no EPIX endpoint is registered for {party}",
            code="peer_without_endpoint",
            details={"party": party},
        )
    trusted, revoked = trust.registry_view(session).lookup(party)
    return _Target(peer.endpoint_url, tuple(trusted), revoked)


def request_permit(
    session: Session,
    *,
    party: str,
    number: str,
    receiver: Receiver,
    client: httpx.Client,
    actor: Actor,
    timeout: float = 10.0,
) -> ForeignPermit:
    """Ask ``party`` for its permit ``number``; store it (verified) and return it, in the
    caller's session (which commits). The session's transaction so far is committed before
    the peer is asked, so that no lock is held over the network."""
    target = _target(session, party)
    session.commit()
    message_id = uuid.uuid4()
    envelope = build_envelope(
        EnvelopeHeader(
            message_id=message_id,
            sender=receiver.party,
            recipient=party,
            message_type=MessageType.PERMIT_REQUEST,
            created_at=utcnow(),
            permit_number=number,
        ),
        None,
        receiver.key,
    )
    try:
        delivery = send(
            client,
            target.endpoint,
            envelope,
            schemas=receiver.schemas,
            trusted=target.trusted,
            revoked=target.revoked,
            message_id=str(message_id),
            timeout=timeout,
        )
    except EndpointError as exc:
        raise Conflict(str(exc), code="peer_endpoint_refused", details={"party": party}) from None
    details = {"party": party, "number": number, "error": delivery.error}
    if delivery.outcome is Outcome.RETRY:
        raise PeerFailure(
            f"{party} could not be asked: {delivery.error}",
            code="peer_unreachable",
            details=details,
        )
    receipt = delivery.receipt
    if delivery.outcome is Outcome.REJECTED or receipt is None:
        codes = {p.code for p in receipt.errors} if receipt else set()
        if ErrorCode.PERMIT_NOT_FOUND in codes:
            raise NotFound(
                f"{party} has no permit {number}", code="peer_permit_not_found", details=details
            )
        raise PeerFailure(
            f"{party} refused the request: {delivery.error}", code="peer_rejected", details=details
        )
    if receipt.permit is None:
        raise PeerFailure(
            f"{party} answered without a permit", code="peer_answer_invalid", details=details
        )
    try:
        stored = store_permit(
            session,
            sender=party,
            number=number,
            signed=receipt.permit,
            message_id=str(message_id),
            receiver=receiver,
            now=utcnow(),
        )
    except PermitRefused as exc:
        raise PeerFailure(
            f"the permit {party} sent is refused: {exc.message}",
            code="peer_answer_invalid",
            details={**details, "error": exc.code.value},
        ) from None
    session.flush()  # the stored permit's id, for the audit trail
    if receipt.permit_state in RECORDED_STATES:  # the issuer's word on it now
        moved = advance(stored.status, receipt.permit_state)
        if moved != stored.status:
            stored.status = moved
            if receipt.replaced_by:
                stored.status_reason = f"replaced by {receipt.replaced_by}"
    audit.record(
        session,
        actor=actor,
        action="foreign_permit.request",
        object_type="foreign_permit",
        object_id=stored.id,
        details={
            "party": party,
            "number": number,
            "message_id": str(message_id),
            "state": receipt.permit_state,
        },
    )
    return stored
