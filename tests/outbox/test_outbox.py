"""The outbox: durable, claimed once, retried with backoff, dead after a permanent failure or
the deadline, ordered per key; on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.core.actor import Actor
from app.core.db import unit_of_work
from app.core.errors import Conflict
from app.outbox import service as outbox
from app.outbox.backoff import Backoff

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
OFFICER = Actor.system("officer-test")


def _enqueue(
    factory: sessionmaker[Session], key: str, kind: str = "PERMIT_ISSUED", now: datetime = T0
) -> str:
    with unit_of_work(factory) as session:
        return outbox.enqueue(
            session,
            destination="FR",
            message_type=kind,
            ordering_key=key,
            payload=b"<Envelope/>",
            now=now,
        ).message_id


def _claim(
    factory: sessionmaker[Session], now: datetime, worker: str = "relay-1", limit: int = 20
) -> list[str]:
    with unit_of_work(factory) as session:
        return [
            m.message_id for m in outbox.claim_due(session, worker=worker, now=now, limit=limit)
        ]


def _status(factory: sessionmaker[Session], message_id: str) -> tuple[str, int]:
    with unit_of_work(factory) as session:
        [message] = [
            m for m in outbox.list_messages(session, limit=200)[0] if m.message_id == message_id
        ]
        return message.status, message.attempts


def test_claim_deliver_and_keep_the_receipt(session_factory: sessionmaker[Session]) -> None:
    message_id = _enqueue(session_factory, "26CH000001")
    assert _claim(session_factory, T0) == [message_id]
    assert _claim(session_factory, T0) == []  # claimed: nobody else gets it
    with unit_of_work(session_factory) as session:
        outbox.record_delivery(
            session, message_id=message_id, receipt=b"<Receipt/>", now=T0 + timedelta(seconds=1)
        )
    assert _status(session_factory, message_id) == ("delivered", 1)
    assert _claim(session_factory, T0 + timedelta(days=1)) == []


def test_transient_failures_back_off_then_succeed(session_factory: sessionmaker[Session]) -> None:
    message_id = _enqueue(session_factory, "26CH000002")
    rng = random.Random(7)
    now = T0
    for attempt in (1, 2, 3):
        assert _claim(session_factory, now) == [message_id]
        with unit_of_work(session_factory) as session:
            failed = outbox.record_failure(
                session, message_id=message_id, error="HTTP 503", permanent=False, now=now, rng=rng
            )
            wait = failed.next_attempt_at - now
        ceiling = Backoff().base_seconds * 2 ** (attempt - 1)
        assert timedelta(seconds=ceiling / 2) <= wait <= timedelta(seconds=ceiling)
        assert _claim(session_factory, now + wait / 2) == []  # not yet
        now += wait
    assert _claim(session_factory, now) == [message_id]
    with unit_of_work(session_factory) as session:
        outbox.record_delivery(session, message_id=message_id, receipt=b"<Receipt/>", now=now)
    assert _status(session_factory, message_id) == ("delivered", 4)


def test_permanent_rejection_is_dead_then_requeued(session_factory: sessionmaker[Session]) -> None:
    message_id = _enqueue(session_factory, "26CH000003")
    _claim(session_factory, T0)
    with unit_of_work(session_factory) as session:
        outbox.record_failure(
            session, message_id=message_id, error="REJECTED: UNKNOWN_SENDER", permanent=True, now=T0
        )
    assert _status(session_factory, message_id) == ("dead", 1)
    assert _claim(session_factory, T0 + timedelta(days=30)) == []  # never retried blindly
    with unit_of_work(session_factory) as session:
        outbox.requeue(session, message_id=message_id, actor=OFFICER)
        with pytest.raises(Conflict):
            outbox.requeue(session, message_id=message_id, actor=OFFICER)
    assert _status(session_factory, message_id)[0] == "pending"


def test_past_the_deadline_a_message_is_dead(session_factory: sessionmaker[Session]) -> None:
    message_id = _enqueue(session_factory, "26CH000004")
    late = T0 + outbox.DEFAULT_DEADLINE - timedelta(seconds=1)
    assert _claim(session_factory, late) == [message_id]
    with unit_of_work(session_factory) as session:
        outbox.record_failure(
            session, message_id=message_id, error="timeout", permanent=False, now=late
        )
    assert _status(session_factory, message_id)[0] == "dead"


def test_messages_about_one_permit_go_in_order(session_factory: sessionmaker[Session]) -> None:
    issued = _enqueue(session_factory, "26CH000005", "PERMIT_ISSUED")
    cancelled = _enqueue(session_factory, "26CH000005", "PERMIT_STATUS")
    other = _enqueue(session_factory, "26CH000006", "PERMIT_ISSUED")
    assert _claim(session_factory, T0) == [issued, other]  # the cancellation waits
    with unit_of_work(session_factory) as session:
        outbox.record_delivery(session, message_id=other, receipt=b"<Receipt/>", now=T0)
        outbox.record_failure(session, message_id=issued, error="HTTP 500", permanent=False, now=T0)
    assert _claim(session_factory, T0 + timedelta(seconds=0.5)) == []  # still waits
    assert _claim(session_factory, T0 + timedelta(hours=1)) == [issued]
    with unit_of_work(session_factory) as session:
        outbox.record_delivery(session, message_id=issued, receipt=b"<Receipt/>", now=T0)
    assert _claim(session_factory, T0 + timedelta(hours=1)) == [cancelled]


def test_a_dead_relays_claims_expire(session_factory: sessionmaker[Session]) -> None:
    message_id = _enqueue(session_factory, "26CH000007")
    assert _claim(session_factory, T0, worker="relay-that-dies") == [message_id]
    assert _claim(session_factory, T0 + timedelta(seconds=30), worker="relay-2") == []
    assert _claim(session_factory, T0 + timedelta(seconds=61), worker="relay-2") == [message_id]
    assert _status(session_factory, message_id) == ("sending", 2)


def test_concurrent_relays_never_claim_the_same_message(
    session_factory: sessionmaker[Session],
) -> None:
    ids = {_enqueue(session_factory, f"26CH1{i:05d}") for i in range(60)}

    def relay(worker: str) -> list[str]:
        claimed: list[str] = []
        while batch := _claim(session_factory, T0, worker=worker, limit=5):
            claimed += batch
        return claimed

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(relay, [f"relay-{n}" for n in range(4)]))
    everything = [m for claimed in results for m in claimed]
    assert sorted(everything) == sorted(ids)  # each message exactly once


def test_a_dead_message_holds_back_the_later_ones_about_it(
    session_factory: sessionmaker[Session],
) -> None:
    issued = _enqueue(session_factory, "26CH000008", "PERMIT_ISSUED")
    cancelled = _enqueue(session_factory, "26CH000008", "PERMIT_STATUS")
    assert _claim(session_factory, T0) == [issued]
    with unit_of_work(session_factory) as session:
        outbox.record_failure(session, message_id=issued, error="REJECTED", permanent=True, now=T0)
    # the cancellation must not overtake the push it is about
    assert _claim(session_factory, T0 + timedelta(hours=1)) == []
    with unit_of_work(session_factory) as session:
        outbox.requeue(session, message_id=issued, actor=OFFICER)
    assert _claim(session_factory, datetime.now(UTC)) == [issued]
    with unit_of_work(session_factory) as session:
        outbox.record_delivery(session, message_id=issued, receipt=b"<Receipt/>")
    assert _claim(session_factory, datetime.now(UTC)) == [cancelled]


def test_a_message_held_back_past_its_deadline_is_dead(
    session_factory: sessionmaker[Session],
) -> None:
    issued = _enqueue(session_factory, "26CH000009", "PERMIT_ISSUED")
    cancelled = _enqueue(session_factory, "26CH000009", "PERMIT_STATUS")
    _claim(session_factory, T0)
    with unit_of_work(session_factory) as session:
        outbox.record_failure(session, message_id=issued, error="REJECTED", permanent=True, now=T0)
    assert _claim(session_factory, T0 + outbox.DEFAULT_DEADLINE + timedelta(seconds=1)) == []
    assert _status(session_factory, cancelled) == ("dead", 0)  # visible, never sent
