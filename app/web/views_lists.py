"""The trader's dashboard (applications and permits) and the officer's work queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from app.applications import service as applications_service
from app.applications.schemas import ApplicationFilter, ApplicationState
from app.core.actor import Role
from app.permits import service as permits_service
from app.permits.schemas import PermitFilter
from app.web.context import VisitDep, WebRoute, signed_in

router = APIRouter(route_class=WebRoute, include_in_schema=False)
PAGE_SIZE = 20
PageNumber = Annotated[int, Query(ge=1, le=100_000)]


@dataclass(frozen=True)
class Pager:
    page: int
    total: int
    size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@router.get("/dashboard")
def dashboard(visit: VisitDep, page: PageNumber = 1, permits_page: PageNumber = 1) -> Response:
    with signed_in(visit, Role.TRADER) as (session, actor):
        applications, total = applications_service.list_applications(
            session,
            actor=actor,
            flt=ApplicationFilter(sort="-created_at"),
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        permits, permits_total = permits_service.list_permits(
            session,
            actor=actor,
            flt=PermitFilter(),
            limit=PAGE_SIZE,
            offset=(permits_page - 1) * PAGE_SIZE,
        )
        return visit.page(
            "dashboard.html",
            applications=applications,
            pager=Pager(page, total),
            permits=permits,
            permits_pager=Pager(permits_page, permits_total),
        )


def _start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


@router.get("/officer/queue")
def queue(
    visit: VisitDep,
    page: PageNumber = 1,
    status: ApplicationState | Literal[""] = ApplicationState.SUBMITTED,
    document_type: Literal["", "E", "R", "I", "O"] = "",
    submitted_from: date | Literal[""] = "",
    submitted_to: date | Literal[""] = "",
) -> Response:
    since = submitted_from or None
    until = submitted_to or None
    flt = ApplicationFilter(
        statuses=(status,) if status else (),
        document_type=document_type or None,
        submitted_from=_start(since),
        submitted_to=_start(until + timedelta(days=1)) if until else None,
        sort="submitted_at" if status == "submitted" else "-created_at",
    )
    with signed_in(visit, Role.OFFICER, Role.ADMIN) as (session, actor):
        items, total = applications_service.list_applications(
            session, actor=actor, flt=flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
        filters = {
            "status": status,
            "document_type": document_type,
            "submitted_from": since.isoformat() if since else "",
            "submitted_to": until.isoformat() if until else "",
        }
        return visit.page(
            "queue.html", applications=items, pager=Pager(page, total), filters=filters
        )
