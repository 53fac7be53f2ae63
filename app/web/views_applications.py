"""An application: the new-application form, editing, the page showing every box, and the
trader's actions (save draft, submit, withdraw)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from app.applications import service as applications_service
from app.codelists import lists
from app.core.actor import Actor, Role
from app.core.db import RowId
from app.core.errors import DomainError
from app.species import service as species_service
from app.web import forms, glue, labels
from app.web.context import CsrfForm, Visit, VisitDep, WebRoute, signed_in
from app.workflow import service as workflow

router = APIRouter(route_class=WebRoute, include_in_schema=False)
EDITABLE = ("draft", "returned")
SUGGESTIONS = 12


def detail(
    visit: Visit,
    application_id: int,
    *,
    status: int = 200,
    errors: list[forms.FieldError] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    """The application page (also shown again, with errors, after a refused action)."""
    with signed_in(visit, Role.TRADER, Role.OFFICER, Role.ADMIN) as (session, actor):
        application = applications_service.get_application(session, application_id, actor=actor)
        context: dict[str, Any] = {
            "application": application,
            "checks": glue.check_runs(session, application),
            "history": glue.history(session, application, actor),
            "permits": glue.permits_of(session, application, actor),
            "received": glue.received_export_permit(session, application)
            if actor.role is not Role.TRADER
            else None,
        }
        # rendered inside the unit of work: the objects are read as they are shown
        return visit.page(
            "application.html", status, errors=errors or [], values=values or {}, **context
        )


def suggestions(session: Session, query: str, limit: int = SUGGESTIONS) -> list[dict[str, str]]:
    """Accepted names starting with ``query`` (with the synonym or common name matched)."""
    query = query.strip()[:100]
    if len(query) < 3:
        return []
    return [
        {"name": m.taxon.name, "matched": m.matched or ""}
        for m in species_service.search(session, query, limit=limit)
    ]


def _form_page(
    visit: Visit, form: forms.ApplicationForm, *, application_id: int | None, status: int = 200
) -> Response:
    """The form; the species list is filled from the names already typed (no script needed
    once the form has been sent back; the script fills it while typing)."""
    codes = lists.code_lists()
    with signed_in(visit, Role.TRADER) as (session, _actor):
        names: dict[str, dict[str, str]] = {}
        for line in form.lines:
            for found in suggestions(session, line.get("scientific_name", ""), limit=5):
                names.setdefault(found["name"], found)
    return visit.page(
        "application_form.html",
        status,
        form=form,
        application_id=application_id,
        species=list(names.values()),
        countries=sorted(codes.country),
    )


@router.get("/species/suggest")
def suggest(visit: VisitDep, q: Annotated[str, Query(max_length=100)] = "") -> Response:
    """Species names for the form's autocompletion (JSON, for the progressive script)."""
    with signed_in(visit) as (session, _actor):
        found = suggestions(session, q)
    return visit.finish(JSONResponse(found))


@router.get("/applications/new")
def new(visit: VisitDep) -> Response:
    return _form_page(visit, forms.blank(), application_id=None)


def _save(
    session: Session, actor: Actor, application_id: int | None, data: Any, submit: bool
) -> int:
    if application_id is None:
        application = applications_service.create_draft(session, data=data, actor=actor)
    else:
        application = applications_service.get_application(
            session, application_id, actor=actor, for_update=True
        )
        workflow.edit_application(session, application=application, data=data, actor=actor)
    if submit:
        workflow.submit_application(session, application=application, actor=actor)
    return application.id


def _post_form(visit: Visit, posted: CsrfForm, application_id: int | None) -> Response:
    form = forms.from_post(posted)
    action = str(posted.get("action") or "save")
    if action == "add_line":
        if len(form.lines) < forms.MAX_LINES:
            form.lines.append({})
        return _form_page(visit, form, application_id=application_id)
    data = forms.validate(form)
    if data is None:
        return _form_page(visit, form, application_id=application_id, status=422)
    try:
        with signed_in(visit, Role.TRADER, write=True) as (session, actor):
            saved = _save(session, actor, application_id, data, submit=action == "submit")
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        form.errors.append(
            forms.FieldError("form", labels.ERRORS.get(exc.code, labels.GENERIC_ERROR))
        )
        return _form_page(visit, form, application_id=application_id, status=exc.status)
    done = "submitted" if action == "submit" else "saved"
    return visit.redirect(f"/applications/{saved}?done={done}")


@router.get("/applications/{application_id}")
def show(visit: VisitDep, application_id: RowId) -> Response:
    return detail(visit, application_id)


@router.post("/applications/new")
def create(visit: VisitDep, posted: CsrfForm) -> Response:
    return _post_form(visit, posted, None)


@router.get("/applications/{application_id}/edit")
def edit(visit: VisitDep, application_id: RowId) -> Response:
    with signed_in(visit, Role.TRADER) as (session, actor):
        application = applications_service.get_application(session, application_id, actor=actor)
        form = forms.from_application(application)
        editable = application.status in EDITABLE
    if not editable:
        return detail(
            visit,
            application_id,
            status=409,
            errors=[forms.FieldError("form", labels.ERRORS["invalid_transition"])],
        )
    return _form_page(visit, form, application_id=application_id)


@router.post("/applications/{application_id}/edit")
def update(visit: VisitDep, application_id: RowId, posted: CsrfForm) -> Response:
    return _post_form(visit, posted, application_id)


def _trader_action(visit: Visit, application_id: int, action: str) -> Response:
    try:
        with signed_in(visit, Role.TRADER, write=True) as (session, actor):
            application = applications_service.get_application(
                session, application_id, actor=actor, for_update=True
            )
            if action == "submit":
                workflow.submit_application(session, application=application, actor=actor)
            else:
                workflow.withdraw_application(session, application=application, actor=actor)
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        message = labels.ERRORS.get(exc.code, labels.GENERIC_ERROR)
        return detail(
            visit, application_id, status=exc.status, errors=[forms.FieldError("form", message)]
        )
    done = "submitted" if action == "submit" else "withdrawn"
    return visit.redirect(f"/applications/{application_id}?done={done}")


@router.post("/applications/{application_id}/submit")
def submit(visit: VisitDep, application_id: RowId, _posted: CsrfForm) -> Response:
    return _trader_action(visit, application_id, "submit")


@router.post("/applications/{application_id}/withdraw")
def withdraw(visit: VisitDep, application_id: RowId, _posted: CsrfForm) -> Response:
    return _trader_action(visit, application_id, "withdraw")
