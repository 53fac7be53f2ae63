"""The outbox relay: delivers queued EPIX messages to peers, at least once, in order per permit.

One round: claim a batch of due messages (committed, with a lease), send them (a few at a time),
then record every outcome in one transaction: the peer's signed receipt for a delivery, a
backoff for a transient failure, ``dead`` with the reason for a permanent rejection or a passed
deadline. A relay that dies after sending but before recording loses nothing: when its lease
ends the message is sent again with the same id and bytes, and the peer answers ``DUPLICATE``
with its original receipt.

Several relays may run against PostgreSQL (claims use SKIP LOCKED); on SQLite run one (the
service's own, or ``ecites outbox relay``)."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from cryptography import x509
from sqlalchemy.orm import Session, sessionmaker

from app.core.db import unit_of_work
from app.outbox import service as outbox
from app.outbox import webhooks
from app.outbox.backoff import Backoff
from app.outbox.models import Webhook
from app.trust import service as trust
from app.trust.schemas import PeerState
from epix import Delivery, EndpointError, Outcome, Schemas, post, send

log = logging.getLogger("ecites.relay")


@dataclass(frozen=True)
class RelayConfig:
    batch: int = 20
    timeout_seconds: float = 10.0
    interval_seconds: float = 1.0
    lease: timedelta = timedelta(seconds=60)
    concurrency: int = 4
    backoff: Backoff = field(default_factory=Backoff)


@dataclass(frozen=True)
class _Peer:
    endpoint: str | None
    active: bool
    trusted: tuple[x509.Certificate, ...]
    revoked: frozenset[str]
    webhook: bool = False  # a customs system: a plain POST, no EPIX receipt


@dataclass(frozen=True)
class _Job:
    message_id: str
    destination: str
    payload: bytes


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Relay:
    """Delivers the outbox. ``run_once`` does one round (for tests, jobs and benchmarks);
    ``run`` loops until ``stop`` is set."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        schemas: Schemas,
        client: httpx.Client,
        config: RelayConfig = RelayConfig(),
        worker: str | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.schemas = schemas
        self.client = client
        self.config = config
        self.worker = worker or worker_name()
        self._pool = ThreadPoolExecutor(
            max_workers=config.concurrency, thread_name_prefix="ecites-relay-send"
        )

    def close(self) -> None:
        """Stop the senders and close the HTTP client (the relay owns it)."""
        self._pool.shutdown(wait=True)
        self.client.close()

    def _claim(self) -> tuple[list[_Job], dict[str, _Peer]]:
        with unit_of_work(self.session_factory) as session:
            claimed = outbox.claim_due(
                session, worker=self.worker, limit=self.config.batch, lease=self.config.lease
            )
            jobs = [_Job(m.message_id, m.destination, m.payload) for m in claimed]
            peers = {d: _peer(session, d) for d in {job.destination for job in jobs}}
        return jobs, peers

    def _attempt(self, job: _Job, peer: _Peer) -> Delivery:
        if peer.endpoint is None:
            return Delivery(Outcome.RETRY, error=f"no EPIX endpoint for {job.destination}")
        if not peer.active:
            return Delivery(Outcome.RETRY, error=f"{job.destination} is suspended")
        try:
            if peer.webhook:
                return post(
                    self.client, peer.endpoint, job.payload, timeout=self.config.timeout_seconds
                )
            return send(
                self.client,
                peer.endpoint,
                job.payload,
                schemas=self.schemas,
                trusted=peer.trusted,
                revoked=peer.revoked,
                message_id=job.message_id,
                timeout=self.config.timeout_seconds,
            )
        except EndpointError as exc:
            return Delivery(Outcome.RETRY, error=str(exc))
        except Exception as exc:  # never let one message stop the relay
            log.exception("sending %s failed unexpectedly", job.message_id)
            return Delivery(Outcome.RETRY, error=f"unexpected: {type(exc).__name__}: {exc}"[:500])

    def _record(self, results: list[tuple[_Job, Delivery]]) -> None:
        with unit_of_work(self.session_factory) as session:
            delivered = [
                (job.message_id, delivery.receipt_bytes)
                for job, delivery in results
                if delivery.outcome is Outcome.DELIVERED and delivery.receipt_bytes is not None
            ]
            outbox.record_deliveries(session, delivered)
            for job, delivery in results:
                if delivery.outcome is Outcome.DELIVERED and delivery.receipt_bytes is not None:
                    continue
                message = outbox.record_failure(
                    session,
                    message_id=job.message_id,
                    error=delivery.error or delivery.outcome.value,
                    permanent=delivery.outcome is Outcome.REJECTED,
                    backoff=self.config.backoff,
                    receipt=delivery.receipt_bytes,
                    worker=self.worker,
                )
                log.info(
                    "message %s to %s: %s (%s)",
                    job.message_id,
                    job.destination,
                    message.status,
                    delivery.error,
                )

    def run_once(self) -> int:
        """One round; returns how many messages were attempted."""
        jobs, peers = self._claim()
        if not jobs:
            return 0
        deliveries = list(
            self._pool.map(lambda job: self._attempt(job, peers[job.destination]), jobs)
        )
        self._record(list(zip(jobs, deliveries, strict=True)))
        return len(jobs)

    def drain(
        self,
        *,
        rounds: int = 1000,
        stop: threading.Event | None = None,
        on_batch: Callable[[int], None] | None = None,
    ) -> int:
        """Deliver until nothing is due (or ``rounds`` batches were claimed, or ``stop`` is
        set); returns messages attempted. ``on_batch`` is told each batch's size as it is
        claimed (progress; it may set ``stop``).

        Pipelined: the next batch is claimed while the previous one is being sent, so the
        senders do not wait for the database; a batch's outcomes are recorded once all its
        sends are done. Per-permit order holds: a message being sent holds back later ones
        with its ordering key until its outcome is recorded."""
        total = 0
        in_flight: list[tuple[_Job, Future[Delivery]]] = []
        try:
            for _ in range(rounds):
                jobs, peers = self._claim()
                sending = [
                    (job, self._pool.submit(self._attempt, job, peers[job.destination]))
                    for job in jobs
                ]
                previous, in_flight = in_flight, sending
                if previous:
                    self._record([(job, future.result()) for job, future in previous])
                total += len(jobs)
                if on_batch is not None and jobs:
                    on_batch(len(jobs))
                if (not jobs and not previous) or (stop is not None and stop.is_set()):
                    break
        finally:
            if in_flight:  # what was sent is recorded, whatever stopped the loop
                self._record([(job, future.result()) for job, future in in_flight])
        return total

    def run(self, stop: threading.Event) -> None:
        """Loop until ``stop`` is set: drain, then wait for new messages."""
        log.info("relay %s started", self.worker)
        while not stop.is_set():
            try:
                self.drain(stop=stop)
            except Exception:  # the database may be briefly unavailable: wait, try again
                log.exception("relay round failed")
            stop.wait(self.config.interval_seconds)
        log.info("relay %s stopped", self.worker)


def _peer(session: Session, party: str) -> _Peer:
    hook = webhooks.webhook_id(party)
    if hook is not None:
        found = session.get(Webhook, hook)
        if found is None:
            return _Peer(None, False, (), frozenset(), webhook=True)
        return _Peer(found.url, found.state == webhooks.ACTIVE, (), frozenset(), webhook=True)
    peer = trust.find_peer(session, party)
    if peer is None:
        return _Peer(None, False, (), frozenset())
    trusted, revoked = trust.registry_view(session).lookup(party)  # cached, parsed once
    return _Peer(peer.endpoint_url, peer.state == PeerState.ACTIVE, tuple(trusted), revoked)


def start_in_thread(relay: Relay) -> Callable[[], None]:
    """Run ``relay`` in a daemon thread; returns the function that stops it (and waits)."""
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop,), name="ecites-relay", daemon=True)
    thread.start()

    def stopper() -> None:
        stop.set()
        thread.join(timeout=relay.config.timeout_seconds + 5)
        relay.close()

    return stopper
