"""The administrator's pages for the trust registry: the peers (other Parties' Management
Authorities) with their state, and each peer's certificates: trust one (PEM pasted), approve,
retire or revoke it with the reason; suspend or resume the exchange with a peer. The same use
cases as ``/api/v1/peers`` and ``/api/v1/certificates``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import ValidationError

from app.core.config import Settings
from app.core.errors import DomainError, NotFound
from app.trust import service as trust_service
from app.trust.schemas import (
    CertificateCreate,
    CertificateState,
    CertificateStateChange,
    PeerCreate,
    PeerState,
)
from app.web import labels
from app.web.context import CsrfForm, Visit, VisitDep, WebRoute, signed_in
from app.web.forms import FieldError
from app.web.i18n import N_
from app.web.views_admin import ADMIN, invalid_fields, refused, values_of
from app.web.views_lists import PAGE_SIZE, PageNumber, Pager

router = APIRouter(route_class=WebRoute, include_in_schema=False)
PartyCode = Annotated[str, Path(pattern="^[A-Za-z]{2}$")]
PEER_FIELDS = ("party", "name", "endpoint_url")
PEER_ERRORS = {
    "own_party": "party",
    "peer_exists": "party",
    "unknown_code": "party",
    "insecure_endpoint": "endpoint_url",
}
PEER_MESSAGES = {
    "party": N_("Enter the Party's two-letter country code, such as FR."),
    "endpoint_url": N_("Enter an address starting with https://, or leave it empty."),
}
CERTIFICATE_ERRORS = {
    "invalid_certificate": "pem",
    "certificate_exists": "pem",
    "invalid_state": "state",
}
CERTIFICATE_MESSAGES = {
    "pem": N_("Paste the certificate in PEM form, from -----BEGIN CERTIFICATE----- to the end."),
    "state": N_("Choose one of the options."),
}
MOVES = {
    "activate": CertificateState.ACTIVE,
    "retire": CertificateState.RETIRING,
    "revoke": CertificateState.REVOKED,
}
REASON_ERROR = N_("Write the reason (at least 3 characters, at most 2000).")


def peers_page(
    visit: Visit,
    page: int = 1,
    status: int = 200,
    errors: list[FieldError] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    with signed_in(visit, ADMIN) as (session, _actor):
        peers, total = trust_service.list_peers(
            session, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
        return visit.page(
            "admin_peers.html",
            status,
            peers=peers,
            pager=Pager(page, total),
            errors=errors or [],
            values=values or {},
        )


@router.get("/admin/peers")
def peers(visit: VisitDep, page: PageNumber = 1) -> Response:
    return peers_page(visit, page)


@router.post("/admin/peers")
def add_peer(visit: VisitDep, form: CsrfForm) -> Response:
    values = values_of(form, *PEER_FIELDS)
    try:
        body = PeerCreate.model_validate({**values, "endpoint_url": values["endpoint_url"] or None})
    except ValidationError as exc:
        fields = {name: name for name in PEER_FIELDS}
        errors = invalid_fields(exc, fields, PEER_MESSAGES)
        return peers_page(visit, status=422, errors=errors, values=values)
    settings: Settings = visit.request.app.state.settings
    try:
        with signed_in(visit, ADMIN, write=True) as (session, actor):
            peer = trust_service.add_peer(
                session,
                party=body.party,
                name=body.name,
                endpoint_url=str(body.endpoint_url) if body.endpoint_url else None,
                own_party=settings.party,
                actor=actor,
            )
            party = peer.party
    except DomainError as exc:
        error = refused(exc, PEER_ERRORS)
        return peers_page(visit, status=exc.status, errors=[error], values=values)
    return visit.redirect(f"/admin/peers/{party}?done=peer_added")


def peer_page(
    visit: Visit,
    party: str,
    status: int = 200,
    errors: list[FieldError] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    with signed_in(visit, ADMIN) as (session, _actor):
        peer = trust_service.get_peer(session, party)
        certificates = trust_service.list_certificates(session, peer=peer)
        return visit.page(
            "admin_peer.html",
            status,
            peer=peer,
            certificates=sorted(certificates, key=lambda c: c.id, reverse=True),
            errors=errors or [],
            values=values or {"state": CertificateState.ACTIVE.value},
        )


@router.get("/admin/peers/{party}")
def peer(visit: VisitDep, party: PartyCode) -> Response:
    return peer_page(visit, party.upper())


@router.post("/admin/peers/{party}/state")
def peer_state(visit: VisitDep, party: PartyCode, form: CsrfForm) -> Response:
    action = str(form.get("action") or "")
    if action not in ("suspend", "activate"):
        return peer_page(visit, party.upper(), 422, [FieldError("form", labels.GENERIC_ERROR)])
    state = PeerState.SUSPENDED if action == "suspend" else PeerState.ACTIVE
    with signed_in(visit, ADMIN, write=True) as (session, actor):
        found = trust_service.get_peer(session, party)
        trust_service.set_peer_state(session, peer=found, state=state, actor=actor)
        party = found.party
    return visit.redirect(f"/admin/peers/{party}?done=peer_{state.value}")


@router.post("/admin/peers/{party}/certificates")
def trust_certificate(visit: VisitDep, party: PartyCode, form: CsrfForm) -> Response:
    values = values_of(form, "pem", "state")
    party = party.upper()
    try:
        body = CertificateCreate.model_validate({**values, "state": values["state"] or "active"})
    except ValidationError as exc:
        errors = invalid_fields(exc, {"pem": "pem", "state": "state"}, CERTIFICATE_MESSAGES)
        return peer_page(visit, party, 422, errors, values)
    try:
        with signed_in(visit, ADMIN, write=True) as (session, actor):
            trust_service.trust_certificate(
                session,
                peer=trust_service.get_peer(session, party),
                pem=body.pem,
                state=body.state,
                actor=actor,
            )
    except DomainError as exc:
        return peer_page(visit, party, exc.status, [refused(exc, CERTIFICATE_ERRORS)], values)
    return visit.redirect(f"/admin/peers/{party}?done=certificate_added")


@router.post("/admin/peers/{party}/certificates/{fingerprint}/state")
def certificate_state(
    visit: VisitDep,
    party: PartyCode,
    fingerprint: Annotated[str, Path(pattern="^[0-9a-fA-F]{64}$")],
    form: CsrfForm,
) -> Response:
    """Approve (activate), retire or revoke one of the peer's certificates, with the reason."""
    party, fingerprint = party.upper(), fingerprint.lower()
    field = f"reason-{fingerprint[:16]}"  # one form per certificate, each its own field
    action = str(form.get("action") or "")
    reason = str(form.get(field) or "").strip()
    try:
        reason = CertificateStateChange.model_validate({"reason": reason}).reason
    except ValidationError:
        values = {field: reason[:2000].replace("\x00", "")}
        return peer_page(visit, party, 422, [FieldError(field, REASON_ERROR)], values)
    if action not in MOVES:
        return peer_page(visit, party, 422, [FieldError("form", labels.GENERIC_ERROR)])
    try:
        with signed_in(visit, ADMIN, write=True) as (session, actor):
            record = trust_service.get_certificate(session, fingerprint)
            if record.peer_id != trust_service.get_peer(session, party).id:
                raise NotFound("not this peer's certificate", code="certificate_not_found")
            trust_service.change_certificate_state(
                session, record=record, state=MOVES[action], reason=reason, actor=actor
            )
    except DomainError as exc:
        return peer_page(visit, party, exc.status, [refused(exc, {})], {field: reason})
    return visit.redirect(f"/admin/peers/{party}?done=certificate_changed")
