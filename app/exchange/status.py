"""Applying a received PERMIT_STATUS.

* About a permit the sender issued and pushed here: its new state (cancelled, replaced,
  exported with the quantities its customs endorsed, used).
* ``used`` about a permit THIS Party issued, from the Party it was issued for: that Party's
  customs cleared it at import (Art. VI(6)); our permit is used, with their quantities."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.core.actor import Actor
from app.core.errors import DomainError
from app.exchange import repository
from app.permits import border
from app.permits import service as permits_service
from app.workflow.transitions import Action, Entity, next_state
from epix import Envelope, ErrorCode
from epix import PermitState as Reported

# A received permit's state only moves forward: news that arrives late (the issuer's
# "exported" after this Party's customs cleared it) is recorded but never undoes a later state.
RANK = {"valid": 0, "exported": 1, "used": 2, "cancelled": 2, "replaced": 2}


def advance(current: str, reported: str) -> str:
    """The state after news of ``reported`` on a permit now ``current``."""
    return reported if RANK.get(reported, 0) > RANK.get(current, 0) else current


class StatusRefused(Exception):
    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _record(
    session: Session, envelope: Envelope, *, kind: str, issuing_party: str, now: datetime
) -> None:
    header, status = envelope.header, envelope.status
    assert status is not None
    border.record(
        session,
        kind=kind,
        issuing_party=issuing_party,
        number=header.permit_number,
        reported_by=header.sender,
        declaration_ref=f"epix:{header.message_id}",
        event_date=header.created_at.date(),
        lines=[border.EndorsedLine(x.line_id, x.quantity, x.unit_code) for x in status.endorsed],
        recorded_at=now,
        request_sha256=envelope.sha256,
    )


def apply_status(session: Session, envelope: Envelope, *, own_party: str, now: datetime) -> None:
    header, status = envelope.header, envelope.status
    if status is None:
        raise StatusRefused(ErrorCode.RULE_VIOLATION, "a PERMIT_STATUS without a status")
    stored = repository.foreign_permit(session, header.sender, header.permit_number)
    if stored is not None:
        moved = advance(stored.status, status.state.value)
        if moved != stored.status:
            stored.status = moved
            stored.status_reason = status.reason or (
                f"replaced by {status.replaced_by}" if status.replaced_by else None
            )
        if status.state is Reported.EXPORTED:
            _record(session, envelope, kind=border.EXPORT, issuing_party=header.sender, now=now)
        elif status.state is Reported.USED:
            _record(session, envelope, kind=border.IMPORT, issuing_party=header.sender, now=now)
        return
    if status.state is Reported.USED:
        _own_permit_used(session, envelope, own_party=own_party, now=now)
        return
    raise StatusRefused(
        ErrorCode.PERMIT_NOT_FOUND,
        f"no permit {header.permit_number} of {header.sender} was received",
    )


def _own_permit_used(
    session: Session, envelope: Envelope, *, own_party: str, now: datetime
) -> None:
    header = envelope.header
    permit = permits_service.find_own_for_update(session, own_party, header.permit_number)
    if permit is None:
        raise StatusRefused(ErrorCode.PERMIT_NOT_FOUND, f"no permit {header.permit_number} here")
    importer = permits_service.importing_party(session, permit)
    if importer != header.sender:
        raise StatusRefused(
            ErrorCode.RULE_VIOLATION,
            f"permit {header.permit_number} was issued for {importer}, not {header.sender}",
        )
    try:
        state = next_state(Entity.PERMIT, permit.status, Action.USE, None)
    except DomainError as exc:  # the move is not allowed from this state
        raise StatusRefused(
            ErrorCode.RULE_VIOLATION, f"permit {header.permit_number} is {permit.status}"
        ) from exc
    permits_service.change_status(
        session,
        permit=permit,
        status=state,
        reason=envelope.status.reason if envelope.status else None,
        actor=Actor.system(f"epix:{header.sender}"),
        action="permit.use",
        details={"reported_by": header.sender, "message_id": str(header.message_id)},
    )
    _record(session, envelope, kind=border.IMPORT, issuing_party=own_party, now=now)
