"""The audit trail for the administrator: the events newest first, filtered by action, actor,
object and dates, each event's details as a readable list; and the verification of the hash
chain (it changes nothing: a GET). The same use cases as ``/api/v1/audit/events`` and
``/api/v1/audit/verify``."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Response

from app.audit import service as audit_service
from app.audit.service import ChainReport
from app.web.context import Visit, VisitDep, WebRoute, signed_in
from app.web.views_admin import ADMIN
from app.web.views_lists import PageNumber, Pager

router = APIRouter(route_class=WebRoute, include_in_schema=False)
EVENTS_PAGE_SIZE = 50
Text = Annotated[str, Query(max_length=120)]
ObjectType = Annotated[str, Query(max_length=40)]
ObjectId = Annotated[str, Query(max_length=64)]
Day = date | Literal[""]


def readable(raw: str) -> list[tuple[str, str]]:
    """An event's JSON details as (name, text) pairs: a nested object's names joined with
    dots, a list's items with commas, no value as a dash; text that is not a JSON object is
    shown as it is."""
    try:
        found = json.loads(raw) if raw else {}
    except ValueError:
        return [("details", raw)]
    if not isinstance(found, dict):
        return [("details", raw)]
    if not found:
        return []
    pairs: list[tuple[str, str]] = []

    def add(prefix: str, value: Any) -> None:
        if isinstance(value, dict) and value:
            for key, inner in value.items():
                add(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list):
            pairs.append((prefix, ", ".join(_text(v) for v in value) or "—"))
        else:
            pairs.append((prefix, _text(value)))

    add("", found)
    return pairs


def _text(value: Any) -> str:
    if value is None or value == {}:
        return "—"
    if isinstance(value, bool | dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


def audit_page(
    visit: Visit,
    *,
    page: int,
    filters: dict[str, str],
    since: date | None,
    until: date | None,
    verify: bool = False,
) -> Response:
    with signed_in(visit, ADMIN) as (session, _actor):
        report: ChainReport | None = audit_service.verify_chain(session) if verify else None
        events, total = audit_service.list_events(
            session,
            object_type=filters["object_type"] or None,
            object_id=filters["object_id"] or None,
            action=filters["action"] or None,
            actor_name=filters["actor"] or None,
            occurred_from=_start(since),
            occurred_before=_start(until + timedelta(days=1)) if until else None,
            limit=EVENTS_PAGE_SIZE,
            offset=(page - 1) * EVENTS_PAGE_SIZE,
        )
        return visit.page(
            "audit.html",
            events=[(e, readable(e.details)) for e in events],
            pager=Pager(page, total, EVENTS_PAGE_SIZE),
            filters=filters,
            query=urlencode(filters),
            report=report,
        )


def _filters(
    action: str, actor: str, object_type: str, object_id: str, since: Day, until: Day
) -> dict[str, str]:
    def clean(text: str) -> str:  # no NUL: PostgreSQL cannot compare text with it
        return text.replace("\x00", "").strip()

    return {
        "action": clean(action),
        "actor": clean(actor),
        "object_type": clean(object_type),
        "object_id": clean(object_id),
        "occurred_from": since.isoformat() if since else "",
        "occurred_to": until.isoformat() if until else "",
    }


class AuditQuery:
    """The audit page's filters as the query string gives them (the list and the chain
    verification take the same ones)."""

    def __init__(
        self,
        action: Text = "",
        actor: Text = "",
        object_type: ObjectType = "",
        object_id: ObjectId = "",
        occurred_from: Day = "",
        occurred_to: Day = "",
    ) -> None:
        self.filters = _filters(action, actor, object_type, object_id, occurred_from, occurred_to)
        self.since = occurred_from or None
        self.until = occurred_to or None


AuditQueryDep = Annotated[AuditQuery, Depends()]


@router.get("/admin/audit")
def audit_events(visit: VisitDep, query: AuditQueryDep, page: PageNumber = 1) -> Response:
    return audit_page(visit, page=page, filters=query.filters, since=query.since, until=query.until)


@router.get("/admin/audit/verify")
def verify_chain(visit: VisitDep, query: AuditQueryDep) -> Response:
    """Re-walk the whole chain and show the result above the events (the filters kept)."""
    return audit_page(
        visit, page=1, filters=query.filters, since=query.since, until=query.until, verify=True
    )
