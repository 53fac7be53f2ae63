"""What a permit's life queues for other Parties: pushes on issue, status news on cancel and
replace, each in the transaction that makes the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.core.actor import Actor
from app.core.db import unit_of_work
from app.outbox import announce, webhooks
from app.outbox.announce import Announcer
from app.outbox.models import OutboxMessage
from app.permits.document import Issuance
from app.permits.models import Permit
from epix import PermitState, load_schemas, parse_envelope
from epix.schema import default_schema_dir
from signing import load_certificate
from tests.factories import Api


def _register(api: Api, party: str) -> None:
    created = api.client.post(
        "/api/v1/peers",
        headers=api.login("admin"),
        json={"party": party, "name": f"MA {party}", "endpoint_url": "http://127.0.0.1:9/"},
    )
    assert created.status_code == 201, created.text


def _issue(api: Api, **overrides: Any) -> dict[str, Any]:
    officer = api.user("officer")
    application_id = api.submitted_application(api.trader(), **overrides)
    approved = api.client.post(f"/api/v1/applications/{application_id}/approve", headers=officer)
    assert approved.status_code == 200, approved.text
    issued = api.client.post(f"/api/v1/applications/{application_id}/issue", headers=officer)
    assert issued.status_code == 201, issued.text
    permit: dict[str, Any] = issued.json()
    return permit


def _messages(factory: sessionmaker[Session]) -> list[tuple[str, str, str]]:
    with unit_of_work(factory) as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(m.destination, m.message_type, m.ordering_key) for m in rows]


def _payloads(factory: sessionmaker[Session]) -> list[bytes]:
    with unit_of_work(factory) as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        return [m.payload for m in session.scalars(query)]


def test_an_export_permit_for_a_peer_is_queued_signed(
    api: Api, session_factory: sessionmaker[Session]
) -> None:
    _register(api, "FR")
    permit = _issue(api)
    assert _messages(session_factory) == [("FR", "PERMIT_ISSUED", f"{permit['number']}@FR")]
    # the queued envelope is what FR will verify: our signature, addressed to FR, carrying
    # the permit byte for byte as issued
    [payload] = _payloads(session_factory)
    [cert] = api.client.get("/epix/v1/certificates").json()
    envelope = parse_envelope(
        payload,
        schemas=load_schemas(default_schema_dir()),
        trusted_for=lambda party: ([load_certificate(cert["pem"].encode())], ()),
        own_party="FR",
    )
    ours = api.client.get(f"/api/v1/permits/{permit['id']}.xml", headers=api.login("admin"))
    assert envelope.permit == ours.content
    assert envelope.header.permit_number == permit["number"]


def test_nothing_is_queued_for_a_party_that_is_not_a_peer(
    api: Api, session_factory: sessionmaker[Session]
) -> None:
    permit = _issue(api)
    assert permit["number"]
    assert _messages(session_factory) == []


def test_an_import_permit_is_not_pushed(api: Api, session_factory: sessionmaker[Session]) -> None:
    _register(api, "FR")
    body = {"name": "Jardin des Plantes", "address": "57 rue Cuvier, Paris", "country": "FR"}
    permit = _issue(api, document_type="I", counterparty=body)
    assert permit["document_type"] == "I"
    assert _messages(session_factory) == []


def test_cancelling_a_pushed_permit_tells_its_party(
    api: Api, session_factory: sessionmaker[Session]
) -> None:
    _register(api, "FR")
    permit = _issue(api)
    cancelled = api.client.post(
        f"/api/v1/permits/{permit['id']}/cancel",
        headers=api.user("officer"),
        json={"reason": "issued in error"},
    )
    assert cancelled.status_code == 200, cancelled.text
    key = f"{permit['number']}@FR"
    assert _messages(session_factory) == [
        ("FR", "PERMIT_ISSUED", key),
        ("FR", "PERMIT_STATUS", key),
    ]


def test_cancelling_a_permit_never_pushed_queues_nothing(
    api: Api, session_factory: sessionmaker[Session]
) -> None:
    permit = _issue(api)
    _register(api, "FR")  # registered only after the permit was issued
    cancelled = api.client.post(
        f"/api/v1/permits/{permit['id']}/cancel",
        headers=api.user("officer"),
        json={"reason": "issued in error"},
    )
    assert cancelled.status_code == 200
    assert _messages(session_factory) == []


def test_replacing_pushes_the_new_permit_and_reports_the_old(
    api: Api, session_factory: sessionmaker[Session]
) -> None:
    _register(api, "FR")
    old = _issue(api)
    replaced = api.client.post(
        f"/api/v1/permits/{old['id']}/replace",
        headers=api.user("officer"),
        json={"reason": "quantity corrected"},
    )
    assert replaced.status_code == 201, replaced.text
    new = replaced.json()["number"]
    assert _messages(session_factory) == [
        ("FR", "PERMIT_ISSUED", f"{old['number']}@FR"),
        ("FR", "PERMIT_ISSUED", f"{new}@FR"),
        ("FR", "PERMIT_STATUS", f"{old['number']}@FR"),
    ]


def test_a_failed_issuance_queues_nothing(api: Api, session_factory: sessionmaker[Session]) -> None:
    _register(api, "FR")
    officer = api.user("officer")
    application_id = api.submitted_application(api.trader())
    # not approved: issuing is refused, and the refusal leaves no message behind
    refused = api.client.post(f"/api/v1/applications/{application_id}/issue", headers=officer)
    assert refused.status_code == 409
    assert _messages(session_factory) == []


def test_customs_webhooks_are_read_as_they_stand_in_the_announcing_transaction(
    api: Api, session_factory: sessionmaker[Session], issuance: Issuance
) -> None:
    """The active webhooks are read without flushing the transaction's pending work: one added
    or suspended earlier in the same transaction already counts as it now stands."""
    permit = _issue(api)
    admin = Actor.system("announce-test")
    with unit_of_work(session_factory) as session:
        cancelled = session.get_one(Permit, permit["id"])
        kept = webhooks.add(session, name="kept", url="http://127.0.0.1:9/a", actor=admin)
        gone = webhooks.add(session, name="gone", url="http://127.0.0.1:9/b", actor=admin)
        webhooks.set_state(session, webhook=gone, state=webhooks.SUSPENDED, actor=admin)
        announce.permit_status(
            session,
            Announcer.of(issuance),
            permit=cancelled,
            state=PermitState.CANCELLED,
            reason="issued in error",
        )
    key = f"{permit['number']}@webhook:{kept.id}"
    assert _messages(session_factory) == [(f"webhook:{kept.id}", "PERMIT_STATUS", key)]
