from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.api.deps import AuthorityDep, Limit, Offset, SchemaDep, SessionDep, require_role
from app.api.errors import ERROR_RESPONSES
from app.core.actor import Actor, Role
from app.core.db import RowId
from app.permits import service
from app.permits.models import Permit
from app.permits.schemas import PermitFilter, PermitList, PermitRead, PermitState

router = APIRouter(prefix="/permits", tags=["permits"], responses=ERROR_RESPONSES)
Reader = Annotated[
    Actor, Depends(require_role(Role.TRADER, Role.OFFICER, Role.ADMIN, Role.CUSTOMS))
]


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
    issued_from: datetime | None = None,
    issued_to: datetime | None = None,
) -> PermitList:
    flt = PermitFilter(
        organisation_id=organisation_id,
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


@router.get("/{permit_id}", response_model=PermitRead, summary="One permit")
def get_permit(permit_id: RowId, session: SessionDep, actor: Reader) -> PermitRead:
    permit = service.get_permit(session, permit_id, actor=actor)
    return permit_read(permit, service.replaced_numbers(session, [permit]))
