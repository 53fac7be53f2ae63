"""The officer's decisions on an application (approve, refuse with the reason, return for
changes, issue) and on a permit (cancel, replace): each a POST form carrying the CSRF token.
A refused decision shows the application again with an error summary linked to the field."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response
from starlette.datastructures import FormData

from app.applications import service as applications_service
from app.core.actor import Role
from app.core.db import RowId
from app.core.errors import DomainError
from app.permits import service as permits_service
from app.web import labels
from app.web.context import CsrfForm, Visit, VisitDep, WebRoute, signed_in
from app.web.forms import FieldError
from app.web.i18n import N_
from app.web.views_applications import detail
from app.workflow import service as workflow

router = APIRouter(route_class=WebRoute, include_in_schema=False)
REASON_MIN, REASON_MAX = 3, 2000
REASON_ERROR = N_("Write the reason (at least 3 characters, at most 2000).")
DATE_ERROR = N_("Enter a date as YYYY-MM-DD.")


def _text(form: FormData, name: str, field: str, errors: list[FieldError]) -> str:
    value = str(form.get(name) or "").strip()
    if not REASON_MIN <= len(value) <= REASON_MAX:
        errors.append(FieldError(field, REASON_ERROR))
    return value


def _date(form: FormData, name: str, field: str, errors: list[FieldError]) -> date | None:
    value = str(form.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(FieldError(field, DATE_ERROR))
        return None


def _refused(visit: Visit, application_id: int, exc: DomainError, form: FormData) -> Response:
    if exc.status in (401, 403, 404):
        raise exc
    message = labels.ERRORS.get(exc.code, labels.GENERIC_ERROR)
    field = "acknowledge" if exc.code == "warnings_not_acknowledged" else "form"
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    return detail(
        visit, application_id, status=exc.status, errors=[FieldError(field, message)], values=values
    )


@router.post("/applications/{application_id}/decision")
def decide(visit: VisitDep, application_id: RowId, form: CsrfForm) -> Response:
    """One form per decision, told apart by ``action``: approve, refuse, return, issue."""
    action = str(form.get("action") or "")
    errors: list[FieldError] = []
    reason = comment = ""
    valid_until = None
    if action == "refuse":
        reason = _text(form, "reason", "refuse-reason", errors)
    elif action == "return":
        comment = _text(form, "comment", "return-comment", errors)
    elif action == "issue":
        valid_until = _date(form, "valid_until", "issue-valid-until", errors)
    elif action != "approve":
        errors.append(FieldError("form", labels.GENERIC_ERROR))
    if errors:
        values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
        return detail(visit, application_id, status=422, errors=errors, values=values)
    state = visit.request.app.state
    try:
        with signed_in(visit, Role.OFFICER, write=True) as (session, officer):
            application = applications_service.get_application(
                session, application_id, actor=officer, for_update=True
            )
            if action == "approve":
                workflow.approve_application(
                    session,
                    application=application,
                    officer=officer,
                    acknowledge_warnings=form.get("acknowledge_warnings") == "yes",
                )
            elif action == "refuse":
                workflow.refuse_application(
                    session, application=application, officer=officer, reason=reason
                )
            elif action == "return":
                workflow.return_application(
                    session, application=application, officer=officer, comment=comment
                )
            else:
                workflow.issue_permit(
                    session,
                    application=application,
                    officer=officer,
                    issuance=state.issuance,
                    announcer=state.announcer,
                    valid_until=valid_until,
                )
    except DomainError as exc:
        return _refused(visit, application_id, exc, form)
    done = {"approve": "approved", "refuse": "refused", "return": "returned"}.get(action, "issued")
    return visit.redirect(f"/applications/{application_id}?done={done}")


@router.post("/permits/{permit_id}/status")
def change_permit(visit: VisitDep, permit_id: RowId, form: CsrfForm) -> Response:
    """Cancel or replace a permit (``action``), with the reason."""
    action = str(form.get("action") or "")
    errors: list[FieldError] = []
    reason = _text(form, "reason", f"permit-{permit_id}-reason", errors)
    if action not in ("cancel", "replace"):
        errors.append(FieldError("form", labels.GENERIC_ERROR))
    state = visit.request.app.state
    with signed_in(visit, Role.OFFICER) as (session, officer):
        application_id = permits_service.get_permit(
            session, permit_id, actor=officer
        ).application_id
    if errors:
        values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
        return detail(visit, application_id, status=422, errors=errors, values=values)
    try:
        with signed_in(visit, Role.OFFICER, write=True) as (session, officer):
            permit = permits_service.get_permit(session, permit_id, actor=officer, for_update=True)
            if action == "cancel":
                workflow.cancel_permit(
                    session,
                    permit=permit,
                    officer=officer,
                    reason=reason,
                    announcer=state.announcer,
                )
            else:
                workflow.replace_permit(
                    session,
                    permit=permit,
                    officer=officer,
                    reason=reason,
                    issuance=state.issuance,
                    announcer=state.announcer,
                )
    except DomainError as exc:
        return _refused(visit, application_id, exc, form)
    done = "cancelled" if action == "cancel" else "replaced"
    return visit.redirect(f"/applications/{application_id}?done={done}")
