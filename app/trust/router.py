"""HTTP for the trust registry (administrators)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, status
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from app.api.deps import (
    Limit,
    Offset,
    OwnKeysDep,
    SessionDep,
    SessionFactoryDep,
    SettingsDep,
    require_role,
)
from app.api.errors import ERROR_RESPONSES
from app.core.actor import Actor, Role
from app.core.db import read_only_session
from app.trust import service
from app.trust.keys import published
from app.trust.schemas import (
    CertificateCreate,
    CertificateRead,
    CertificateState,
    CertificateStateChange,
    PeerCreate,
    PeerList,
    PeerRead,
    PeerState,
)
from app.trust.verification import verify_permit

router = APIRouter(tags=["trust registry"], responses=ERROR_RESPONSES)
Admin = Annotated[Actor, Depends(require_role(Role.ADMIN))]
PartyCode = Annotated[str, Path(pattern="^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2")]
Fingerprint = Annotated[str, Path(pattern="^[0-9a-fA-F]{64}$", description="SHA-256, hex")]


@router.post(
    "/peers",
    response_model=PeerRead,
    status_code=status.HTTP_201_CREATED,
    summary="Register a peer Party's Management Authority (admin)",
)
def add_peer(
    body: PeerCreate, session: SessionDep, settings: SettingsDep, actor: Admin
) -> PeerRead:
    peer = service.add_peer(
        session,
        party=body.party,
        name=body.name,
        endpoint_url=str(body.endpoint_url) if body.endpoint_url else None,
        own_party=settings.party,
        actor=actor,
    )
    return PeerRead.model_validate(peer)


@router.get("/peers", response_model=PeerList, summary="List peers (admin)")
def list_peers(
    session: SessionDep,
    _actor: Admin,
    limit: Limit = 50,
    offset: Offset = 0,
    state: PeerState | None = None,
) -> PeerList:
    items, total = service.list_peers(session, state=state, limit=limit, offset=offset)
    return PeerList(
        items=[PeerRead.model_validate(p) for p in items], total=total, limit=limit, offset=offset
    )


@router.post(
    "/peers/{party}/suspend",
    response_model=PeerRead,
    summary="Suspend exchange with a peer (admin)",
)
def suspend_peer(party: PartyCode, session: SessionDep, actor: Admin) -> PeerRead:
    peer = service.set_peer_state(
        session, peer=service.get_peer(session, party), state=PeerState.SUSPENDED, actor=actor
    )
    return PeerRead.model_validate(peer)


@router.post(
    "/peers/{party}/activate",
    response_model=PeerRead,
    summary="Resume exchange with a suspended peer (admin)",
)
def activate_peer(party: PartyCode, session: SessionDep, actor: Admin) -> PeerRead:
    peer = service.set_peer_state(
        session, peer=service.get_peer(session, party), state=PeerState.ACTIVE, actor=actor
    )
    return PeerRead.model_validate(peer)


@router.post(
    "/peers/{party}/certificates",
    response_model=CertificateRead,
    status_code=status.HTTP_201_CREATED,
    summary="Trust a certificate the peer signs its permits with (admin)",
)
def trust_certificate(
    party: PartyCode, body: CertificateCreate, session: SessionDep, actor: Admin
) -> CertificateRead:
    record = service.trust_certificate(
        session, peer=service.get_peer(session, party), pem=body.pem, state=body.state, actor=actor
    )
    return CertificateRead.model_validate(record)


@router.get(
    "/peers/{party}/certificates",
    response_model=list[CertificateRead],
    summary="A peer's certificates, in every state (admin)",
)
def list_certificates(
    party: PartyCode, session: SessionDep, _actor: Admin
) -> list[CertificateRead]:
    records = service.list_certificates(session, peer=service.get_peer(session, party))
    return [CertificateRead.model_validate(r) for r in records]


def _move(state: CertificateState) -> Callable[..., CertificateRead]:
    def change(
        fingerprint: Fingerprint, body: CertificateStateChange, session: SessionDep, actor: Admin
    ) -> CertificateRead:
        record = service.change_certificate_state(
            session,
            record=service.get_certificate(session, fingerprint),
            state=state,
            reason=body.reason,
            actor=actor,
        )
        return CertificateRead.model_validate(record)

    return change


for _action, _state, _summary in (
    ("activate", CertificateState.ACTIVE, "Approve a pending (or retiring) certificate"),
    ("retire", CertificateState.RETIRING, "Retire a certificate: it still verifies old permits"),
    ("revoke", CertificateState.REVOKED, "Revoke a certificate: nothing it signed verifies"),
):
    router.add_api_route(
        f"/certificates/{{fingerprint}}/{_action}",
        _move(_state),
        methods=["POST"],
        response_model=CertificateRead,
        summary=f"{_summary} (admin)",
        name=f"{_action}_certificate",
    )


class VerificationRead(BaseModel):
    authentic: bool
    party: str | None = Field(description="The issuing Party (from the signed content)")
    fingerprint: str | None = Field(description="SHA-256 of the certificate that verified it")
    number: str | None = Field(description="The permit number (from the signed content)")
    signed_at: datetime | None
    reasons: list[dict[str, str]] = Field(description="Why not authentic: {code, message}")


@router.post(
    "/verify",
    response_model=VerificationRead,
    summary="Is this signed permit authentic? (public)",
    description="Send a signed CITESEPermit (Content-Type: application/xml). The answer is 200 "
    "for any body: whether the signature verifies against the signer this service trusts for "
    "the Party the permit names (its own keys, or the trust registry for peers), who signed "
    "it, the permit number, and the reasons when not. Reason codes: malformed, "
    "doctype_forbidden, no_signature, signature_not_at_root, duplicate_id, "
    "reference_not_whole_document, unsupported_algorithm, certificate_missing, "
    "certificate_revoked, untrusted_certificate, signature_invalid, signing_time_unknown, "
    "certificate_expired_at_signing, certificate_not_yet_valid_at_signing, unknown_signer, "
    "unknown_sender, and the parser's too_large, empty, encoding, entity_forbidden, too_deep.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/xml": {"schema": {"type": "string"}}},
        }
    },
)
async def verify(
    request: Request, settings: SettingsDep, keys: OwnKeysDep, factory: SessionFactoryDep
) -> VerificationRead:
    data = await request.body()

    def check() -> VerificationRead:
        with read_only_session(factory) as session:
            result = verify_permit(
                data,
                own_party=settings.party,
                own_certificates=keys.certificates,
                registry=service.registry_lookup(session),
                max_bytes=settings.max_xml_bytes,
            )
            return VerificationRead.model_validate(result.as_dict())

    return await run_in_threadpool(check)


class PublishedCertificate(BaseModel):
    fingerprint: str
    not_before: datetime
    not_after: datetime
    current: bool = Field(description="The certificate signing new permits now")
    pem: str


epix_router = APIRouter(prefix="/epix/v1", tags=["epix"])


@epix_router.get(
    "/certificates",
    response_model=list[PublishedCertificate],
    summary="This Party's signing certificates, for peers to trust (public)",
)
def certificates(keys: OwnKeysDep) -> list[PublishedCertificate]:
    return [PublishedCertificate.model_validate(c) for c in published(keys)]
