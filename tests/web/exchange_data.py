"""Exchange data for the page tests, made the way it happens: another Party registered in the
trust registry pushes its signed permits over EPIX (POST /epix/v1/messages); this service
issues permits to a peer and its relay tries to deliver them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from app import bootstrap
from app.xml.document import PermitDocument, PermitLine, TradeParty
from app.xml.writer import to_xml
from epix import EnvelopeHeader, MessageType, build_envelope
from signing import SigningKey, certificate_pem, generate_key, self_signed_certificate, sign_bytes
from tests.factories import Api

V1 = "/api/v1"
NOT_BEFORE = datetime(2020, 1, 1, tzinfo=UTC)
NOWHERE = "http://127.0.0.1:9"  # nothing listens there: every delivery attempt fails


def pushing_peer(api: Api, party: str, endpoint: str | None = NOWHERE) -> SigningKey:
    """``party`` registered as a peer, with the certificate of the key returned."""
    key = generate_key()
    signing = SigningKey(
        key,
        (
            self_signed_certificate(
                key, f"MA {party}", party, valid_days=3650, not_before=NOT_BEFORE
            ),
        ),
    )
    admin = api.login("admin")
    added = api.client.post(
        f"{V1}/peers",
        headers=admin,
        json={"party": party, "name": f"MA {party}", "endpoint_url": endpoint},
    )
    assert added.status_code == 201, added.text
    trusted = api.client.post(
        f"{V1}/peers/{party}/certificates",
        headers=admin,
        json={"pem": certificate_pem(signing.certificate).decode()},
    )
    assert trusted.status_code == 201, trusted.text
    return signing


def push_permit(api: Api, party: str, key: SigningKey, number: str, issued: date) -> None:
    """``party`` pushes its signed export permit ``number`` for an import into CH."""
    document = PermitDocument(
        number=number,
        type="E",
        issued_at=datetime(issued.year, issued.month, issued.day, 8, tzinfo=UTC),
        valid_from=issued,
        valid_until=date(issued.year + 1, issued.month, 1),
        purpose_code="T",
        issuing_country=party,
        issuing_authority=TradeParty(name=f"MA {party}", country=party),
        exporter=TradeParty(name="Exporteur", address="Hauptstrasse 1", country=party),
        importer=TradeParty(name="Importeur AG", address="Bahnhofstrasse 1", country="CH"),
        lines=(
            PermitLine(
                "A",
                "Testudo hermanni",
                term_code="LIV",
                quantity=Decimal(3),
                unit="NAR",
                appendix="II",
                source_code="C",
                origin_country=party,
            ),
        ),
    )
    header = EnvelopeHeader(
        message_id=uuid.uuid4(),
        sender=party,
        recipient="CH",
        message_type=MessageType.PERMIT_ISSUED,
        created_at=datetime.now(UTC),
        permit_number=number,
    )
    signed = sign_bytes(to_xml(document), key)
    answer = api.client.post(
        "/epix/v1/messages",
        headers={"Content-Type": "application/xml"},
        content=build_envelope(header, signed, key),
    )
    assert answer.status_code == 200, answer.content[:400]


def issue_to(api: Api, trader: dict[str, str], officer: dict[str, str], country: str) -> str:
    """A permit issued through the API for an importer in ``country``; its number."""
    counterparty = {"name": "Zoo", "address": "1 Zoo Street", "country": country}
    application_id = api.submitted_application(trader, counterparty=counterparty)
    path = f"{V1}/applications/{application_id}"
    approved = api.client.post(f"{path}/approve", headers=officer)
    assert approved.status_code == 200, approved.text
    issued = api.client.post(f"{path}/issue", headers=officer)
    assert issued.status_code == 201, issued.text
    return str(issued.json()["number"])


def deliver(api: Api) -> int:
    """What the service's relay does in the background, once: try every due message."""
    app: Any = api.client.app
    relay = bootstrap.make_relay(app.state.settings, api.session_factory)
    try:
        return relay.drain()
    finally:
        relay.close()


def undeliverable(
    api: Api, trader: dict[str, str], officer: dict[str, str], country: str
) -> tuple[str, str]:
    """Two permits issued for ``country`` (a peer nothing answers for), then a relay round:
    the first was queued with its delivery deadline already over (as by a service configured
    with a tiny ECITES_DELIVERY_DEADLINE_HOURS), so the relay gives it up (``dead``); the
    second is tried, fails and waits for its next attempt. Returns their numbers."""
    app: Any = api.client.app
    usual = app.state.announcer
    hurried = app.state.settings.model_copy(update={"delivery_deadline_hours": 1e-9})
    app.state.announcer = bootstrap.make_announcer(hurried, app.state.issuance)
    try:
        dead = issue_to(api, trader, officer, country)
    finally:
        app.state.announcer = usual
    waiting = issue_to(api, trader, officer, country)
    assert deliver(api) == 1  # the one given up on is not sent
    return dead, waiting
