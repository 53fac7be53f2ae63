"""The officer's views of the exchange with other Parties: the outbox (what this service sends,
and whether it arrived; a message given up on can be sent again) and the permits received."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from app.core.actor import Role
from app.core.config import Settings
from app.core.errors import DomainError
from app.exchange import foreign
from app.outbox import service as outbox_service
from app.outbox.schemas import OutboxStatus
from app.web import labels
from app.web.context import CsrfForm, VisitDep, WebRoute, signed_in
from app.web.forms import FieldError
from app.web.views_lists import PAGE_SIZE, PageNumber, Pager

router = APIRouter(route_class=WebRoute, include_in_schema=False)
READERS = (Role.OFFICER, Role.ADMIN)
PartyCode = Annotated[str, Query(pattern=r"^([A-Za-z]{2})?$")]
PermitNumber = Annotated[str, Query(max_length=35)]


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


@router.get("/officer/received")
def received(
    visit: VisitDep, page: PageNumber = 1, party: PartyCode = "", number: PermitNumber = ""
) -> Response:
    with signed_in(visit, *READERS) as (session, _actor):
        items, total = foreign.list_foreign_permits(
            session,
            party=party.upper() or None,
            number=number.strip() or None,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        return visit.page(
            "received.html",
            permits=items,
            pager=Pager(page, total),
            filters={"party": party.upper(), "number": number.strip()},
        )
