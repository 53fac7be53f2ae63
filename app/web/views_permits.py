"""Downloading an issued permit (XML as signed, PDF printed from it) with the browser's
session: the same services as the JSON API's routes, so the same visibility rules (a trader
gets only their organisation's permits; another's is 'not found')."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.core.actor import Role
from app.core.config import Settings
from app.core.db import RowId
from app.permits import service as permits_service
from app.printing import service as printing
from app.web.context import VisitDep, WebRoute, signed_in

router = APIRouter(route_class=WebRoute, include_in_schema=False)
READERS = (Role.TRADER, Role.OFFICER, Role.ADMIN, Role.CUSTOMS)


def _filename(number: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", number)


@router.get("/permits/{permit_id}.xml")
def permit_xml(visit: VisitDep, permit_id: RowId) -> Response:
    state = visit.request.app.state
    with signed_in(visit, *READERS) as (session, actor):
        permit, xml = permits_service.permit_xml(
            session, permit_id, actor=actor, authority=state.authority, schema=state.schema
        )
        number = permit.number
    return visit.finish(
        Response(
            content=xml,
            media_type="application/xml",
            headers={"Content-Disposition": f'attachment; filename="{_filename(number)}.xml"'},
        )
    )


@router.get("/permits/{permit_id}.pdf")
def permit_pdf(
    visit: VisitDep, permit_id: RowId, copy: Annotated[bool, Query()] = False
) -> Response:
    state = visit.request.app.state
    settings: Settings = state.settings
    today = visit.now.date()
    with signed_in(visit, *READERS) as (session, actor):
        permit, xml = permits_service.permit_xml(
            session, permit_id, actor=actor, authority=state.authority, schema=state.schema
        )
        number, signed = permit.number, permit.signed_xml is not None
        in_force = permit.status == permits_service.VALID and permit.valid_until >= today
    pdf = printing.permit_pdf(
        xml,
        signed=signed,
        copy=copy or not in_force,
        base_url=settings.public_base_url,
        today=today,
        font_file=settings.pdf_font_file,
        max_bytes=settings.max_xml_bytes,
    )
    return visit.finish(
        Response(
            content=pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{_filename(number)}.pdf"'},
        )
    )
