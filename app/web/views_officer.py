"""The officer's decisions on an application (approve, refuse with the reason, return for
changes, issue) and on a permit (cancel, replace), and the administrator's override of the
checks that block a permit: each a POST form carrying the CSRF token. A refused decision
shows the application again with an error summary linked to the field."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response
from pydantic import ValidationError
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
from app.workflow import compliance
from app.workflow import service as workflow
from app.workflow.schemas import OverrideBody

router = APIRouter(route_class=WebRoute, include_in_schema=False)
REASON_MIN, REASON_MAX = 3, 2000
REASON_ERROR = N_("Write the reason (at least 3 characters, at most 2000).")
DATE_ERROR = N_("Enter a date as YYYY-MM-DD.")
OVERRIDE_FIELD = "override-reason"
OVERRIDE_ERROR = N_("Write the reason for the override (at least 10 characters, at most 4000).")
OVERRIDE_REFUSALS = {
    "nothing_to_override": N_("There is no blocking check result to override."),
    "already_overridden": N_("These check results have been overridden already."),
}


class _NoReason(Exception):
    """The override's reason is missing or too short: nothing is changed."""


def _text(form: FormData, field: str, errors: list[FieldError]) -> str:
    """The text of the form's field ``field`` (its name and, with "f-", its id)."""
    value = str(form.get(field) or "").strip()
    if not REASON_MIN <= len(value) <= REASON_MAX:
        errors.append(FieldError(field, REASON_ERROR))
    return value


def _date(form: FormData, field: str, errors: list[FieldError]) -> date | None:
    value = str(form.get(field) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(FieldError(field, DATE_ERROR))
        return None


def _values(form: FormData) -> dict[str, str]:
    """What was typed, under the names the application page fills its fields from."""
    typed = {k: str(v)[:REASON_MAX] for k, v in form.items() if k != "csrf_token"}
    reason = next((v for k, v in typed.items() if k.endswith("-reason")), "")
    return {
        **typed,
        "reason": reason,
        "comment": typed.get("return-comment", ""),
        "valid_until": typed.get("issue-valid-until", ""),
    }


def _refused(visit: Visit, application_id: int, exc: DomainError, form: FormData) -> Response:
    if exc.status in (401, 403, 404):
        raise exc
    message = labels.ERRORS.get(exc.code, labels.GENERIC_ERROR)
    field = "acknowledge" if exc.code == "warnings_not_acknowledged" else "form"
    return detail(
        visit,
        application_id,
        status=exc.status,
        errors=[FieldError(field, message)],
        values=_values(form),
    )


@router.post("/applications/{application_id}/decision")
def decide(visit: VisitDep, application_id: RowId, form: CsrfForm) -> Response:
    """One form per decision, told apart by ``action``: approve, refuse, return, issue."""
    action = str(form.get("action") or "")
    errors: list[FieldError] = []
    reason = comment = ""
    valid_until = None
    if action == "refuse":
        reason = _text(form, "refuse-reason", errors)
    elif action == "return":
        comment = _text(form, "return-comment", errors)
    elif action == "issue":
        valid_until = _date(form, "issue-valid-until", errors)
    elif action != "approve":
        errors.append(FieldError("form", labels.GENERIC_ERROR))
    if errors:
        return detail(visit, application_id, status=422, errors=errors, values=_values(form))
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
    reason = _text(form, f"permit-{permit_id}-reason", errors)
    if action not in ("cancel", "replace"):
        errors.append(FieldError("form", labels.GENERIC_ERROR))
    state = visit.request.app.state
    with signed_in(visit, Role.OFFICER) as (session, officer):
        application_id = permits_service.get_permit(
            session, permit_id, actor=officer
        ).application_id
    if errors:
        return detail(visit, application_id, status=422, errors=errors, values=_values(form))
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


@router.post("/applications/{application_id}/checks/override")
def override_checks(visit: VisitDep, application_id: RowId, form: CsrfForm) -> Response:
    """An administrator lifts the latest blocking check results, with the written reason
    (audited: ``checks.override``), so that the permit can be issued."""
    reason = str(form.get(OVERRIDE_FIELD) or "").strip()
    try:
        body: OverrideBody | None = OverrideBody.model_validate({"reason": reason})
    except ValidationError:
        body = None
    try:
        with signed_in(visit, Role.ADMIN, write=True) as (session, admin):
            if body is None:  # checked after the role: only an administrator learns why
                raise _NoReason
            application = applications_service.get_application(
                session, application_id, actor=admin, for_update=True
            )
            compliance.override(session, application, admin=admin, reason=body.reason)
    except _NoReason:
        error = FieldError(OVERRIDE_FIELD, OVERRIDE_ERROR)
        return detail(
            visit, application_id, status=400, errors=[error], values={OVERRIDE_FIELD: reason}
        )
    except DomainError as exc:
        if exc.code not in OVERRIDE_REFUSALS:
            raise
        error = FieldError("form", OVERRIDE_REFUSALS[exc.code])
        return detail(visit, application_id, status=exc.status, errors=[error])
    return visit.redirect(f"/applications/{application_id}?done=checks_overridden")
