from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.api.deps import Limit, Offset, SessionDep, require_role
from app.api.errors import ERROR_RESPONSES
from app.audit import service
from app.audit.schemas import AuditEventList, AuditEventRead, ChainReportRead
from app.core.actor import Actor, Role

router = APIRouter(prefix="/audit", tags=["audit"], responses=ERROR_RESPONSES)
Admin = Annotated[Actor, Depends(require_role(Role.ADMIN))]


@router.get(
    "/events",
    response_model=AuditEventList,
    summary="The audit trail, newest first, filterable by object and action (admin)",
)
def list_events(
    session: SessionDep,
    _actor: Admin,
    limit: Limit = 50,
    offset: Offset = 0,
    object_type: Annotated[str | None, Query(max_length=40)] = None,
    object_id: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
) -> AuditEventList:
    items, total = service.list_events(
        session,
        object_type=object_type,
        object_id=object_id,
        action=action,
        limit=limit,
        offset=offset,
    )
    return AuditEventList(
        items=[AuditEventRead.model_validate(e) for e in items],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/verify",
    response_model=ChainReportRead,
    summary="Re-walk the hash chain and report the first broken link (admin)",
)
def verify(session: SessionDep, _actor: Admin) -> ChainReportRead:
    return ChainReportRead.model_validate(service.verify_chain(session))
