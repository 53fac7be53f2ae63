"""The trading organisations: the list (filtered by name; officers may read it, as they may
through the API) and the administrator's form to register one. The same use cases as
``/api/v1/organisations``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import ValidationError

from app.auth import service as auth_service
from app.auth.schemas import OrganisationCreate
from app.codelists import lists
from app.core.actor import Role
from app.core.errors import DomainError
from app.web.context import CsrfForm, Visit, VisitDep, WebRoute, signed_in
from app.web.forms import FieldError
from app.web.i18n import N_
from app.web.views_admin import ADMIN, invalid_fields, refused, values_of
from app.web.views_lists import PAGE_SIZE, PageNumber, Pager

router = APIRouter(route_class=WebRoute, include_in_schema=False)
READERS = (Role.ADMIN, Role.OFFICER)
ORGANISATION_FIELDS = ("name", "address", "country")
ORGANISATION_ERRORS = {"organisation_exists": "name", "unknown_code": "country"}
ORGANISATION_MESSAGES = {
    "name": N_("Write the organisation's name (at most 200 characters)."),
    "address": N_("Write the organisation's address (at most 2000 characters)."),
    "country": N_("Choose the country."),
}
NameFilter = Annotated[str, Query(max_length=200)]


def organisations_page(
    visit: Visit,
    page: int = 1,
    name: str = "",
    status: int = 200,
    errors: list[FieldError] | None = None,
    values: dict[str, str] | None = None,
    roles: tuple[Role, ...] = READERS,
) -> Response:
    """The list and, for an administrator, the form (``roles``: who may see this answer; a
    form sent back with its errors is for the administrator alone)."""
    with signed_in(visit, *roles) as (session, _actor):
        found, total = auth_service.list_organisations(
            session, name_contains=name or None, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
        return visit.page(
            "admin_orgs.html",
            status,
            organisations=found,
            pager=Pager(page, total),
            name=name,
            countries=sorted(lists.code_lists().country),
            errors=errors or [],
            values=values or {},
        )


@router.get("/admin/organisations")
def organisations(visit: VisitDep, page: PageNumber = 1, name: NameFilter = "") -> Response:
    return organisations_page(visit, page, name.replace("\x00", "").strip())


@router.post("/admin/organisations")
def create_organisation(visit: VisitDep, form: CsrfForm) -> Response:
    values = values_of(form, *ORGANISATION_FIELDS)
    try:
        body = OrganisationCreate.model_validate(values)
    except ValidationError as exc:
        fields = {name: name for name in ORGANISATION_FIELDS}
        errors = invalid_fields(exc, fields, ORGANISATION_MESSAGES)
        return organisations_page(visit, status=422, errors=errors, values=values, roles=(ADMIN,))
    try:
        with signed_in(visit, ADMIN, write=True) as (session, actor):
            auth_service.create_organisation(
                session, name=body.name, address=body.address, country=body.country, actor=actor
            )
    except DomainError as exc:
        error = refused(exc, ORGANISATION_ERRORS)
        return organisations_page(
            visit, status=exc.status, errors=[error], values=values, roles=(ADMIN,)
        )
    return visit.redirect("/admin/organisations?done=organisation_created")
