"""Record actions and verify the chain."""

from __future__ import annotations

import hashlib
import json
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.audit import repository
from app.audit.models import GENESIS_HASH, AuditEvent
from app.core.actor import Actor
from app.core.clock import utcnow


def _digest(event: AuditEvent) -> str:
    payload = json.dumps(
        {
            "seq": event.seq,
            "occurred_at": event.occurred_at.isoformat(),
            "actor_user_id": event.actor_user_id,
            "actor_name": event.actor_name,
            "actor_role": event.actor_role,
            "remote_addr": event.remote_addr,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "details": event.details,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(f"{event.prev_hash}\n{payload}".encode()).hexdigest()


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str | int,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event in the caller's transaction (it commits with the change it records)."""
    head = repository.lock_head(session)
    event = AuditEvent(
        seq=head.last_seq + 1,
        occurred_at=utcnow(),
        actor_user_id=actor.user_id,
        actor_name=actor.username,
        actor_role=actor.role.value if actor.role else None,
        remote_addr=actor.remote_addr,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=json.dumps(details or {}, sort_keys=True, default=str, ensure_ascii=False),
        prev_hash=head.last_hash,
    )
    event.hash = _digest(event)
    head.last_seq = event.seq
    head.last_hash = event.hash
    session.add(event)  # written by the next flush, at the latest at commit
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events_checked: int
    first_broken_seq: int | None = None
    reason: str | None = None


def verify_chain(session: Session) -> ChainReport:
    """Re-walk the chain from the first event; report the first broken link."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    with closing(repository.iter_events(session)) as events:
        for event in events:
            checked = expected_seq - 1
            if event.seq != expected_seq:
                reason = f"event {expected_seq} is missing (next present is {event.seq})"
                return ChainReport(False, checked, expected_seq, reason)
            if event.prev_hash != prev_hash:
                reason = "prev_hash does not match the previous event's hash"
                return ChainReport(False, checked, event.seq, reason)
            if _digest(event) != event.hash:
                reason = "contents do not match the recorded hash (row altered)"
                return ChainReport(False, checked, event.seq, reason)
            prev_hash = event.hash
            expected_seq += 1
    checked = expected_seq - 1
    head = repository.get_head(session)
    if head.last_seq != checked or head.last_hash != prev_hash:
        reason = (
            f"chain head records {head.last_seq} events but {checked} are present"
            " (events deleted from the end)"
        )
        return ChainReport(False, checked, expected_seq, reason)
    return ChainReport(True, checked)


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
    """Events newest first, of this object, action and actor (user name), that occurred at or
    after ``occurred_from`` and before ``occurred_before`` (each filter: None for any)."""
    return repository.list_events(
        session,
        object_type=object_type,
        object_id=object_id,
        action=action,
        actor_name=actor_name,
        occurred_from=occurred_from,
        occurred_before=occurred_before,
        limit=limit,
        offset=offset,
    )
