"""HTTP for every status change: the application's review loop, issuance, cancellation and
replacement of permits."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Body, Depends
from sqlalchemy.orm import Session

from app.api.deps import AnnouncerDep, IssuanceDep, SessionDep, require_role
from app.api.errors import ERROR_RESPONSES
from app.applications import service as applications_service
from app.applications.models import Application
from app.applications.schemas import ApplicationIn, ApplicationRead
from app.checks.models import CheckRun
from app.core.actor import Actor, Role
from app.core.db import RowId
from app.permits import service as permits_service
from app.permits.router import permit_read
from app.permits.schemas import PermitCancel, PermitIssue, PermitRead, PermitReplace
from app.workflow import compliance, service
from app.workflow.schemas import (
    ApproveBody,
    CheckResultRead,
    CheckRunRead,
    OverrideBody,
    RefuseBody,
    ReturnBody,
)

router = APIRouter(tags=["workflow"], responses=ERROR_RESPONSES)
Trader = Annotated[Actor, Depends(require_role(Role.TRADER))]
Officer = Annotated[Actor, Depends(require_role(Role.OFFICER))]
Admin = Annotated[Actor, Depends(require_role(Role.ADMIN))]
Reader = Annotated[Actor, Depends(require_role(Role.TRADER, Role.OFFICER, Role.ADMIN))]


def _application(session: Session, application_id: int, actor: Actor) -> Application:
    return applications_service.get_application(
        session, application_id, actor=actor, for_update=True
    )


@router.put(
    "/applications/{application_id}",
    response_model=ApplicationRead,
    summary="Edit a draft or a returned application (trader)",
)
def edit_application(
    application_id: RowId, body: ApplicationIn, session: SessionDep, actor: Trader
) -> ApplicationRead:
    application = service.edit_application(
        session, application=_application(session, application_id, actor), data=body, actor=actor
    )
    return ApplicationRead.model_validate(application)


@router.post(
    "/applications/{application_id}/submit",
    response_model=ApplicationRead,
    summary="Submit (or resubmit after changes) for review (trader)",
)
def submit(application_id: RowId, session: SessionDep, actor: Trader) -> ApplicationRead:
    return ApplicationRead.model_validate(
        service.submit_application(
            session, application=_application(session, application_id, actor), actor=actor
        )
    )


@router.post(
    "/applications/{application_id}/withdraw",
    response_model=ApplicationRead,
    summary="Withdraw an application before a decision (trader)",
)
def withdraw(application_id: RowId, session: SessionDep, actor: Trader) -> ApplicationRead:
    return ApplicationRead.model_validate(
        service.withdraw_application(
            session, application=_application(session, application_id, actor), actor=actor
        )
    )


@router.post(
    "/applications/{application_id}/approve",
    response_model=ApplicationRead,
    summary="Approve a submitted application (officer)",
)
def approve(
    application_id: RowId,
    session: SessionDep,
    actor: Officer,
    body: Annotated[ApproveBody | None, Body()] = None,
) -> ApplicationRead:
    return ApplicationRead.model_validate(
        service.approve_application(
            session,
            application=_application(session, application_id, actor),
            officer=actor,
            acknowledge_warnings=body.acknowledge_warnings if body else False,
        )
    )


def _run_read(record: CheckRun) -> CheckRunRead:
    return CheckRunRead(
        id=record.id,
        stage=record.stage,
        snapshot_id=record.snapshot_id,
        results=[CheckResultRead(**r) for r in json.loads(record.results)],
        blocked=record.blocked,
        created_at=record.created_at,
        acknowledged_by_id=record.acknowledged_by_id,
        overridden_by_id=record.overridden_by_id,
        override_reason=record.override_reason,
    )


@router.get(
    "/applications/{application_id}/checks",
    response_model=list[CheckRunRead],
    summary="The compliance checks of an application, at submission and at approval",
)
def list_checks(application_id: RowId, session: SessionDep, actor: Reader) -> list[CheckRunRead]:
    application = applications_service.get_application(
        session, application_id, actor=actor, with_lines=False
    )
    return [_run_read(r) for r in compliance.runs(session, application.id)]


@router.post(
    "/applications/{application_id}/checks/override",
    response_model=CheckRunRead,
    summary="Lift the blocking check results so the permit can be issued (admin, audited)",
)
def override_checks(
    application_id: RowId, body: OverrideBody, session: SessionDep, actor: Admin
) -> CheckRunRead:
    application = _application(session, application_id, actor)
    return _run_read(compliance.override(session, application, admin=actor, reason=body.reason))


@router.post(
    "/applications/{application_id}/refuse",
    response_model=ApplicationRead,
    summary="Refuse a submitted application, with the reason (officer)",
)
def refuse(
    application_id: RowId, body: RefuseBody, session: SessionDep, actor: Officer
) -> ApplicationRead:
    return ApplicationRead.model_validate(
        service.refuse_application(
            session,
            application=_application(session, application_id, actor),
            officer=actor,
            reason=body.reason,
        )
    )


@router.post(
    "/applications/{application_id}/return",
    response_model=ApplicationRead,
    summary="Return to the trader for changes, with a comment (officer)",
)
def return_for_changes(
    application_id: RowId, body: ReturnBody, session: SessionDep, actor: Officer
) -> ApplicationRead:
    return ApplicationRead.model_validate(
        service.return_application(
            session,
            application=_application(session, application_id, actor),
            officer=actor,
            comment=body.comment,
        )
    )


@router.post(
    "/applications/{application_id}/issue",
    response_model=PermitRead,
    status_code=201,
    summary="Issue the permit for an approved application (officer)",
)
def issue(
    application_id: RowId,
    session: SessionDep,
    issuance: IssuanceDep,
    announcer: AnnouncerDep,
    actor: Officer,
    body: Annotated[PermitIssue | None, Body()] = None,
) -> PermitRead:
    permit = service.issue_permit(
        session,
        application=_application(session, application_id, actor),
        officer=actor,
        issuance=issuance,
        announcer=announcer,
        valid_until=body.valid_until if body else None,
    )
    return permit_read(permit, {})


@router.post(
    "/permits/{permit_id}/cancel",
    response_model=PermitRead,
    summary="Cancel a valid permit, with the reason (officer)",
)
def cancel(
    permit_id: RowId,
    body: PermitCancel,
    session: SessionDep,
    announcer: AnnouncerDep,
    actor: Officer,
) -> PermitRead:
    permit = service.cancel_permit(
        session,
        permit=permits_service.get_permit(session, permit_id, actor=actor, for_update=True),
        officer=actor,
        reason=body.reason,
        announcer=announcer,
    )
    return permit_read(permit, {})


@router.post(
    "/permits/{permit_id}/replace",
    response_model=PermitRead,
    status_code=201,
    summary="Replace a permit: issues a new number stating the old one (officer)",
)
def replace(
    permit_id: RowId,
    body: PermitReplace,
    session: SessionDep,
    issuance: IssuanceDep,
    announcer: AnnouncerDep,
    actor: Officer,
) -> PermitRead:
    old = permits_service.get_permit(session, permit_id, actor=actor, for_update=True)
    new = service.replace_permit(
        session,
        permit=old,
        officer=actor,
        reason=body.reason,
        issuance=issuance,
        announcer=announcer,
        valid_until=body.valid_until,
    )
    return permit_read(new, {old.id: old.number})
