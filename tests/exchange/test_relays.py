"""Several relays draining one outbox to a real peer: every message is sent once, delivered
once, and the peer holds each permit once (PostgreSQL claims with SKIP LOCKED; on SQLite the
conditional UPDATE decides)."""

from __future__ import annotations

import dataclasses
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app import bootstrap
from app.cli.parties import LocalParty
from app.core.db import make_engine, make_session_factory, unit_of_work
from app.outbox import service as outbox
from app.outbox.models import OutboxMessage
from epix import EnvelopeHeader, MessageType, PermitState, PermitStatusBody, build_envelope
from signing import sign_bytes
from tests.conftest import party_database

SAMPLE = Path(__file__).parent.parent / "samples" / "ours-reexport.xml"


@pytest.fixture
def world(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> Iterator[tuple[LocalParty, sessionmaker[Session], LocalParty]]:
    ch = LocalParty(
        "CH", tmp_path / "CH", party_database(backend, request), options={"relay_enabled": "false"}
    )
    fr = LocalParty("FR", tmp_path / "FR")
    for party in (ch, fr):
        party.prepare()
    ch.trust(fr)
    fr.trust(ch)
    fr.start()
    engine = make_engine(ch.settings().effective_database_url)
    try:
        yield ch, make_session_factory(engine), fr
    finally:
        fr.kill()
        engine.dispose()


def _queue(
    ch: LocalParty, factory: sessionmaker[Session], count: int, *, cancel: bool = False
) -> list[str]:
    """``count`` PERMIT_ISSUED messages to FR, each carrying a permit CH signed; with
    ``cancel``, each followed by a PERMIT_STATUS cancelling that permit (same ordering key:
    FR refuses a status for a permit it does not hold, so it must come second)."""
    settings = ch.settings()
    key = bootstrap.own_keys(settings, bootstrap.issuing_authority(settings)).current
    template = etree.parse(SAMPLE).getroot()
    ids = []
    with unit_of_work(factory) as session:
        for serial in range(count):
            number = f"26CH9{serial:05d}"
            permit = etree.fromstring(etree.tostring(template))
            permit.find("{*}HeaderExchangedDocument/{*}ID").text = number  # type: ignore[union-attr]
            header = EnvelopeHeader(
                message_id=uuid.uuid4(),
                sender="CH",
                recipient="FR",
                message_type=MessageType.PERMIT_ISSUED,
                created_at=datetime.now(UTC),
                permit_number=number,
            )
            bodies: list[bytes | PermitStatusBody] = [sign_bytes(permit, key)]
            if cancel:
                bodies.append(PermitStatusBody(PermitState.CANCELLED, reason="test"))
            for body in bodies:
                kind = (
                    MessageType.PERMIT_ISSUED
                    if isinstance(body, bytes)
                    else MessageType.PERMIT_STATUS
                )
                header = dataclasses.replace(header, message_id=uuid.uuid4(), message_type=kind)
                message = outbox.enqueue(
                    session,
                    destination="FR",
                    message_type=kind.value,
                    ordering_key=f"{number}@FR",
                    payload=build_envelope(header, body, key),
                    message_id=str(header.message_id),
                )
                ids.append(message.message_id)
    return ids


def test_several_relays_deliver_each_message_once(
    world: tuple[LocalParty, sessionmaker[Session], LocalParty],
) -> None:
    ch, factory, fr = world
    ids = _queue(ch, factory, 24)
    relays = [
        bootstrap.make_relay(
            ch.settings().model_copy(update={"relay_batch": 4, "relay_concurrency": 2}),
            factory,
            worker=f"relay-{n}",
        )
        for n in range(3)
    ]
    attempted: dict[str, int] = {}

    def drain(relay: object) -> None:
        attempted[relay.worker] = relay.drain()  # type: ignore[attr-defined]

    threads = [threading.Thread(target=drain, args=(relay,)) for relay in relays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for relay in relays:
        relay.close()

    assert sum(attempted.values()) == len(ids)  # no message was sent by two relays
    with unit_of_work(factory) as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.message_id.in_(ids)))
        assert {(m.status, m.attempts, m.has_receipt) for m in rows} == {("delivered", 1, True)}
    received = fr.call("GET", "/api/v1/foreign-permits", params={"limit": 100}).json()
    assert received["total"] == len(ids)
    assert len({p["number"] for p in received["items"]}) == len(ids)


def test_a_pipelined_relay_keeps_each_permits_messages_in_order(
    world: tuple[LocalParty, sessionmaker[Session], LocalParty],
) -> None:
    ch, factory, fr = world
    ids = _queue(ch, factory, 12, cancel=True)  # issued, cancelled; issued, cancelled; ...
    relay = bootstrap.make_relay(
        ch.settings().model_copy(update={"relay_batch": 5, "relay_concurrency": 3}),
        factory,
        worker="relay-pipelined",
    )
    batches: list[int] = []
    try:
        attempted = relay.drain(on_batch=batches.append)
    finally:
        relay.close()

    assert attempted == len(ids) == sum(batches)
    assert len(batches) > 2  # several batches, claimed while others were being sent
    with unit_of_work(factory) as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.message_id.in_(ids)))
        assert {(m.status, m.attempts) for m in rows} == {("delivered", 1)}
    received = fr.call("GET", "/api/v1/foreign-permits", params={"limit": 100}).json()
    assert received["total"] == 12
    assert {p["status"] for p in received["items"]} == {"cancelled"}
