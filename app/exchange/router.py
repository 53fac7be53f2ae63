"""The EPIX endpoint other Parties' systems call (see docs/epix-protocol.md when written)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from app.api.deps import SessionDep, app_state
from app.exchange import service
from app.exchange.service import Receiver
from epix import MessageType

router = APIRouter(prefix="/epix/v1", tags=["epix"])
ReceiverDep = Annotated[Receiver, Depends(app_state("receiver"))]
XML = "application/xml"


@router.post(
    "/messages",
    response_class=Response,
    summary="Receive an EPIX message from a peer Party; the answer is always a signed receipt",
    description="The body is a signed EPIX envelope (Content-Type: application/xml). 200 with a "
    "signed receipt when accepted (ACCEPTED) or already received (DUPLICATE: the original "
    "receipt again); 4xx with a signed REJECTED receipt for a permanent problem (its error "
    "code says which); 5xx or a timeout means: try again later.",
    openapi_extra={
        "requestBody": {"required": True, "content": {XML: {"schema": {"type": "string"}}}}
    },
    responses={
        200: {"content": {XML: {}}},
        400: {"content": {XML: {}}},
        403: {"content": {XML: {}}},
        404: {"content": {XML: {}}},
        409: {"content": {XML: {}}},
        421: {"content": {XML: {}}},
        422: {"content": {XML: {}}},
    },
)
async def receive(request: Request, session: SessionDep, receiver: ReceiverDep) -> Response:
    data = await request.body()
    answer = service.receive(session, data, receiver=receiver)
    return Response(content=answer.receipt, media_type=XML, status_code=answer.http_status)


@router.get("/status", summary="Is this Party's EPIX endpoint up, and what does it take")
def status(receiver: ReceiverDep) -> dict[str, Any]:
    return {
        "status": "up",
        "party": receiver.party,
        "message_types": [t.value for t in MessageType],
        "versions": {"envelope": "1", "receipt": "1", "permit": "CITESEPermit:2"},
    }
