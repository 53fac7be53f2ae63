"""Use cases that change a status. Each checks the transitions table, changes the object and
writes the audit event in the caller's transaction (the caller commits once)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from app.applications import service as applications_service
from app.applications.models import Application
from app.applications.schemas import ApplicationIn
from app.audit import service as audit
from app.core.actor import Actor
from app.core.clock import utcnow
from app.outbox import announce
from app.outbox.announce import Announcer
from app.permits import service as permits_service
from app.permits.document import Issuance
from app.permits.models import Permit
from app.workflow import compliance
from app.workflow.transitions import Action, Entity, next_state
from epix import PermitState


def _move(
    session: Session, application: Application, action: Action, actor: Actor, **details: object
) -> Application:
    previous = application.status
    application.status = next_state(Entity.APPLICATION, previous, action, actor.role)
    application.updated_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action=f"application.{action.value}",
        object_type="application",
        object_id=application.id,
        details={"from": previous, "to": application.status, **details},
    )
    return application


def edit_application(
    session: Session, *, application: Application, data: ApplicationIn, actor: Actor
) -> Application:
    next_state(Entity.APPLICATION, application.status, Action.EDIT, actor.role)
    return applications_service.replace_content(
        session, application=application, data=data, actor=actor
    )


def submit_application(session: Session, *, application: Application, actor: Actor) -> Application:
    """Submit, and run the compliance checks the trader then sees."""
    application.submitted_at = utcnow()
    _move(session, application, Action.SUBMIT, actor)
    compliance.run(session, application, stage=compliance.SUBMISSION)
    return application


def withdraw_application(
    session: Session, *, application: Application, actor: Actor
) -> Application:
    return _move(session, application, Action.WITHDRAW, actor)


def approve_application(
    session: Session,
    *,
    application: Application,
    officer: Actor,
    acknowledge_warnings: bool = False,
) -> Application:
    """Approve after the compliance checks run again; their warnings must be acknowledged."""
    next_state(Entity.APPLICATION, application.status, Action.APPROVE, officer.role)
    compliance.at_approval(session, application, officer=officer, acknowledge=acknowledge_warnings)
    application.decided_at = utcnow()
    application.decided_by_id = officer.user_id
    return _move(session, application, Action.APPROVE, officer)


def refuse_application(
    session: Session, *, application: Application, officer: Actor, reason: str
) -> Application:
    application.refusal_reason = reason
    application.decided_at = utcnow()
    application.decided_by_id = officer.user_id
    return _move(session, application, Action.REFUSE, officer, reason=reason)


def return_application(
    session: Session, *, application: Application, officer: Actor, comment: str
) -> Application:
    application.officer_comment = comment
    return _move(session, application, Action.RETURN, officer, comment=comment)


def issue_permit(
    session: Session,
    *,
    application: Application,
    officer: Actor,
    issuance: Issuance,
    announcer: Announcer,
    valid_until: date | None = None,
) -> Permit:
    """Issue the permit for an approved application: number, validity, the signed
    document, its reservation in the quota ledger, audit, and its push to the importing Party
    when that is a peer. Refused while the compliance checks block (unless an administrator
    overrode them), and with ``quota_exceeded`` when a quota cannot hold it any more."""
    compliance.require_issuable(session, application)
    _move(session, application, Action.ISSUE, officer)
    permit = permits_service.issue_permit(
        session,
        application=application,
        officer=officer,
        issuance=issuance,
        valid_until=valid_until,
        quota_override=lambda: compliance.quota_overridden(session, application),
    )
    announce.permit_issued(
        session, announcer, permit=permit, importing_party=application.counterparty_country
    )
    return permit


def cancel_permit(
    session: Session, *, permit: Permit, officer: Actor, reason: str, announcer: Announcer
) -> Permit:
    """Cancel a permit; the Parties it was pushed to are told."""
    status = next_state(Entity.PERMIT, permit.status, Action.CANCEL, officer.role)
    permits_service.change_status(
        session, permit=permit, status=status, reason=reason, actor=officer, action="permit.cancel"
    )
    announce.permit_status(
        session, announcer, permit=permit, state=PermitState.CANCELLED, reason=reason
    )
    return permit


def replace_permit(
    session: Session,
    *,
    permit: Permit,
    officer: Actor,
    reason: str,
    issuance: Issuance,
    announcer: Announcer,
    valid_until: date | None = None,
) -> Permit:
    """Replace a permit: the old one becomes ``replaced``; the new one, issued from the same
    application with a new number, states the old number and the reason (Box 5). The new
    permit is pushed like any issued one, and the old one's Parties learn it was replaced."""
    status = next_state(Entity.PERMIT, permit.status, Action.REPLACE, officer.role)
    application = applications_service.get_application(
        session, permit.application_id, actor=officer
    )
    replacement = permits_service.issue_permit(
        session,
        application=application,
        officer=officer,
        issuance=issuance,
        valid_until=valid_until,
        replaces=permit,
        replacement_reason=reason,
        quota_override=lambda: compliance.quota_overridden(session, application),
    )
    permits_service.change_status(
        session,
        permit=permit,
        status=status,
        reason=reason,
        actor=officer,
        action="permit.replace",
        details={"replaced_by": replacement.number},
    )
    announce.permit_issued(
        session,
        announcer,
        permit=replacement,
        importing_party=application.counterparty_country,
    )
    announce.permit_status(
        session,
        announcer,
        permit=permit,
        state=PermitState.REPLACED,
        reason=reason,
        replaced_by=replacement.number,
    )
    return replacement


def expire_due_permits(session: Session, *, now: datetime | None = None) -> int:
    """Mark valid permits past their validity as expired. Returns how many."""
    now = now or utcnow()
    system = Actor.system("expiry")
    count = 0
    while batch := permits_service.due_for_expiry(session, today=now.date()):
        for permit in batch:
            status = next_state(Entity.PERMIT, permit.status, Action.EXPIRE, None)
            permits_service.change_status(
                session,
                permit=permit,
                status=status,
                reason=None,
                actor=system,
                action="permit.expire",
                details={"valid_until": permit.valid_until.isoformat()},
            )
        count += len(batch)
    return count
