"""EPIX announcements: the messages a permit's life sends to other Parties, queued in the
transaction that changes the permit (so a message exists exactly when its change does).

* An export permit or re-export certificate issued for a Party that is a registered peer is
  pushed to it (``PERMIT_ISSUED``, the signed permit as issued).
* A permit that was pushed and is then cancelled or replaced is announced to every Party it
  was pushed to (``PERMIT_STATUS``): a status never goes where the permit did not.
* Customs systems registered as webhooks get every issued permit, and its cancellation or
  replacement (envelopes addressed to this Party itself).

Each message is signed when queued and sent as queued: a retry is the same bytes under the same
message id, which the receiver recognises as a duplicate."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import utcnow
from app.outbox import service as outbox
from app.outbox import webhooks
from app.outbox.models import OutboxMessage
from app.outbox.repository import with_key_prefix
from app.permits.document import Issuance
from app.permits.models import Permit
from app.trust import service as trust
from epix import (
    EndorsedQuantity,
    EnvelopeHeader,
    MessageType,
    PermitState,
    PermitStatusBody,
    build_envelope,
)
from signing import SigningKey

PUSHED_TYPES = frozenset({"E", "R"})  # export permits and re-export certificates


@dataclass(frozen=True)
class Announcer:
    """This Party as a sender: its code, the key envelopes are signed with, and how long the
    relay keeps trying before a message is ``dead``."""

    party: str
    key: SigningKey
    deadline: timedelta = outbox.DEFAULT_DEADLINE

    @classmethod
    def of(cls, issuance: Issuance, deadline: timedelta = outbox.DEFAULT_DEADLINE) -> Announcer:
        """The sender that issues with ``issuance``: same Party, same key."""
        return cls(party=issuance.party, key=issuance.sealer.key, deadline=deadline)


def ordering_key(number: str, destination: str) -> str:
    """Messages about one permit to one Party are delivered in the order they were queued."""
    return f"{number}@{destination}"


def _enqueue(
    session: Session,
    announcer: Announcer,
    *,
    destination: str,
    kind: MessageType,
    number: str,
    body: bytes | PermitStatusBody,
    recipient: str | None = None,
) -> OutboxMessage:
    now = utcnow()
    header = EnvelopeHeader(
        message_id=uuid.uuid4(),
        sender=announcer.party,
        recipient=recipient or destination,
        message_type=kind,
        created_at=now,
        permit_number=number,
    )
    return outbox.enqueue(
        session,
        destination=destination,
        message_type=kind.value,
        ordering_key=ordering_key(number, destination),
        payload=build_envelope(header, body, announcer.key),
        message_id=str(header.message_id),
        now=now,
        deadline=announcer.deadline,
    )


def _to_customs(
    session: Session, announcer: Announcer, *, number: str, body: bytes | PermitStatusBody
) -> None:
    """The same news for every active customs webhook, as envelopes addressed to this Party."""
    kind = MessageType.PERMIT_ISSUED if isinstance(body, bytes) else MessageType.PERMIT_STATUS
    for destination in webhooks.active_destinations(session):
        _enqueue(
            session,
            announcer,
            destination=destination,
            kind=kind,
            number=number,
            body=body,
            recipient=announcer.party,
        )


def permit_issued(
    session: Session, announcer: Announcer, *, permit: Permit, importing_party: str
) -> OutboxMessage | None:
    """Queue the push of a newly issued permit to the importing Party, when it should go there:
    an export or re-export document, for a registered peer. Returns the message, else None.
    Customs webhooks get every issued permit."""
    if permit.signed_xml is not None:
        _to_customs(session, announcer, number=permit.number, body=permit.signed_xml)
    if permit.document_type not in PUSHED_TYPES or permit.signed_xml is None:
        return None
    if importing_party == announcer.party or not trust.is_registered(session, importing_party):
        return None
    return _enqueue(
        session,
        announcer,
        destination=importing_party,
        kind=MessageType.PERMIT_ISSUED,
        number=permit.number,
        body=permit.signed_xml,
    )


def permit_status(
    session: Session,
    announcer: Announcer,
    *,
    permit: Permit,
    state: PermitState,
    reason: str | None = None,
    replaced_by: str | None = None,
    endorsed: tuple[EndorsedQuantity, ...] = (),
) -> list[OutboxMessage]:
    """Queue the news of a permit's new state to every Party the permit was pushed to
    (``endorsed``: the quantities customs endorsed, for ``exported``)."""
    body = PermitStatusBody(state=state, replaced_by=replaced_by, reason=reason, endorsed=endorsed)
    if state in (PermitState.CANCELLED, PermitState.REPLACED):
        _to_customs(session, announcer, number=permit.number, body=body)
    return [
        _enqueue(
            session,
            announcer,
            destination=destination,
            kind=MessageType.PERMIT_STATUS,
            number=permit.number,
            body=body,
        )
        for destination in pushed_to(session, permit.number)
    ]


def used_at_import(
    session: Session,
    announcer: Announcer,
    *,
    issuing_party: str,
    number: str,
    endorsed: tuple[EndorsedQuantity, ...],
) -> OutboxMessage | None:
    """Tell the issuing Party that its permit was cleared at import here, with the quantities
    accepted (when it is a registered peer)."""
    if issuing_party == announcer.party or not trust.is_registered(session, issuing_party):
        return None
    return _enqueue(
        session,
        announcer,
        destination=issuing_party,
        kind=MessageType.PERMIT_STATUS,
        number=number,
        body=PermitStatusBody(
            state=PermitState.USED, reason="cleared at import", endorsed=endorsed
        ),
    )


def pushed_to(session: Session, number: str) -> list[str]:
    """The Parties a permit was queued to (whatever the delivery state)."""
    query = (
        select(OutboxMessage.destination)
        .where(
            OutboxMessage.message_type == MessageType.PERMIT_ISSUED.value,
            with_key_prefix(f"{number}@"),
            ~OutboxMessage.destination.startswith(webhooks.PREFIX),
        )
        .distinct()
        .order_by(OutboxMessage.destination)
    )
    return list(session.scalars(query))
