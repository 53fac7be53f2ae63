"""EPIX outbox drain: how fast the relay delivers queued PERMIT_ISSUED messages to a real peer
on loopback. Target: 200 messages/s.

The sender is this benchmark's database (CH, on the benchmarked backend, its key made in the
benchmark's directory). The receiver is a real ``ecites serve`` process for FR
(``app.cli.parties.LocalParty``) with its own database, a fresh one on the same backend, its own
key, and CH registered in its trust registry; CH registers FR (endpoint and certificate).

Preparation (not timed): N export permits for FR are sealed with CH's key (distinct numbers,
signed, XSD-checked) and queued as the service queues them, with
``app.outbox.announce.permit_issued`` (the envelope built and signed with CH's key at enqueue),
500 per transaction. Timed: ``Relay.drain()`` from ``app.bootstrap.make_relay`` with the chosen
``relay_batch`` / ``relay_concurrency``, as the service's relay runs it, until nothing is due:
batches are claimed (committed) while the previous one is being POSTed to FR a few at a time
(FR verifies, stores and answers with a signed receipt, which the relay verifies), and each
batch's receipts are recorded in one transaction once its sends are done.

Verified afterwards (not timed): N messages ``delivered`` in CH's outbox, each with FR's
receipt, and FR holds exactly N foreign permits (``GET /api/v1/foreign-permits`` as its
administrator).
"""

from __future__ import annotations

import gc
import threading
import time
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from app.bootstrap import make_issuance, make_relay
from app.core.db import unit_of_work
from app.outbox import announce
from app.outbox.models import OutboxMessage
from app.permits.models import Permit
from bench.databases import PARTY, Database
from bench.exchange import (
    OpenDatabase,
    descriptor,
    foreign_permit_total,
    local_party,
    permit_numbers,
    process_cpu_seconds,
    register_peer,
    seal_permits,
)
from bench.report import progress

DRAIN_TARGET = 200.0  # messages/s
PEER = "FR"
QUEUE_CHUNK = 500  # messages queued per transaction (preparation)
BUDGET_SECONDS = 60.0  # plus 50 ms per message: a drain that stalls is stopped and reported


def run(
    db: Database,
    *,
    count: int,
    batch: int,
    concurrency: int,
    open_database: OpenDatabase,
) -> dict[str, Any]:
    settings = db.settings.model_copy(
        update={"relay_batch": batch, "relay_concurrency": concurrency}
    )
    issuance = make_issuance(settings)  # CH's key, made in the benchmark's directory
    with local_party(PEER, open_database, "drain_peer") as peer:
        peer.trust(descriptor(PARTY, settings.data_dir / "sender", issuance.sealer.key))
        register_peer(
            db.session_factory,
            own_party=PARTY,
            peer=PEER,
            certificate=peer.certificate_file.read_bytes(),
            endpoint=peer.base_url,
        )
        progress(f"[{db.backend}] drain: sealing and queuing {count:,} permits for {PEER}")
        numbers = permit_numbers(PARTY, count)
        permits = seal_permits(
            issuance.sealer.schema,
            issuance.sealer.key,
            issuer=PARTY,
            importer=PEER,
            numbers=numbers,
        )
        announcer = announce.Announcer.of(issuance)
        for start in range(0, count, QUEUE_CHUNK):
            with unit_of_work(db.session_factory) as session:
                for number, signed in zip(
                    numbers[start : start + QUEUE_CHUNK],
                    permits[start : start + QUEUE_CHUNK],
                    strict=True,
                ):
                    permit = Permit(number=number, document_type="E", signed_xml=signed)
                    if (
                        announce.permit_issued(
                            session, announcer, permit=permit, importing_party=PEER
                        )
                        is None
                    ):
                        raise RuntimeError(f"permit {number} was not queued for {PEER}")
        progress(f"[{db.backend}] drain: starting the {PEER} server on loopback")
        peer.start()
        if foreign_permit_total(peer) != 0:  # also warms it: login, first query
            raise RuntimeError(f"{PEER} holds foreign permits before the drain")
        relay = make_relay(settings, db.session_factory, worker="bench-relay")
        assert peer.process is not None
        peer_pid = peer.process.pid
        progress(
            f"[{db.backend}] draining {count:,} messages to {PEER} "
            f"(batch {batch}, concurrency {concurrency})"
        )
        gc.collect()
        budget = BUDGET_SECONDS + count / 20  # 20 messages/s at worst, else stop and report
        every = max(1, count // 5)
        attempted = rounds = 0
        over_budget = False
        stop = threading.Event()

        def on_batch(done: int) -> None:
            nonlocal attempted, rounds, over_budget
            attempted += done
            rounds += 1
            if attempted // every != (attempted - done) // every:
                progress(f"  attempted {attempted:,} ({rounds} batches)")
            if time.perf_counter() - wall_start > budget:
                over_budget = True
                progress(f"  stopped: over the {budget:.0f} s budget (see the checks)")
                stop.set()

        peer_cpu_start = process_cpu_seconds(peer_pid)
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        try:
            # Relay.drain() as the service runs it (pipelined batches) until nothing is due,
            # with progress lines and a time budget.
            relay.drain(rounds=count + 1, stop=stop, on_batch=on_batch)
        finally:
            wall = time.perf_counter() - wall_start
            cpu = time.process_time() - cpu_start
            peer_cpu = process_cpu_seconds(peer_pid) - peer_cpu_start
            relay.close()
            relay.client.close()
        progress(f"[{db.backend}] drain: checking both sides (not timed)")
        held = foreign_permit_total(peer)
        peer.stop()
        log_tail = peer.log_tail(80)  # kept in the results when something went wrong
    checks = _verify(db, count, attempted, held)
    per_second = checks["delivered"] / wall
    result: dict[str, Any] = {
        "benchmark": "drain",
        "backend": db.backend,
        "database": db.facts,
        "receiver": f"LocalParty {PEER} (ecites serve, 1 worker) on 127.0.0.1, {db.backend}",
        "messages": count,
        "relay": {"batch": batch, "concurrency": concurrency},
        "rounds": rounds,
        "attempts": attempted,
        "stopped_over_budget": over_budget,
        "wall_seconds": round(wall, 3),
        "messages_per_second": round(per_second, 1),
        "target_per_second": DRAIN_TARGET,
        "ratio_to_target": round(per_second / DRAIN_TARGET, 3),
        "sender_cpu_ms_per_message": round(cpu * 1000 / count, 3),
        "receiver_cpu_ms_per_message": round(peer_cpu * 1000 / count, 3),
        "checks": checks,
    }
    if over_budget or not checks["ok"]:
        result["receiver_log_tail"] = log_tail
        result["outbox_errors"] = _errors(db)
    return result


def _errors(db: Database) -> dict[str, int]:
    """The relay's last errors on messages not delivered, counted (first 120 characters)."""
    with unit_of_work(db.session_factory) as session:
        errors = session.scalars(
            select(OutboxMessage.last_error).where(OutboxMessage.status != "delivered")
        )
        return dict(Counter((error or "")[:120] for error in errors).most_common(10))


def _verify(db: Database, count: int, attempted: int, held: int) -> dict[str, Any]:
    with unit_of_work(db.session_factory) as session:
        statuses = Counter(
            dict(
                session.execute(
                    select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
                ).all()
            )
        )
        receipts = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.receipt.is_not(None))
        )
    delivered = statuses.get("delivered", 0)
    return {
        "outbox_statuses": dict(statuses),
        "delivered": delivered,
        "with_receipt": receipts or 0,
        "attempts": attempted,
        "receiver_foreign_permits": held,
        "expected": count,
        "ok": delivered == held == count and receipts == count,
    }
