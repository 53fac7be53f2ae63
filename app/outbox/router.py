"""Officers see every outgoing message's delivery state and requeue dead ones."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from app.api.deps import Limit, Offset, SessionDep, SettingsDep, require_role
from app.api.errors import ERROR_RESPONSES
from app.core.actor import Actor, Role
from app.outbox import service
from app.outbox.schemas import OutboxMessageList, OutboxMessageRead, OutboxStatus

router = APIRouter(prefix="/outbox", tags=["outbox"], responses=ERROR_RESPONSES)
Reader = Annotated[Actor, Depends(require_role(Role.OFFICER, Role.ADMIN))]
Officer = Annotated[Actor, Depends(require_role(Role.OFFICER))]
MessageId = Annotated[str, Path(pattern="^[0-9a-fA-F-]{36}$", description="The message's UUID")]


@router.get(
    "",
    response_model=OutboxMessageList,
    summary="Outgoing messages and their delivery state, newest first (officer, admin)",
)
def list_messages(
    session: SessionDep,
    _actor: Reader,
    limit: Limit = 50,
    offset: Offset = 0,
    status: OutboxStatus | None = None,
    destination: Annotated[str | None, Query(max_length=200)] = None,
    permit_number: Annotated[
        str | None, Query(max_length=35, description="Only messages about this permit")
    ] = None,
) -> OutboxMessageList:
    items, total = service.list_messages(
        session,
        status=status.value if status else None,
        destination=destination,
        permit_number=permit_number,
        limit=limit,
        offset=offset,
    )
    return OutboxMessageList(
        items=[OutboxMessageRead.model_validate(m) for m in items],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.post(
    "/{message_id}/requeue",
    response_model=OutboxMessageRead,
    summary="Send a dead message again, after fixing what made it fail (officer)",
)
def requeue(
    message_id: MessageId, session: SessionDep, settings: SettingsDep, actor: Officer
) -> OutboxMessageRead:
    deadline = timedelta(hours=settings.delivery_deadline_hours)
    return OutboxMessageRead.model_validate(
        service.requeue(session, message_id=message_id.lower(), actor=actor, deadline=deadline)
    )


@router.get(
    "/{message_id}/receipt",
    response_class=Response,
    summary="The peer's signed receipt for a message: proof of delivery, or its signed "
    "rejection (officer, admin)",
    responses={200: {"content": {"application/xml": {}}}},
)
def receipt(message_id: MessageId, session: SessionDep, _actor: Reader) -> Response:
    data = service.receipt(session, message_id=message_id.lower())
    return Response(content=data, media_type="application/xml")
