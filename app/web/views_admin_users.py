"""The administrator's pages for accounts: users (list, create, disable, enable) and the API
keys of machine clients (list, create: the key is shown once, revoke). The same use cases as
``/api/v1/users`` and ``/api/v1/api-keys``."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import ValidationError

from app.auth import api_keys
from app.auth import service as auth_service
from app.auth.schemas import UserCreate
from app.core.actor import Role
from app.core.db import RowId
from app.core.errors import DomainError
from app.web import labels
from app.web.context import CsrfForm, Visit, VisitDep, WebRoute, signed_in
from app.web.forms import FieldError
from app.web.i18n import N_
from app.web.views_admin import ADMIN, invalid_fields, refused, values_of
from app.web.views_lists import PAGE_SIZE, PageNumber, Pager

router = APIRouter(route_class=WebRoute, include_in_schema=False)
ORGANISATIONS_SHOWN = 500
USER_FIELDS = ("username", "full_name", "role", "password", "organisation_id")
USER_ERRORS = {
    "user_exists": "username",
    "organisation_required": "organisation_id",
    "organisation_not_allowed": "organisation_id",
    "organisation_not_found": "organisation_id",
}
USER_MESSAGES = {
    "username": N_("Use 3 to 80 letters, digits or the signs . _ @ - (no spaces)."),
    "password": N_("Choose a password of at least 12 characters."),
    "role": N_("Choose one of the options."),
    "organisation_id": N_("Choose one of the options."),
}
KEY_FIELDS = ("holder", "name")
KEY_ERRORS = {"user_not_found": "holder", "user_disabled": "holder"}


def users_page(
    visit: Visit,
    page: int = 1,
    status: int = 200,
    errors: list[FieldError] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    with signed_in(visit, ADMIN) as (session, _actor):
        users, total = auth_service.list_users(
            session, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
        organisations, _count = auth_service.list_organisations(session, limit=ORGANISATIONS_SHOWN)
        return visit.page(
            "admin_users.html",
            status,
            users=users,
            pager=Pager(page, total),
            organisations=organisations,
            names={o.id: o.name for o in organisations},
            roles=[r.value for r in Role],
            errors=errors or [],
            values=values or {"role": Role.TRADER.value},
        )


@router.get("/admin/users")
def users(visit: VisitDep, page: PageNumber = 1) -> Response:
    return users_page(visit, page)


@router.post("/admin/users")
def create_user(visit: VisitDep, form: CsrfForm) -> Response:
    values = values_of(form, *USER_FIELDS)
    shown = {k: v for k, v in values.items() if k != "password"}  # never sent back
    try:
        body = UserCreate.model_validate(
            {**values, "organisation_id": values["organisation_id"] or None}
        )
    except ValidationError as exc:
        fields = {name: name for name in USER_FIELDS}
        errors = invalid_fields(exc, fields, USER_MESSAGES)
        return users_page(visit, status=422, errors=errors, values=shown)
    try:
        with signed_in(visit, ADMIN, write=True) as (session, actor):
            auth_service.create_user(
                session,
                username=body.username,
                full_name=body.full_name,
                role=body.role,
                password=body.password,
                organisation_id=body.organisation_id,
                actor=actor,
            )
    except DomainError as exc:
        error = refused(exc, USER_ERRORS)
        return users_page(visit, status=exc.status, errors=[error], values=shown)
    return visit.redirect("/admin/users?done=user_created")


@router.post("/admin/users/{user_id}/{action}")
def change_user(visit: VisitDep, user_id: RowId, action: str, _form: CsrfForm) -> Response:
    if action not in ("disable", "enable"):
        return visit.page("error.html", 404, kind="not_found")
    try:
        with signed_in(visit, ADMIN, write=True) as (session, actor):
            user = auth_service.get_user(session, user_id)
            if action == "disable":
                auth_service.disable_user(session, user=user, actor=actor)
            else:
                auth_service.enable_user(session, user=user, actor=actor)
    except DomainError as exc:
        return users_page(visit, status=exc.status, errors=[refused(exc, {})])
    return visit.redirect(f"/admin/users?done=user_{action}d")


def keys_page(
    visit: Visit,
    page: int = 1,
    status: int = 200,
    errors: list[FieldError] | None = None,
    values: dict[str, str] | None = None,
    created: tuple[str, str] | None = None,
) -> Response:
    """The keys, newest first; ``created``: the new key's name and secret, shown this once."""
    with signed_in(visit, ADMIN) as (session, _actor):
        shown, total = api_keys.list_api_keys(
            session, user_id=None, revoked=None, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
        holders = {k.user_id: auth_service.get_user(session, k.user_id) for k in shown}
        return visit.page(
            "admin_keys.html",
            status,
            keys=shown,
            holders=holders,
            pager=Pager(page, total),
            errors=errors or [],
            values=values or {},
            created=created,
        )


@router.get("/admin/api-keys")
def api_keys_listing(visit: VisitDep, page: PageNumber = 1) -> Response:
    return keys_page(visit, page)


@router.post("/admin/api-keys")
def create_api_key(visit: VisitDep, form: CsrfForm) -> Response:
    values = values_of(form, *KEY_FIELDS)
    errors = []
    if not values["holder"]:
        errors.append(FieldError("holder", labels.FIELD_ERRORS["missing"]))
    if "\x00" in values["holder"]:
        errors.append(FieldError("holder", labels.GENERIC_FIELD_ERROR))
    if not 1 <= len(values["name"]) <= 120 or "\x00" in values["name"]:
        errors.append(FieldError("name", N_("Write a name of 1 to 120 characters.")))
    if errors:
        return keys_page(visit, status=422, errors=errors, values=values)
    try:
        with signed_in(visit, ADMIN, write=True) as (session, actor):
            holder = auth_service.find_user(session, values["holder"])
            _api_key, secret = api_keys.create_api_key(
                session, user=holder, name=values["name"], actor=actor
            )
    except DomainError as exc:
        return keys_page(visit, status=exc.status, errors=[refused(exc, KEY_ERRORS)], values=values)
    return keys_page(visit, created=(values["name"], secret))


@router.post("/admin/api-keys/{key_id}/revoke")
def revoke_api_key(visit: VisitDep, key_id: RowId, _form: CsrfForm) -> Response:
    with signed_in(visit, ADMIN, write=True) as (session, actor):
        api_keys.revoke_api_key(session, api_key=api_keys.get_api_key(session, key_id), actor=actor)
    return visit.redirect("/admin/api-keys?done=key_revoked")
