from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from app.api.deps import Limit, Offset, SessionDep, require_role
from app.api.errors import ERROR_RESPONSES
from app.applications import service
from app.applications.schemas import (
    ApplicationFilter,
    ApplicationIn,
    ApplicationList,
    ApplicationRead,
    ApplicationState,
    ApplicationSummary,
    DocumentType,
)
from app.core.actor import Actor, Role
from app.core.db import RowId

router = APIRouter(prefix="/applications", tags=["applications"], responses=ERROR_RESPONSES)
Trader = Annotated[Actor, Depends(require_role(Role.TRADER))]
Reader = Annotated[Actor, Depends(require_role(Role.TRADER, Role.OFFICER, Role.ADMIN))]


@router.post(
    "",
    response_model=ApplicationRead,
    status_code=status.HTTP_201_CREATED,
    summary="Start an application (trader); it is a draft until submitted",
)
def create_application(body: ApplicationIn, session: SessionDep, actor: Trader) -> ApplicationRead:
    return ApplicationRead.model_validate(service.create_draft(session, data=body, actor=actor))


@router.get(
    "",
    response_model=ApplicationList,
    summary="List applications: a trader sees their organisation's; officers see all "
    "(the review queue: status=submitted&sort=submitted_at)",
)
def list_applications(
    session: SessionDep,
    actor: Reader,
    limit: Limit = 50,
    offset: Offset = 0,
    status_: Annotated[
        list[ApplicationState] | None, Query(alias="status", description="One or more states")
    ] = None,
    document_type: DocumentType | None = None,
    organisation_id: Annotated[RowId | None, Query(description="The trader's organisation")] = None,
    submitted_from: datetime | None = None,
    submitted_to: datetime | None = None,
    sort: Annotated[str, Query(pattern=r"^-?(created_at|submitted_at)$")] = "-created_at",
) -> ApplicationList:
    flt = ApplicationFilter(
        organisation_id=organisation_id,
        statuses=tuple(status_ or ()),
        document_type=document_type,
        submitted_from=submitted_from,
        submitted_to=submitted_to,
        sort=sort,
    )
    items, total = service.list_applications(
        session, actor=actor, flt=flt, limit=limit, offset=offset
    )
    return ApplicationList(
        items=[ApplicationSummary.model_validate(a) for a in items],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/{application_id}", response_model=ApplicationRead, summary="One application")
def get_application(application_id: RowId, session: SessionDep, actor: Reader) -> ApplicationRead:
    return ApplicationRead.model_validate(
        service.get_application(session, application_id, actor=actor)
    )
