"""The officer's views of the exchange with other Parties: the outbox (what this service sends,
and whether it arrived; a message given up on can be sent again), the permits received (each
one's signed XML to download), and the request of a permit from its issuing Party (EPIX
PERMIT_REQUEST). The same use cases as ``/api/v1/outbox`` and ``/api/v1/foreign-permits``."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Response
from pydantic import ValidationError

from app.core.actor import Role
from app.core.config import Settings
from app.core.errors import DomainError, NotFound
from app.exchange import foreign
from app.exchange.request import request_permit
from app.exchange.schemas import PermitRequestBody
from app.outbox import service as outbox_service
from app.outbox.schemas import OutboxStatus
from app.web import labels
from app.web.context import CsrfForm, Visit, VisitDep, WebRoute, signed_in
from app.web.forms import FieldError
from app.web.i18n import N_
from app.web.views_lists import PAGE_SIZE, PageNumber, Pager

router = APIRouter(route_class=WebRoute, include_in_schema=False)
READERS = (Role.OFFICER, Role.ADMIN)
XML_READERS = (Role.OFFICER, Role.CUSTOMS, Role.ADMIN)  # as GET /api/v1/foreign-permits/...
PartyCode = Annotated[str, Query(pattern=r"^([A-Za-z]{2})?$")]
PermitNumber = Annotated[str, Query(max_length=35)]
REQUEST_PARTY, REQUEST_NUMBER = "request-party", "request-number"
REQUEST_FIELDS = {"party": REQUEST_PARTY, "number": REQUEST_NUMBER}
REQUEST_INPUT = {
    REQUEST_PARTY: N_("Enter the two-letter code of the issuing Party, such as FR."),
    REQUEST_NUMBER: N_("Enter the permit number, as printed (at most 35 characters)."),
}
# Why a request was refused, by the service's code: (the field concerned, the message).
REQUEST_REFUSALS = {
    "peer_not_found": (
        REQUEST_PARTY,
        N_("This Party is not a peer of this service: an administrator must add it first."),
    ),
    "peer_suspended": (
        REQUEST_PARTY,
        N_("The exchange with this Party is suspended: nothing can be requested from it."),
    ),
    "peer_without_endpoint": (
        REQUEST_PARTY,
        N_("No EPIX address is registered for this Party: an administrator must add it."),
    ),
    "peer_endpoint_refused": (
        REQUEST_PARTY,
        N_("The EPIX address registered for this Party cannot be used."),
    ),
    "peer_permit_not_found": (
        REQUEST_NUMBER,
        N_("The Party answered that it has no permit with this number."),
    ),
    "peer_unreachable": (
        "form",
        N_("The Party's system could not be reached. Nothing was changed: try again later."),
    ),
    "peer_rejected": ("form", N_("The Party's system refused the request.")),
    "peer_answer_invalid": (
        "form",
        N_("The permit the Party sent could not be accepted: its signature did not verify."),
    ),
}


@router.get("/officer/outbox")
def outbox(
    visit: VisitDep, page: PageNumber = 1, status: OutboxStatus | Literal[""] = ""
) -> Response:
    with signed_in(visit, *READERS) as (session, _actor):
        items, total = outbox_service.list_messages(
            session, status=status or None, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
        return visit.page(
            "outbox.html", messages=items, pager=Pager(page, total), selected=status, errors=[]
        )


@router.post("/officer/outbox/{message_id}/requeue")
def requeue(visit: VisitDep, message_id: str, _form: CsrfForm) -> Response:
    settings: Settings = visit.request.app.state.settings
    deadline = timedelta(hours=settings.delivery_deadline_hours)
    try:
        with signed_in(visit, Role.OFFICER, write=True) as (session, actor):
            outbox_service.requeue(
                session, message_id=message_id.lower()[:36], actor=actor, deadline=deadline
            )
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        message = labels.ERRORS.get(exc.code, labels.GENERIC_ERROR)
        with signed_in(visit, *READERS) as (session, _actor):
            items, total = outbox_service.list_messages(session, limit=PAGE_SIZE, offset=0)
            return visit.page(
                "outbox.html",
                exc.status,
                messages=items,
                pager=Pager(1, total),
                selected="",
                errors=[FieldError("form", message)],
            )
    return visit.redirect("/officer/outbox?done=requeued")


def received_page(
    visit: Visit,
    *,
    page: int = 1,
    party: str = "",
    number: str = "",
    status: int = 200,
    errors: list[FieldError] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    """The received permits, filtered, with the request form (and its errors)."""
    with signed_in(visit, *READERS) as (session, _actor):
        items, total = foreign.list_foreign_permits(
            session,
            party=party or None,
            number=number or None,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        return visit.page(
            "received.html",
            status,
            permits=items,
            pager=Pager(page, total),
            filters={"party": party, "number": number},
            errors=errors or [],
            values=values or {},
        )


@router.get("/officer/received")
def received(
    visit: VisitDep, page: PageNumber = 1, party: PartyCode = "", number: PermitNumber = ""
) -> Response:
    return received_page(visit, page=page, party=party.upper(), number=number.strip())


@router.post("/officer/received/request")
def request_foreign_permit(visit: VisitDep, form: CsrfForm) -> Response:
    """Ask a peer for its permit by number (PERMIT_REQUEST); the permit it sends is verified
    and stored, as ``POST /api/v1/foreign-permits/request`` does."""
    values = {name: str(form.get(name) or "").strip()[:100] for name in REQUEST_INPUT}
    try:
        body = PermitRequestBody.model_validate(
            {"party": values[REQUEST_PARTY].upper(), "number": values[REQUEST_NUMBER]}
        )
    except ValidationError as exc:
        named = {REQUEST_FIELDS.get(str(e["loc"][0]), REQUEST_PARTY) for e in exc.errors()}
        errors = [FieldError(name, REQUEST_INPUT[name]) for name in REQUEST_INPUT if name in named]
        return received_page(visit, status=400, errors=errors, values=values)
    state = visit.request.app.state
    settings: Settings = state.settings
    try:
        with signed_in(visit, *READERS, write=True) as (session, actor):
            stored = request_permit(
                session,
                party=body.party,
                number=body.number,
                receiver=state.receiver,
                client=state.http_client,
                actor=actor,
                timeout=settings.relay_timeout_seconds,
            )
            party, number = stored.issuing_party, stored.number
    except DomainError as exc:
        if exc.code not in REQUEST_REFUSALS:
            raise
        field, message = REQUEST_REFUSALS[exc.code]
        return received_page(
            visit, status=exc.status, errors=[FieldError(field, message)], values=values
        )
    query = urlencode({"party": party, "number": number, "done": "permit_requested"})
    return visit.redirect(f"/officer/received?{query}")


def _file_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)


@router.get("/officer/received/{party}/{number:path}.xml")
def received_xml(
    visit: VisitDep,
    party: Annotated[str, Path(pattern="^[A-Z]{2}$")],
    number: Annotated[str, Path(min_length=1, max_length=35)],
) -> Response:
    """A received permit's signed XML, byte for byte as its issuer signed it."""
    with signed_in(visit, *XML_READERS) as (session, _actor):
        data = foreign.foreign_permit_bytes(session, party, number)
    if data is None:
        raise NotFound(
            f"no permit {number} of {party} was received",
            code="foreign_permit_not_found",
            details={"party": party, "number": number},
        )
    name = f"{party}-{_file_name(number)}.xml"
    return visit.finish(
        Response(
            content=data,
            media_type="application/xml",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    )
