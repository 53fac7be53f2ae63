"""Receiving EPIX messages over HTTP: accepted once, duplicates answered with the original
receipt, conflicts and bad envelopes refused with a signed receipt and nothing changed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.core.db import unit_of_work
from app.exchange.models import ForeignPermit, InboxMessage
from epix import (
    EnvelopeHeader,
    MessageType,
    PermitState,
    PermitStatusBody,
    ReceiptStatus,
    build_envelope,
    default_schema_dir,
    load_schemas,
    parse_receipt,
)
from signing import (
    SigningKey,
    certificate_pem,
    generate_key,
    load_certificate,
    self_signed_certificate,
    sign_bytes,
    verify,
)
from tests.factories import Api

SAMPLES = Path(__file__).parent.parent / "samples"
XML = {"Content-Type": "application/xml"}
PAST = datetime(2020, 1, 1, tzinfo=UTC)


@pytest.fixture
def peer(api: Api) -> SigningKey:
    """France, registered in this (Swiss) service's trust registry with its certificate."""
    key = generate_key()
    signing_key = SigningKey(
        key, (self_signed_certificate(key, "MA France", "FR", valid_days=3650, not_before=PAST),)
    )
    admin = api.login("admin")
    api.client.post("/api/v1/peers", headers=admin, json={"party": "FR", "name": "MA France"})
    added = api.client.post(
        "/api/v1/peers/FR/certificates",
        headers=admin,
        json={"pem": certificate_pem(signing_key.certificate).decode()},
    )
    assert added.status_code == 201
    return signing_key


def _french_permit(key: SigningKey, number: str = "FR2611000123") -> bytes:
    root = etree.fromstring((SAMPLES / "ours-reexport.xml").read_bytes())
    root.find("{*}HeaderExchangedDocument/{*}ID").text = number  # type: ignore[union-attr]
    for country in root.iterfind(
        "{*}HeaderExchangedDocument/{*}FirstSignatoryDocument"
        "Authentication/{*}ProviderTradeParty/{*}PostalTradeAddress/"
        "{*}CountryID"
    ):
        country.text = "FR"
    return sign_bytes(root, key)


def _envelope(
    key: SigningKey,
    kind: MessageType,
    number: str,
    body: object,
    message_id: uuid.UUID | None = None,
    recipient: str = "CH",
) -> bytes:
    header = EnvelopeHeader(
        message_id=message_id or uuid.uuid4(),
        sender="FR",
        recipient=recipient,
        message_type=kind,
        created_at=datetime.now(UTC),
        permit_number=number,
    )
    return build_envelope(header, body, key)  # type: ignore[arg-type]


def _receipt(api: Api, data: bytes) -> object:
    [cert] = api.client.get("/epix/v1/certificates").json()
    return parse_receipt(
        data,
        schemas=load_schemas(default_schema_dir()),
        trusted=[load_certificate(cert["pem"].encode())],
    )


def _counts(factory: sessionmaker[Session]) -> tuple[int, int]:
    with unit_of_work(factory) as session:
        return (
            session.scalar(select(func.count()).select_from(InboxMessage)) or 0,
            session.scalar(select(func.count()).select_from(ForeignPermit)) or 0,
        )


def test_a_pushed_permit_is_stored_once(
    api: Api, peer: SigningKey, session_factory: sessionmaker[Session]
) -> None:
    permit = _french_permit(peer)
    data = _envelope(peer, MessageType.PERMIT_ISSUED, "FR2611000123", permit)
    answer = api.client.post("/epix/v1/messages", headers=XML, content=data)
    assert answer.status_code == 200
    receipt = _receipt(api, answer.content)
    assert receipt.status is ReceiptStatus.ACCEPTED  # type: ignore[attr-defined]
    assert receipt.sender == "FR"  # type: ignore[attr-defined]
    with unit_of_work(session_factory) as session:
        stored = session.scalar(select(ForeignPermit))
        assert stored is not None
        assert stored.signed_xml == permit  # byte for byte what France signed
        assert verify(stored.signed_xml, trusted=[peer.certificate]).fingerprint
        assert (stored.issuing_party, stored.number, stored.status) == (
            "FR",
            "FR2611000123",
            "valid",
        )

    listed = api.client.get(
        "/api/v1/foreign-permits",
        headers=api.user("officer"),
        params={"party": "FR", "number": "FR2611000123"},
    ).json()
    [item] = listed["items"]
    assert (item["status"], item["document_type"]) == ("valid", "R")
    assert len(item["signer_fingerprint"]) == 64

    again = api.client.post("/epix/v1/messages", headers=XML, content=data)
    assert again.status_code == 200
    assert again.content == answer.content  # the original receipt
    assert _counts(session_factory) == (1, 1)

    status = PermitStatusBody(state=PermitState.CANCELLED, reason="not shipped")
    cancelled = api.client.post(
        "/epix/v1/messages",
        headers=XML,
        content=_envelope(peer, MessageType.PERMIT_STATUS, "FR2611000123", status),
    )
    assert cancelled.status_code == 200
    with unit_of_work(session_factory) as session:
        stored = session.scalar(select(ForeignPermit))
        assert stored is not None
        assert stored.status == "cancelled"


def test_refused_messages_change_nothing(
    api: Api, peer: SigningKey, session_factory: sessionmaker[Session]
) -> None:
    first_id = uuid.uuid4()
    accepted = api.client.post(
        "/epix/v1/messages",
        headers=XML,
        content=_envelope(
            peer, MessageType.PERMIT_ISSUED, "FR2611000123", _french_permit(peer), first_id
        ),
    )
    assert accepted.status_code == 200
    before = _counts(session_factory)

    stranger = generate_key()
    stranger_key = SigningKey(
        stranger, (self_signed_certificate(stranger, "X", "FR", valid_days=3650, not_before=PAST),)
    )
    cases = {
        "conflict": (
            _envelope(
                peer,
                MessageType.PERMIT_ISSUED,
                "FR2611000999",
                _french_permit(peer, "FR2611000999"),
                first_id,
            ),
            409,
            "DUPLICATE_CONFLICT",
        ),
        "untrusted": (
            _envelope(
                stranger_key,
                MessageType.PERMIT_ISSUED,
                "FR2611000124",
                _french_permit(stranger_key, "FR2611000124"),
            ),
            403,
            "UNTRUSTED_CERTIFICATE",
        ),
        "wrong recipient": (
            _envelope(
                peer,
                MessageType.PERMIT_ISSUED,
                "FR2611000125",
                _french_permit(peer, "FR2611000125"),
                recipient="DE",
            ),
            421,
            "WRONG_RECIPIENT",
        ),
        "unknown permit": (
            _envelope(
                peer,
                MessageType.PERMIT_STATUS,
                "FR2699999999",
                PermitStatusBody(state=PermitState.USED),
            ),
            404,
            "PERMIT_NOT_FOUND",
        ),
        "malformed": (b"<Envelope><unclosed>", 400, "MALFORMED_XML"),
        "xxe": (
            b'<!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]><e>&x;</e>',
            400,
            "MALFORMED_XML",
        ),
    }
    revoked_key = _revoked_french_key(api)
    unsigned = etree.fromstring(
        _envelope(
            peer, MessageType.PERMIT_ISSUED, "FR2611000126", _french_permit(peer, "FR2611000126")
        )
    )
    unsigned.remove(unsigned[-1])  # the envelope's signature
    german = EnvelopeHeader(
        message_id=uuid.uuid4(),
        sender="DE",
        recipient="CH",
        message_type=MessageType.PERMIT_ISSUED,
        created_at=datetime.now(UTC),
        permit_number="DE2611000001",
    )
    cases |= {
        "unsigned": (etree.tostring(unsigned), 403, "SIGNATURE_INVALID"),
        "revoked certificate": (
            _envelope(
                revoked_key,
                MessageType.PERMIT_ISSUED,
                "FR2611000127",
                _french_permit(revoked_key, "FR2611000127"),
            ),
            403,
            "UNTRUSTED_CERTIFICATE",
        ),
        "unknown sender": (
            build_envelope(german, _french_permit(stranger_key, "DE2611000001"), stranger_key),
            403,
            "UNKNOWN_SENDER",
        ),
    }
    for name, (data, status, code) in cases.items():
        answer = api.client.post("/epix/v1/messages", headers=XML, content=data)
        assert answer.status_code == status, (name, answer.content[:300])
        receipt = _receipt(api, answer.content)
        assert receipt.status is ReceiptStatus.REJECTED, name  # type: ignore[attr-defined]
        assert receipt.errors[0].code.value == code, name  # type: ignore[attr-defined]
        assert b"root:" not in answer.content
    assert _counts(session_factory) == before

    # larger than the service takes at all: refused before it is read, JSON 413
    oversized = b"<Envelope>" + b" " * (70 * 1024) + b"</Envelope>"
    answer = api.client.post("/epix/v1/messages", headers=XML, content=oversized)
    assert answer.status_code == 413
    assert answer.json()["code"] == "body_too_large"
    assert _counts(session_factory) == before


def _revoked_french_key(api: Api) -> SigningKey:
    """A second key of France's, registered and then revoked."""
    key = generate_key()
    signing_key = SigningKey(
        key, (self_signed_certificate(key, "MA France 2", "FR", valid_days=3650, not_before=PAST),)
    )
    admin = api.login("admin")
    added = api.client.post(
        "/api/v1/peers/FR/certificates",
        headers=admin,
        json={"pem": certificate_pem(signing_key.certificate).decode()},
    )
    assert added.status_code == 201, added.text
    revoked = api.client.post(
        f"/api/v1/certificates/{added.json()['fingerprint']}/revoke",
        headers=admin,
        json={"reason": "key compromised"},
    )
    assert revoked.status_code == 200, revoked.text
    return signing_key


def test_a_peer_requests_one_of_our_permits(api: Api, peer: SigningKey) -> None:
    permit = api.issued_permit(api.trader(), api.user("officer"))
    ours = api.client.get(f"/api/v1/permits/{permit['id']}.xml", headers=api.login("admin"))
    answer = api.client.post(
        "/epix/v1/messages",
        headers=XML,
        content=_envelope(peer, MessageType.PERMIT_REQUEST, permit["number"], None),
    )
    assert answer.status_code == 200
    receipt = _receipt(api, answer.content)
    assert receipt.permit is not None  # type: ignore[attr-defined]
    assert receipt.permit == ours.content  # type: ignore[attr-defined]  # byte for byte
    assert receipt.permit_state == "valid"  # type: ignore[attr-defined]

    # after a cancellation, the answer says so (the signed permit itself never changes)
    cancelled = api.client.post(
        f"/api/v1/permits/{permit['id']}/cancel",
        headers=api.user("officer"),
        json={"reason": "issued in error"},
    )
    assert cancelled.status_code == 200
    again = api.client.post(
        "/epix/v1/messages",
        headers=XML,
        content=_envelope(peer, MessageType.PERMIT_REQUEST, permit["number"], None),
    )
    later = _receipt(api, again.content)
    assert (later.permit, later.permit_state) == (ours.content, "cancelled")  # type: ignore[attr-defined]


def test_status_endpoint(api: Api) -> None:
    body = api.client.get("/epix/v1/status").json()
    assert body["status"] == "up"
    assert body["party"] == "CH"
    assert set(body["message_types"]) == {"PERMIT_ISSUED", "PERMIT_STATUS", "PERMIT_REQUEST"}


def test_a_suspended_peer_is_refused_until_reactivated(
    api: Api, peer: SigningKey, session_factory: sessionmaker[Session]
) -> None:
    admin = api.login("admin")
    assert api.client.post("/api/v1/peers/FR/suspend", headers=admin).status_code == 200
    data = _envelope(
        peer, MessageType.PERMIT_ISSUED, "FR2611000300", _french_permit(peer, "FR2611000300")
    )
    refused = api.client.post("/epix/v1/messages", headers=XML, content=data)
    assert refused.status_code == 403
    receipt = _receipt(api, refused.content)
    assert receipt.errors[0].code.value == "UNKNOWN_SENDER"  # type: ignore[attr-defined]
    assert receipt.errors[0].message == "Party FR is suspended here"  # type: ignore[attr-defined]
    assert _counts(session_factory) == (0, 0)
    assert api.client.post("/api/v1/peers/FR/activate", headers=admin).status_code == 200
    again = api.client.post("/epix/v1/messages", headers=XML, content=data)
    assert again.status_code == 200
    assert _counts(session_factory) == (1, 1)
