from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple, cast

from sqlalchemy import ColumnElement, Table, and_, bindparam, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from app.core.db import page
from app.outbox.models import OutboxMessage

PENDING, SENDING, DELIVERED, DEAD = "pending", "sending", "delivered", "dead"
UNDELIVERED = (PENDING, SENDING)
HOLDS_BACK = (PENDING, SENDING, DEAD)  # a later message about the same thing waits for these


_TABLE = cast(Table, OutboxMessage.__table__)


def _claimable(now: datetime) -> ColumnElement[bool]:
    columns = _TABLE.c
    return or_(
        and_(columns.status == PENDING, columns.next_attempt_at <= now),
        and_(columns.status == SENDING, columns.claimed_until < now),
    )


_MARK_DELIVERED = (
    update(_TABLE)
    .where(_TABLE.c.message_id == bindparam("key"))
    .values(
        status=DELIVERED,
        receipt=bindparam("proof"),
        delivered_at=bindparam("at"),
        claimed_by=None,
        claimed_until=None,
        last_error=None,
    )
)


def due(session: Session, *, now: datetime, limit: int) -> list[int]:
    """The ids of messages ready to (re)send, oldest first, each the oldest undelivered of its
    ordering key. Rows another relay holds are skipped (PostgreSQL: FOR UPDATE SKIP LOCKED;
    SQLite has one writer at a time, and ``claim`` re-checks the rows)."""
    earlier = aliased(OutboxMessage)
    blocked = exists().where(
        earlier.ordering_key == OutboxMessage.ordering_key,
        earlier.id < OutboxMessage.id,
        earlier.status.in_(HOLDS_BACK),
    )
    query = (
        select(OutboxMessage.id)
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


class Claimed(NamedTuple):
    """A message a relay took: what it needs to send it."""

    id: int
    message_id: str
    destination: str
    payload: bytes


def claim(
    session: Session, ids: Sequence[int], *, worker: str, now: datetime, until: datetime
) -> list[Claimed]:
    """Take the messages for ``worker`` that are still claimable, in one conditional UPDATE
    returning what to send (on SQLite, where FOR UPDATE does not exist, the condition decides
    who won), oldest first."""
    if not ids:
        return []
    rows = session.execute(
        update(_TABLE)
        .where(_TABLE.c.id.in_(ids), _claimable(now))
        .values(
            status=SENDING,
            claimed_by=worker,
            claimed_until=until,
            attempts=_TABLE.c.attempts + 1,
        )
        .returning(_TABLE.c.id, _TABLE.c.message_id, _TABLE.c.destination, _TABLE.c.payload)
    ).all()
    return sorted((Claimed(*row) for row in rows), key=lambda claimed: claimed.id)


def mark_delivered(session: Session, receipts: Sequence[tuple[str, bytes]], now: datetime) -> None:
    """Messages the peers accepted, with each one's receipt, in one statement run for all."""
    if receipts:
        session.connection().execute(
            _MARK_DELIVERED,
            [{"key": message_id, "proof": receipt, "at": now} for message_id, receipt in receipts],
        )


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
