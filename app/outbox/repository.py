from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from app.core.db import page
from app.outbox.models import OutboxMessage

PENDING, SENDING, DELIVERED, DEAD = "pending", "sending", "delivered", "dead"
UNDELIVERED = (PENDING, SENDING)
HOLDS_BACK = (PENDING, SENDING, DEAD)  # a later message about the same thing waits for these


def _claimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_until < now),
    )


def due(session: Session, *, now: datetime, limit: int) -> list[OutboxMessage]:
    """Messages ready to (re)send, oldest first, each the oldest undelivered of its ordering
    key. Rows another relay holds are skipped (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite
    has one writer at a time, and ``claim`` re-checks the row)."""
    earlier = aliased(OutboxMessage)
    blocked = exists().where(
        earlier.ordering_key == OutboxMessage.ordering_key,
        earlier.id < OutboxMessage.id,
        earlier.status.in_(HOLDS_BACK),
    )
    query = (
        select(OutboxMessage)
        .where(_claimable(now), ~blocked)
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=OutboxMessage)
    )
    return list(session.scalars(query))


def expire_overdue(session: Session, *, now: datetime) -> int:
    """Pending messages past their deadline become dead (also those never attempted because
    an earlier message about the same thing is dead). Returns how many."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == PENDING, OutboxMessage.deadline_at < now)
        .values(
            status=DEAD,
            last_error=func.coalesce(OutboxMessage.last_error, "")
            + " [deadline passed before delivery]",
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def claim(
    session: Session, message_id: int, *, worker: str, now: datetime, until: datetime
) -> bool:
    """Take the message for ``worker`` if it is still claimable (a conditional UPDATE: on
    SQLite, where FOR UPDATE does not exist, the row count says who won)."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _claimable(now))
        .values(
            status=SENDING,
            claimed_by=worker,
            claimed_until=until,
            attempts=OutboxMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def get(session: Session, message_id: str) -> OutboxMessage | None:
    return session.scalar(select(OutboxMessage).where(OutboxMessage.message_id == message_id))


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def with_key_prefix(prefix: str) -> ColumnElement[bool]:
    """Messages whose ordering key starts with ``prefix`` (taken literally)."""
    return OutboxMessage.ordering_key.like(f"{_escape_like(prefix)}%", escape="\\")


def list_page(
    session: Session,
    *,
    status: str | None,
    destination: str | None,
    key_prefix: str | None,
    limit: int,
    offset: int,
) -> tuple[list[OutboxMessage], int]:
    query = select(OutboxMessage)
    if key_prefix:
        query = query.where(with_key_prefix(key_prefix))
    if status:
        query = query.where(OutboxMessage.status == status)
    if destination:
        query = query.where(OutboxMessage.destination == destination)
    return page(session, query, OutboxMessage.id.desc(), limit=limit, offset=offset)
