"""The EPIX endpoint other Parties' systems call (see docs/epix-protocol.md when written)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from app.api.deps import (
    HttpClientDep,
    Limit,
    Offset,
    ReceiverDep,
    SessionDep,
    SessionFactoryDep,
    SettingsDep,
    require_role,
)
from app.api.errors import ERROR_RESPONSES
from app.core.actor import Actor, Role
from app.core.db import unit_of_work
from app.core.errors import NotFound
from app.exchange import foreign, service
from app.exchange.request import request_permit
from app.exchange.schemas import ForeignPermitList, ForeignPermitRead, PermitRequestBody
from epix import MessageType

router = APIRouter(prefix="/epix/v1", tags=["epix"])
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
async def receive(request: Request, factory: SessionFactoryDep, receiver: ReceiverDep) -> Response:
    data = await request.body()

    def work() -> service.Answer:
        # committed before the receipt is sent: what the receipt says is durable
        with unit_of_work(factory) as session:
            return service.receive(session, data, receiver=receiver)

    # The whole unit of work in one hop to the thread pool: blocking the event loop while
    # waiting for a lock would stall the very request that holds it.
    answer = await run_in_threadpool(work)
    return Response(content=answer.receipt, media_type=XML, status_code=answer.http_status)


@router.get("/status", summary="Is this Party's EPIX endpoint up, and what does it take")
def status(receiver: ReceiverDep) -> dict[str, Any]:
    return {
        "status": "up",
        "party": receiver.party,
        "message_types": [t.value for t in MessageType],
        "versions": {"envelope": "1", "receipt": "1", "permit": "CITESEPermit:2"},
    }


api_router = APIRouter(prefix="/foreign-permits", tags=["epix"], responses=ERROR_RESPONSES)
Reader = Annotated[Actor, Depends(require_role(Role.OFFICER, Role.CUSTOMS, Role.ADMIN))]


@api_router.get(
    "",
    response_model=ForeignPermitList,
    summary="Permits other Parties pushed here, newest first (officer, customs, admin)",
)
def list_foreign_permits(
    session: SessionDep,
    _actor: Reader,
    limit: Limit = 50,
    offset: Offset = 0,
    party: Annotated[str | None, Query(pattern="^[A-Z]{2}$", description="Issuing Party")] = None,
    number: Annotated[str | None, Query(max_length=35)] = None,
) -> ForeignPermitList:
    items, total = foreign.list_foreign_permits(
        session, party=party, number=number, limit=limit, offset=offset
    )
    return ForeignPermitList(
        items=[ForeignPermitRead.model_validate(p) for p in items],
        total=total,
        limit=limit,
        offset=offset,
    )


@api_router.post(
    "/request",
    response_model=ForeignPermitRead,
    summary="Fetch a peer's permit by number over EPIX (PERMIT_REQUEST) and store it, verified",
    description="For a permit presented here that its issuer never pushed. The peer answers "
    "with its signed permit, which is verified against the trust registry like a pushed one. "
    "404 `peer_permit_not_found` when the peer has no such permit; 502 `peer_unreachable` "
    "when it cannot be reached (try later), `peer_rejected` or `peer_answer_invalid` when "
    "its answer cannot be used.",
)
def request_foreign_permit(
    body: PermitRequestBody,
    session: SessionDep,
    receiver: ReceiverDep,
    client: HttpClientDep,
    settings: SettingsDep,
    actor: Reader,
) -> ForeignPermitRead:
    stored = request_permit(
        session,
        party=body.party,
        number=body.number,
        receiver=receiver,
        client=client,
        actor=actor,
        timeout=settings.relay_timeout_seconds,
    )
    return ForeignPermitRead.model_validate(stored)


@api_router.get(
    "/{party}/{number}.xml",
    response_class=Response,
    summary="A received permit's signed XML, byte for byte as its issuer signed it "
    "(officer, customs, admin)",
    responses={200: {"content": {XML: {}}}},
)
def foreign_permit_xml(
    party: Annotated[str, Path(pattern="^[A-Z]{2}$", description="Issuing Party")],
    number: Annotated[str, Path(max_length=35, description="Permit number")],
    session: SessionDep,
    _actor: Reader,
) -> Response:
    data = foreign.foreign_permit_bytes(session, party, number)
    if data is None:
        raise NotFound(
            f"no permit {number} of {party} was received",
            code="foreign_permit_not_found",
            details={"party": party, "number": number},
        )
    return Response(content=data, media_type=XML)
