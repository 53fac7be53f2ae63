"""The administrator's home page, and what the administrator's forms share: turning a
validation error or a service's refusal into errors on the form's fields."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from app.core.actor import Role
from app.core.errors import DomainError
from app.web import labels
from app.web.context import VisitDep, WebRoute, signed_in
from app.web.forms import FieldError

router = APIRouter(route_class=WebRoute, include_in_schema=False)
ADMIN = Role.ADMIN
MAX_TEXT = 20_000  # a pasted certificate is the longest field of these forms


def values_of(form: FormData, *names: str) -> dict[str, str]:
    """The posted fields, as text, stripped and cut to a sane length."""
    return {name: str(form.get(name) or "").strip()[:MAX_TEXT] for name in names}


def invalid_fields(
    exc: ValidationError, fields: Mapping[str, str], messages: Mapping[str, str] | None = None
) -> list[FieldError]:
    """One error per field from a schema's validation (``fields``: the schema's field name to
    the form's; ``messages``: the message for any error of a form field, when the general
    one would not say what is expected); an error no field names goes at the top."""
    errors: list[FieldError] = []
    for error in exc.errors():
        loc = error.get("loc", ())
        name = fields.get(str(loc[0]), "form") if loc else "form"
        cause = (error.get("ctx") or {}).get("error")
        if messages and name in messages:
            message = messages[name]
        elif isinstance(cause, DomainError):
            message = labels.ERRORS.get(cause.code, labels.GENERIC_FIELD_ERROR)
        else:
            message = labels.FIELD_ERRORS.get(str(error.get("type")), labels.GENERIC_FIELD_ERROR)
        if not any(e.field == name for e in errors):
            errors.append(FieldError(name, message))
    return errors


def refused(exc: DomainError, fields: Mapping[str, str]) -> FieldError:
    """A service's refusal as a form error, on the field its code concerns (``fields``: code
    to form field). Refusals that are not about the form (not signed in, not allowed, the
    object gone) are raised again, to become their own page."""
    if exc.status in (401, 403) or (exc.status == 404 and exc.code not in fields):
        raise exc
    message = labels.ERRORS.get(exc.code, labels.GENERIC_ERROR)
    return FieldError(fields.get(exc.code, "form"), message)


@router.get("/admin")
def admin_home(visit: VisitDep) -> Response:
    with signed_in(visit, ADMIN):
        return visit.page("admin_home.html")
