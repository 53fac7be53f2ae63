"""This Party's stricter domestic measures (read by officers; added and withdrawn, with the
reason, by an administrator) and the export quotas with what is used of them (the quota
ledger; officers and administrators). The same use cases as ``/api/v1/species/measures`` and
``/api/v1/species/quotas``."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Response
from pydantic import Field, ValidationError
from starlette.datastructures import FormData

from app.codelists import lists
from app.core.actor import Role
from app.core.clock import utcnow
from app.core.config import Settings
from app.core.db import RowId
from app.core.errors import DomainError
from app.species import measures, quotas
from app.species.schemas import MeasureIn, MeasureWithdraw
from app.web.context import CsrfForm, Visit, VisitDep, WebRoute, signed_in
from app.web.forms import FieldError
from app.web.i18n import N_
from app.web.views_admin import ADMIN, invalid_fields, refused, values_of
from app.web.views_applications import suggestions
from app.web.views_lists import PAGE_SIZE, PageNumber, Pager

router = APIRouter(route_class=WebRoute, include_in_schema=False)
READERS = (Role.ADMIN, Role.OFFICER)
MEASURE_FIELDS = ("taxon", "direction", "start_date", "end_date", "reason")
MEASURE_ERRORS = {
    "taxon_not_found": "taxon",
    "invalid_direction": "direction",
    "invalid_dates": "end_date",
}
MEASURE_MESSAGES = {
    "taxon": N_("Enter a taxon name such as Loxodonta africana or Psittacidae (no author)."),
    "direction": N_("Choose one of the options."),
    "purpose_codes": N_("Choose purposes from the list."),
    "source_codes": N_("Choose sources from the list."),
    "reason": N_("Write the reason told to the applicant (10 to 4000 characters)."),
}
REASON_ERROR = N_("Write the reason (10 to 4000 characters).")
MeasureState = Literal["", "withdrawn", "all"]
TaxonFilter = Annotated[str, Query(max_length=200)]
Year = Annotated[int, Field(ge=1975, le=2200)]
Party = Annotated[str, Query(pattern="^([A-Z]{2})?$")]


def _listing(page: int, taxon: str, state: str) -> dict[str, str]:
    """The list's filters, as the page's own address carries them."""
    return {"page": str(page), "taxon": taxon.replace("\x00", "").strip(), "state": state}


def measures_page(
    visit: Visit,
    listing: dict[str, str],
    status: int = 200,
    errors: list[FieldError] | None = None,
    values: dict[str, str] | None = None,
    chosen: dict[str, list[str]] | None = None,
    roles: tuple[Role, ...] = READERS,
) -> Response:
    """The measures of the list's filters and, for an administrator, the forms (``roles``:
    who may see this answer; a form sent back with its errors is the administrator's)."""
    page, taxon, state = int(listing["page"]), listing["taxon"], listing["state"]
    values = {"direction": "export", "start_date": utcnow().date().isoformat(), **(values or {})}
    with signed_in(visit, *roles) as (session, _actor):
        found, total = measures.list_measures(
            session,
            include_withdrawn=state == "all",
            withdrawn_only=state == "withdrawn",
            taxon=taxon or None,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        names: dict[str, dict[str, str]] = {}
        for typed in (taxon, values.get("taxon", "")):
            for suggestion in suggestions(session, typed.replace("\x00", ""), limit=5):
                names.setdefault(suggestion["name"], suggestion)
        return visit.page(
            "admin_measures.html",
            status,
            measures=found,
            pager=Pager(page, total),
            filters={"taxon": taxon, "state": state},
            query=urlencode(listing),
            today=utcnow().date(),
            species=list(names.values()),
            errors=errors or [],
            values=values,
            chosen=chosen or {"purpose_codes": [], "source_codes": []},
        )


@router.get("/admin/measures")
def measures_list(
    visit: VisitDep, page: PageNumber = 1, taxon: TaxonFilter = "", state: MeasureState = ""
) -> Response:
    return measures_page(visit, _listing(page, taxon, state))


def _chosen(form: FormData, name: str) -> list[str]:
    return [str(v).strip()[:10] for v in form.getlist(name)][:40]


@router.post("/admin/measures")
def add_measure(visit: VisitDep, form: CsrfForm) -> Response:
    values = values_of(form, *MEASURE_FIELDS)
    chosen = {name: _chosen(form, name) for name in ("purpose_codes", "source_codes")}
    listing = _listing(1, "", "")
    try:
        body = MeasureIn.model_validate(
            {**values, **chosen, "end_date": values["end_date"] or None}
        )
    except ValidationError as exc:
        fields = {name: name for name in (*MEASURE_FIELDS, *chosen)}
        errors = invalid_fields(exc, fields, MEASURE_MESSAGES)
        return measures_page(visit, listing, 422, errors, values, chosen, (ADMIN,))
    settings: Settings = visit.request.app.state.settings
    try:
        with signed_in(visit, ADMIN, write=True) as (session, actor):
            measures.add_measure(
                session,
                party=settings.party,
                taxon=body.taxon,
                direction=body.direction,
                purpose_codes=body.purpose_codes,
                source_codes=body.source_codes,
                start_date=body.start_date,
                end_date=body.end_date,
                reason=body.reason,
                actor=actor,
            )
    except DomainError as exc:
        error = refused(exc, MEASURE_ERRORS)
        return measures_page(visit, listing, exc.status, [error], values, chosen, (ADMIN,))
    return visit.redirect("/admin/measures?done=measure_added")


@router.post("/admin/measures/{measure_id}/withdraw")
def withdraw_measure(
    visit: VisitDep,
    measure_id: RowId,
    form: CsrfForm,
    page: PageNumber = 1,
    taxon: TaxonFilter = "",
    state: MeasureState = "",
) -> Response:
    """Withdraw a measure with the reason; refused, the list comes back as it was (its
    filters are in the form's address) with the error on that measure's reason."""
    field = f"reason-{measure_id}"
    reason = str(form.get(field) or "").strip()
    listing = _listing(page, taxon, state)
    try:
        reason = MeasureWithdraw.model_validate({"reason": reason}).reason
    except ValidationError:
        values = {field: reason[:4000].replace("\x00", "")}
        errors = [FieldError(field, REASON_ERROR)]
        return measures_page(visit, listing, 422, errors, values, roles=(ADMIN,))
    try:
        with signed_in(visit, ADMIN, write=True) as (session, actor):
            measures.withdraw_measure(session, measure_id=measure_id, reason=reason, actor=actor)
    except DomainError as exc:
        error = refused(exc, {})  # withdrawn already: its form is gone, the error is the page's
        return measures_page(visit, listing, exc.status, [error], roles=(ADMIN,))
    return visit.redirect(f"/admin/measures?done=measure_withdrawn&{urlencode(listing)}")


@router.get("/admin/quotas")
def quotas_list(
    visit: VisitDep,
    page: PageNumber = 1,
    year: Year | Literal[""] | None = None,
    party: Party = "",
    taxon: TaxonFilter = "",
) -> Response:
    """The current reference data's export quotas with their use today; without a year
    chosen, this year's."""
    today = utcnow().date()
    shown_year = today.year if year is None else year
    taxon = taxon.replace("\x00", "").strip()
    with signed_in(visit, *READERS) as (session, _actor):
        found, total, snapshot_id = quotas.list_quotas(
            session,
            party=party or None,
            year=shown_year or None,
            taxon=taxon or None,
            on=today,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        filters = {"year": str(shown_year), "party": party, "taxon": taxon}
        return visit.page(
            "admin_quotas.html",
            standings=found,
            pager=Pager(page, total),
            snapshot_id=snapshot_id,
            filters=filters,
            query=urlencode(filters),
            countries=sorted(lists.code_lists().country),
            species=suggestions(session, taxon, limit=5),
        )
