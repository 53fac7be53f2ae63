"""Customs at the border: the validity check and the two border events (API keys, role
customs). A caller without the role learns nothing, not even whether a permit exists."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session, sessionmaker

from app.api.deps import (
    AnnouncerDep,
    CredentialsDep,
    Limit,
    Offset,
    SessionDep,
    SettingsDep,
    app_state,
    require_role,
)
from app.api.errors import ERROR_RESPONSES
from app.core.actor import Actor, Role
from app.core.config import Settings
from app.core.db import is_embedded, read_only_connection, unit_of_work
from app.core.errors import DomainError
from app.customs import events, service
from app.customs.schemas import (
    BorderEventResult,
    CustomsView,
    ExportEndorsement,
    ImportClearance,
    WebhookIn,
    WebhookList,
    WebhookRead,
)
from app.exchange.foreign import Receiver
from app.exchange.request import request_permit
from app.outbox import webhooks
from app.outbox.announce import Announcer

router = APIRouter(prefix="/customs", tags=["customs"], responses=ERROR_RESPONSES)
CHECKERS = (Role.CUSTOMS, Role.OFFICER, Role.ADMIN)
Customs = Annotated[Actor, Depends(require_role(Role.CUSTOMS))]
ClockDep = Annotated[Callable[[], datetime], Depends(app_state("clock"))]
Country = Annotated[str, Path(pattern="^[A-Z]{2}$", description="The issuing Party")]
Number = Annotated[str, Path(min_length=1, max_length=35, description="The permit number")]
PERMIT = "/permits/{country}/{number}"


@router.get(
    PERMIT,
    response_model=CustomsView,
    summary="Is this permit genuine and still usable? (customs, officer, admin)",
    description="For this Party's own permits and for permits other Parties sent here. The "
    "state is evaluated now: VALID, NOT_YET_VALID, EXPIRED, CANCELLED, REPLACED (with "
    "replaced_by), EXPORTED (endorsed at export, awaiting import), USED (cleared at import) "
    "or NOT_FOUND. For a received permit, `signature` says whether it verifies now and "
    "with which certificate. A permit of a peer Party that was never pushed here is first "
    "asked of that Party (`fetched` is then true), unless `fetch=false`.",
)
async def check_permit(
    country: Country,
    number: Number,
    credentials: CredentialsDep,
    request: Request,
    fetch: Annotated[
        bool,
        Query(description="Ask the issuing Party for a permit not known here (PERMIT_REQUEST)"),
    ] = True,
) -> Response:
    # The border's hot path takes its adapters from the application's state in one step
    # rather than as one dependency each (each costs the framework a resolution per request).
    state = request.app.state
    factory: sessionmaker[Session] = state.session_factory
    settings: Settings = state.settings
    clock: Callable[[], datetime] = state.clock

    # The hot path of the border: authentication and the check in one read-only unit of work.
    def read() -> tuple[Actor, CustomsView]:
        with read_only_connection(factory) as connection:
            actor = credentials.actor(connection, *CHECKERS)
            return actor, service.check(
                connection,
                country,
                number,
                own_party=settings.party,
                max_bytes=settings.max_xml_bytes,
                now=clock(),
            )

    # On SQLite (in-process) it is a few short reads that never wait for a lock (a WAL
    # snapshot), cheaper on the event loop than a hop to the thread pool and back: under load
    # the hop, and the threads' contention for the GIL, cost more than the check. PostgreSQL's
    # reads wait on the network, so there they go to the pool and other requests proceed.
    # A permit to fetch from its issuer (a network call, and a write) always goes to the pool.
    if is_embedded(factory):
        actor, view = read()
    else:
        actor, view = await run_in_threadpool(read)
    if view.state == "NOT_FOUND" and fetch and country != settings.party:

        def fetch_and_check() -> CustomsView:
            with unit_of_work(factory) as session:
                return service.check(
                    session,
                    country,
                    number,
                    own_party=settings.party,
                    max_bytes=settings.max_xml_bytes,
                    now=clock(),
                    fetch=lambda party, permit_number: _ask(
                        session,
                        party,
                        permit_number,
                        state.receiver,
                        state.http_client,
                        actor,
                        settings,
                    ),
                )

        view = await run_in_threadpool(fetch_and_check)
    # Serialized once, here: the view is built by the service and already valid, so the
    # framework's second validation against response_model (documentation only) is skipped.
    return Response(view.model_dump_json().encode(), media_type="application/json")


def _ask(
    session: Session,
    party: str,
    number: str,
    receiver: Receiver,
    client: httpx.Client,
    actor: Actor,
    settings: Settings,
) -> bool:
    try:
        request_permit(
            session,
            party=party,
            number=number,
            receiver=receiver,
            client=client,
            actor=actor,
            timeout=settings.relay_timeout_seconds,
        )
    except DomainError:  # not a peer, unreachable, not there, or not genuine
        return False
    return True


def _event_context(
    settings: Settings, announcer: Announcer, clock: Callable[[], datetime], actor: Actor
) -> dict[str, Any]:
    return {
        "own_party": settings.party,
        "max_bytes": settings.max_xml_bytes,
        "actor": actor,
        "announcer": announcer,
        "now": clock(),
    }


@router.post(
    f"{PERMIT}/export-endorsements",
    response_model=BorderEventResult,
    status_code=201,
    summary="Endorse this Party's export permit with what actually left (Box 14; customs)",
    description="Once per document. The declaration reference is the idempotency key: the "
    "same declaration again answers 200 with the first result; the same reference with "
    "other content is 409 declaration_conflict. Refusals: permit_not_found, wrong_document, "
    "permit_not_yet_valid, permit_expired, permit_cancelled, permit_replaced, "
    "permit_already_exported, permit_used (409); unknown_line, duplicate_line, "
    "unit_mismatch, quantity_exceeds_permit (422).",
    responses={200: {"model": BorderEventResult, "description": "The same declaration again"}},
)
def endorse_export(
    country: Country,
    number: Number,
    body: ExportEndorsement,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    announcer: AnnouncerDep,
    clock: ClockDep,
    actor: Customs,
) -> BorderEventResult:
    result, created = events.endorse_export(
        session, country, number, body, **_event_context(settings, announcer, clock, actor)
    )
    response.status_code = 201 if created else 200  # 200: the same declaration again
    return result


@router.post(
    f"{PERMIT}/import-clearances",
    response_model=BorderEventResult,
    status_code=201,
    summary="Clear a consignment at import on another Party's export permit (customs)",
    description="Art. VI(6): afterwards the export document (and this Party's import permit, "
    "required for Appendix I specimens) is used. Quantities may not exceed what was "
    "endorsed at export when known, else the permit. An expired document is accepted only "
    "when it was endorsed for export before it expired. Refusals as for export "
    "endorsements, plus signature_invalid, wrong_importer (409), quantity_exceeds_export, "
    "import_permit_required, import_permit_invalid.",
    responses={200: {"model": BorderEventResult, "description": "The same declaration again"}},
)
def clear_import(
    country: Country,
    number: Number,
    body: ImportClearance,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    announcer: AnnouncerDep,
    clock: ClockDep,
    actor: Customs,
) -> BorderEventResult:
    result, created = events.clear_import(
        session, country, number, body, **_event_context(settings, announcer, clock, actor)
    )
    response.status_code = 201 if created else 200  # 200: the same declaration again
    return result


Admin = Annotated[Actor, Depends(require_role(Role.ADMIN))]
WebhookId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The webhook's id")]


@router.post(
    "/webhooks",
    response_model=WebhookRead,
    status_code=201,
    summary="Register a customs system's webhook (admin)",
    description="Every permit issued, cancelled or replaced from now on is pushed to it "
    "through the outbox: a signed EPIX envelope addressed to this Party (verify it with "
    "/epix/v1/certificates), retried until a 2xx, dead after a 4xx; watch it in "
    "GET /api/v1/outbox?destination=webhook:<id>.",
)
def add_webhook(body: WebhookIn, session: SessionDep, actor: Admin) -> WebhookRead:
    return WebhookRead.model_validate(
        webhooks.add(session, name=body.name, url=body.url, actor=actor)
    )


@router.get("/webhooks", response_model=WebhookList, summary="Customs webhooks (admin)")
def list_webhooks(
    session: SessionDep, _actor: Admin, limit: Limit = 50, offset: Offset = 0
) -> WebhookList:
    items, total = webhooks.list_webhooks(session, limit=limit, offset=offset)
    return WebhookList(
        items=[WebhookRead.model_validate(w) for w in items],
        total=total,
        limit=limit,
        offset=offset,
    )


def _webhook_state(state: str) -> Callable[..., WebhookRead]:
    def change(webhook_id: WebhookId, session: SessionDep, actor: Admin) -> WebhookRead:
        webhook = webhooks.get(session, webhook_id)
        return WebhookRead.model_validate(
            webhooks.set_state(session, webhook=webhook, state=state, actor=actor)
        )

    return change


for _action, _state in (("suspend", webhooks.SUSPENDED), ("activate", webhooks.ACTIVE)):
    router.add_api_route(
        f"/webhooks/{{webhook_id}}/{_action}",
        _webhook_state(_state),
        methods=["POST"],
        response_model=WebhookRead,
        summary=f"{_action.title()} a customs webhook (admin)",
        name=f"{_action}_webhook",
    )
