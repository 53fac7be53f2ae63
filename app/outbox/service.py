"""Enqueue in the caller's transaction; claim, record deliveries and failures for the relay."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.core.actor import Actor
from app.core.clock import utcnow
from app.core.errors import Conflict, NotFound
from app.outbox import repository
from app.outbox.backoff import Backoff
from app.outbox.models import OutboxMessage
from app.outbox.repository import DEAD, DELIVERED, PENDING, SENDING, Claimed

DEFAULT_DEADLINE = timedelta(days=2)


def enqueue(
    session: Session,
    *,
    destination: str,
    message_type: str,
    ordering_key: str,
    payload: bytes,
    message_id: str | None = None,
    now: datetime | None = None,
    deadline: timedelta = DEFAULT_DEADLINE,
) -> OutboxMessage:
    """A message to deliver, written in the caller's transaction: it exists exactly when the
    change it announces does."""
    now = now or utcnow()
    message = OutboxMessage(
        message_id=message_id or str(uuid.uuid4()),
        destination=destination,
        message_type=message_type,
        ordering_key=ordering_key,
        payload=payload,
        status=PENDING,
        attempts=0,
        created_at=now,
        next_attempt_at=now,
        deadline_at=now + deadline,
    )
    session.add(message)
    session.flush()
    return message


def claim_due(
    session: Session,
    *,
    worker: str,
    limit: int = 20,
    lease: timedelta = timedelta(seconds=60),
    now: datetime | None = None,
) -> list[Claimed]:
    """Claim up to ``limit`` due messages for ``worker`` (commit before sending them). A
    claim expires after ``lease``: a relay that died mid-send gives its messages back."""
    now = now or utcnow()
    repository.expire_overdue(session, now=now)
    due = repository.due(session, now=now, limit=limit)
    return repository.claim(session, due, worker=worker, now=now, until=now + lease)


def _get(session: Session, message_id: str) -> OutboxMessage:
    message = repository.get(session, message_id)
    if message is None:
        raise NotFound(
            f"no outbox message {message_id}",
            code="message_not_found",
            details={"message_id": message_id},
        )
    return message


def record_deliveries(
    session: Session, receipts: list[tuple[str, bytes]], *, now: datetime | None = None
) -> None:
    """Several deliveries at once (the relay's round): ``(message_id, receipt)`` each, as
    :func:`record_delivery` records one."""
    repository.mark_delivered(session, receipts, now or utcnow())


def record_delivery(
    session: Session, *, message_id: str, receipt: bytes, now: datetime | None = None
) -> OutboxMessage:
    """The peer accepted it (or had it already): keep its receipt, the proof of delivery."""
    message = _get(session, message_id)
    message.status, message.receipt = DELIVERED, receipt
    message.delivered_at = now or utcnow()
    message.claimed_by = message.claimed_until = None
    message.last_error = None
    return message


def record_failure(
    session: Session,
    *,
    message_id: str,
    error: str,
    permanent: bool,
    now: datetime | None = None,
    backoff: Backoff = Backoff(),
    rng: random.Random | None = None,
    receipt: bytes | None = None,
    worker: str | None = None,
) -> OutboxMessage:
    """A failed attempt: retried after a backoff with jitter, or ``dead`` when the failure is
    permanent (the peer rejected the message) or the deadline has passed. ``receipt``: the
    peer's signed rejection, kept as the reason. With ``worker``, a message that is no longer
    that relay's (delivered meanwhile, or claimed by another after the lease) is left alone."""
    now = now or utcnow()
    message = _get(session, message_id)
    if worker is not None and (message.status != SENDING or message.claimed_by != worker):
        return message
    if receipt is not None:
        message.receipt = receipt
    message.last_error = error[:2000]
    message.claimed_by = message.claimed_until = None
    next_attempt = now + backoff.delay(message.attempts, rng)
    if permanent or next_attempt > message.deadline_at:
        message.status = DEAD
    else:
        message.status, message.next_attempt_at = PENDING, next_attempt
    return message


def requeue(
    session: Session, *, message_id: str, actor: Actor, deadline: timedelta = DEFAULT_DEADLINE
) -> OutboxMessage:
    """An officer sends a dead message again (after fixing what made it fail)."""
    message = _get(session, message_id)
    if message.status != DEAD:
        raise Conflict(
            f"only dead messages are requeued; this one is {message.status}",
            code="invalid_transition",
            details={"status": message.status},
        )
    now = utcnow()
    message.status, message.next_attempt_at = PENDING, now
    message.deadline_at = now + deadline
    audit.record(
        session,
        actor=actor,
        action="outbox.requeue",
        object_type="outbox_message",
        object_id=message.message_id,
        details={"last_error": message.last_error},
    )
    return message


def list_messages(
    session: Session,
    *,
    status: str | None = None,
    destination: str | None = None,
    permit_number: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[OutboxMessage], int]:
    """Newest first; ``permit_number`` keeps the messages about that permit."""
    return repository.list_page(
        session,
        status=status,
        destination=destination,
        key_prefix=f"{permit_number}@" if permit_number else None,
        limit=limit,
        offset=offset,
    )


def receipt(session: Session, *, message_id: str) -> bytes:
    """The peer's signed receipt kept for a message (404 ``receipt_not_found`` if none yet)."""
    message = _get(session, message_id)
    if message.receipt is None:
        raise NotFound(
            f"no receipt for message {message_id} (status {message.status})",
            code="receipt_not_found",
            details={"message_id": message_id, "status": message.status},
        )
    return message.receipt
