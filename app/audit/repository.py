from __future__ import annotations

from collections.abc import Generator
from datetime import datetime
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from app.core.db import page

HEAD_ID = 1
_HEAD_KEY = "audit_chain_head"
# Every audited transaction runs this once: built once.
_LOCK_HEAD = select(AuditChainHead).where(AuditChainHead.id == HEAD_ID).with_for_update()


def lock_head(session: Session) -> AuditChainHead:
    """The chain head, locked until commit (FOR UPDATE on PostgreSQL; SQLite transactions
    already hold the write lock). Created on first use."""
    transaction = session.get_transaction()
    cached = session.info.get(_HEAD_KEY)
    if cached is not None and cached[0] is transaction:
        return cast(AuditChainHead, cached[1])  # locked already in this transaction
    with session.no_autoflush:  # the head does not depend on pending changes: flush them later
        head = session.execute(_LOCK_HEAD).scalar_one_or_none()
    if head is None:
        head = AuditChainHead(id=HEAD_ID, last_seq=0, last_hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    session.info[_HEAD_KEY] = (transaction, head)
    return head


def get_head(session: Session) -> AuditChainHead:
    head = session.get(AuditChainHead, HEAD_ID)
    return head or AuditChainHead(id=HEAD_ID, last_seq=0, last_hash=GENESIS_HASH)


def iter_events(session: Session) -> Generator[AuditEvent, None, None]:
    """All events in order, streamed; close the iterator when stopping early."""
    query = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000)
    with session.scalars(query) as result:
        yield from result


def list_events(
    session: Session,
    *,
    object_type: str | None,
    object_id: str | None,
    action: str | None,
    actor_name: str | None = None,
    occurred_from: datetime | None = None,
    occurred_before: datetime | None = None,
    limit: int,
    offset: int,
) -> tuple[list[AuditEvent], int]:
    query = select(AuditEvent)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id:
        query = query.where(AuditEvent.object_id == object_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if actor_name:
        query = query.where(AuditEvent.actor_name == actor_name)
    if occurred_from is not None:
        query = query.where(AuditEvent.occurred_at >= occurred_from)
    if occurred_before is not None:
        query = query.where(AuditEvent.occurred_at < occurred_before)
    return page(session, query, AuditEvent.seq.desc(), limit=limit, offset=offset)
