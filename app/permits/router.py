from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.api.deps import (
    AuthorityDep,
    Limit,
    Offset,
    SchemaDep,
    SessionDep,
    SettingsDep,
    app_state,
    require_role,
)
from app.api.errors import ERROR_RESPONSES
from app.core.actor import Actor, Role
from app.core.db import RowId
from app.permits import service
from app.permits.models import Permit
from app.permits.schemas import PermitFilter, PermitList, PermitRead, PermitState
from app.printing import service as printing

router = APIRouter(prefix="/permits", tags=["permits"], responses=ERROR_RESPONSES)
Reader = Annotated[
    Actor, Depends(require_role(Role.TRADER, Role.OFFICER, Role.ADMIN, Role.CUSTOMS))
]
ClockDep = Annotated[Callable[[], datetime], Depends(app_state("clock"))]


def permit_read(permit: Permit, replaced: dict[int, str]) -> PermitRead:
    read = PermitRead.model_validate(permit)
    if permit.replaces_permit_id is not None:
        read.replaces_number = replaced.get(permit.replaces_permit_id)
    return read


@router.get("", response_model=PermitList, summary="List permits (a trader sees their own)")
def list_permits(
    session: SessionDep,
    actor: Reader,
    limit: Limit = 50,
    offset: Offset = 0,
    status_: Annotated[
        list[PermitState] | None, Query(alias="status", description="One or more states")
    ] = None,
    document_type: Annotated[str | None, Query(pattern="^[ERIO]$")] = None,
    number: Annotated[str | None, Query(max_length=35)] = None,
    organisation_id: RowId | None = None,
    application_id: Annotated[
        RowId | None,
        Query(description="The permits issued from this application (the first, replacements)"),
    ] = None,
    issued_from: datetime | None = None,
    issued_to: datetime | None = None,
) -> PermitList:
    flt = PermitFilter(
        organisation_id=organisation_id,
        application_id=application_id,
        statuses=tuple(status_ or ()),
        document_type=document_type,
        number=number,
        issued_from=issued_from,
        issued_to=issued_to,
    )
    items, total = service.list_permits(session, actor=actor, flt=flt, limit=limit, offset=offset)
    replaced = service.replaced_numbers(session, items)
    return PermitList(
        items=[permit_read(p, replaced) for p in items], total=total, limit=limit, offset=offset
    )


@router.get(
    "/{permit_id}.xml",
    response_class=Response,
    summary="The permit as a CITES ePermit (toolkit v2) XML document, validated against the XSD",
    responses={200: {"content": {"application/xml": {}}, "description": "CITESEPermit"}},
)
def get_permit_xml(
    permit_id: RowId,
    session: SessionDep,
    actor: Reader,
    authority: AuthorityDep,
    schema: SchemaDep,
) -> Response:
    permit, xml = service.permit_xml(
        session, permit_id, actor=actor, authority=authority, schema=schema
    )
    return Response(
        content=xml,
        media_type="application/xml",
        headers={"Content-Disposition": f'inline; filename="{permit.number}.xml"'},
    )


@router.get(
    "/{permit_id}.pdf",
    response_class=Response,
    summary="The permit printed: an A4 PDF laid out like the standard CITES form",
    description="Boxes 1 to 15 and one block per species line (A, B, ...), printed from the "
    "signed XML, with a QR code of the public verification address "
    "(`/verify/{party}/{number}?d={digest}`, the digest being the first 16 hex digits of "
    "SHA-256 over the signed XML). Marked **COPY** when asked (`copy=true`), when the "
    "document is itself a copy, or when the permit is no longer valid in the record "
    "(cancelled, replaced, used, exported, expired): only a valid permit prints as the "
    "original. Who may read the permit's XML may print it.",
    responses={200: {"content": {"application/pdf": {}}, "description": "The permit (PDF)"}},
)
def get_permit_pdf(
    permit_id: RowId,
    session: SessionDep,
    actor: Reader,
    authority: AuthorityDep,
    schema: SchemaDep,
    settings: SettingsDep,
    clock: ClockDep,
    copy: Annotated[
        bool, Query(description="Print a copy (e.g. for the holder's or the authority's file)")
    ] = False,
) -> Response:
    permit, xml = service.permit_xml(
        session, permit_id, actor=actor, authority=authority, schema=schema
    )
    today = clock().date()
    in_force = permit.status == service.VALID and permit.valid_until >= today
    pdf = printing.permit_pdf(
        xml,
        signed=permit.signed_xml is not None,
        copy=copy or not in_force,
        base_url=settings.public_base_url,
        today=today,
        font_file=settings.pdf_font_file,
        max_bytes=settings.max_xml_bytes,
    )
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", permit.number)
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}.pdf"'},
    )


@router.get("/{permit_id}", response_model=PermitRead, summary="One permit")
def get_permit(permit_id: RowId, session: SessionDep, actor: Reader) -> PermitRead:
    permit = service.get_permit(session, permit_id, actor=actor)
    return permit_read(permit, service.replaced_numbers(session, [permit]))
