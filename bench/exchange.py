"""EPIX receive throughput: signed PERMIT_ISSUED messages from a peer Party, received one after
the other by ONE worker. Target: 500 messages/s.

One message = ``app.exchange.service.receive`` in its own ``unit_of_work``, as the HTTP endpoint
runs it: parse the envelope and verify its signature against the trust registry, verify the
embedded permit's own signature, read and check it, store the inbox row and the foreign permit,
build and sign the receipt, commit.

Preparation (not timed): the receiving Party (CH, this benchmark's database, its own key made in
the benchmark's directory) registers the peer (FR) and its certificate, active; N distinct
permits are sealed by FR (distinct numbers, each signed with FR's key and checked against the
XSD, as FR's service would) and wrapped in N envelopes signed by FR. Verified afterwards (not
timed): every answer was ACCEPTED, and the database holds N inbox messages and N foreign
permits with N distinct numbers.

Then, labelled ``http``, the same N envelopes are POSTed one after the other to a real
``ecites serve`` process for CH (``app.cli.parties.LocalParty``) on loopback, with its own
database on the same backend: the figure an EPIX peer would see, HTTP and uvicorn included.

The outbox drain benchmark (a relay delivering to a real peer process) is in
``bench/exchange_drain.py``; both share the permit and key helpers below.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.bootstrap import build
from app.cli.parties import LocalParty
from app.core.actor import Actor
from app.core.clock import utcnow
from app.core.db import unit_of_work
from app.exchange.foreign import Receiver
from app.exchange.models import ForeignPermit, InboxMessage
from app.exchange.service import receive
from app.permits.document import Sealer
from app.trust import service as trust_service
from app.trust.schemas import CertificateState
from app.xml.document import PermitDocument, TradeParty
from app.xml.reader import read_permit_bytes
from app.xml.schema import SchemaRegistry
from bench.databases import PARTY, Database
from bench.report import progress, table
from bench.stats import Latency
from epix import EnvelopeHeader, MessageType, ReceiptStatus, build_envelope
from signing import SigningKey, certificate_pem, generate_key, self_signed_certificate

RECEIVE_TARGET = 500.0  # messages/s, one worker
PEER = "FR"
SAMPLE = Path(__file__).resolve().parent.parent / "tests" / "samples" / "ours-export-3-lines.xml"
CERTIFICATE_FROM = datetime(2020, 1, 1, tzinfo=UTC)  # before any permit's issue time
XML = {"Content-Type": "application/xml", "Accept": "application/xml"}

OpenDatabase = Callable[[str], AbstractContextManager[Database]]
"""Opens another fresh database on the same backend (for a LocalParty server)."""


# --- shared: Parties, keys, permits, envelopes ---------------------------------------------


def party_key(party: str) -> SigningKey:
    """A Management Authority's key and self-signed certificate (ECDSA P-256, as the service
    makes them)."""
    key = generate_key()
    certificate = self_signed_certificate(
        key,
        f"CITES Management Authority of {party}",
        party,
        valid_days=3650,
        not_before=CERTIFICATE_FROM,
    )
    return SigningKey(key, (certificate,))


def permit_numbers(party: str, count: int) -> list[str]:
    year = utcnow().strftime("%y")
    return [f"{year}{party}{serial:06d}" for serial in range(1, count + 1)]


def seal_permits(
    schema: SchemaRegistry, key: SigningKey, *, issuer: str, importer: str, numbers: list[str]
) -> list[bytes]:
    """Export permits issued by ``issuer`` for ``importer``, one per number: the 3-line sample
    renumbered and re-dated, sealed as the issuing service does (XML, signed, XSD-checked)."""
    read = read_permit_bytes(SAMPLE.read_bytes()).document
    if read is None:
        raise RuntimeError(f"sample {SAMPLE.name} did not read")
    template: PermitDocument = read
    now = utcnow().replace(microsecond=0)
    authority = template.issuing_authority or TradeParty()
    consignee = template.importer or TradeParty()
    base = dataclasses.replace(
        template,
        issuing_country=issuer,
        issuing_authority=dataclasses.replace(
            authority, name=f"CITES Management Authority of {issuer}", country=issuer
        ),
        importer=dataclasses.replace(consignee, country=importer),
        issued_at=now,
        valid_from=now.date(),
        valid_until=(now + timedelta(days=180)).date(),
    )
    sealer = Sealer(schema, key)
    return [sealer.seal(dataclasses.replace(base, number=number)) for number in numbers]


def envelopes(
    key: SigningKey, *, sender: str, recipient: str, numbers: list[str], permits: list[bytes]
) -> list[bytes]:
    """PERMIT_ISSUED envelopes signed by ``sender``, one per permit."""
    now = utcnow()
    return [
        build_envelope(
            EnvelopeHeader(
                message_id=uuid.uuid4(),
                sender=sender,
                recipient=recipient,
                message_type=MessageType.PERMIT_ISSUED,
                created_at=now,
                permit_number=number,
            ),
            permit,
            key,
        )
        for number, permit in zip(numbers, permits, strict=True)
    ]


def register_peer(
    factory: sessionmaker[Session],
    *,
    own_party: str,
    peer: str,
    certificate: bytes,
    endpoint: str | None,
) -> None:
    """``peer`` in this database's trust registry: its endpoint and its certificate, active."""
    actor = Actor.system("bench")
    with unit_of_work(factory) as session:
        record = trust_service.add_peer(
            session,
            party=peer,
            name=f"CITES Management Authority of {peer}",
            endpoint_url=endpoint,
            own_party=own_party,
            actor=actor,
        )
        trust_service.trust_certificate(
            session,
            peer=record,
            pem=certificate.decode(),
            state=CertificateState.ACTIVE,
            actor=actor,
        )


def descriptor(party: str, directory: Path, key: SigningKey) -> LocalParty:
    """A Party known only by its certificate (no server): what ``LocalParty.trust`` needs to
    register it at another Party."""
    stand_in = LocalParty(party, directory, port=9)
    directory.mkdir(parents=True, exist_ok=True)
    stand_in.certificate_file.write_bytes(certificate_pem(key.certificate))
    return stand_in


@contextmanager
def local_party(
    party: str, open_database: OpenDatabase, name: str, options: dict[str, str] | None = None
) -> Iterator[LocalParty]:
    """A prepared (not started) LocalParty whose database is a fresh one on the benchmark's
    backend; its data directory (key, log) is next to it. Killed at the end if still running."""
    with open_database(name) as db:
        db.engine.dispose()  # the server has its own engine
        server = LocalParty(
            party,
            db.settings.data_dir / party,
            database_url=db.url,
            options=options or {},
        )
        server.prepare()
        try:
            yield server
        finally:
            server.kill()


def process_cpu_seconds(pid: int) -> float:
    """user + system CPU of another process (Linux /proc), in seconds; 0 when unknown."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def foreign_permit_total(server: LocalParty) -> int:
    """How many foreign permits the Party holds, from its API (as its administrator)."""
    page = server.call("GET", "/api/v1/foreign-permits", params={"limit": 1}).json()
    return int(page["total"])


# --- benchmark: receive ----------------------------------------------------------------------


def run(
    db: Database, *, count: int, open_database: OpenDatabase, http: bool, senders: int = 4
) -> dict[str, Any]:
    container = build(db.settings, engine=db.engine)
    receiver = container.receiver
    peer_key = party_key(PEER)
    register_peer(
        db.session_factory,
        own_party=PARTY,
        peer=PEER,
        certificate=certificate_pem(peer_key.certificate),
        endpoint=None,
    )
    progress(f"[{db.backend}] receive: sealing {count:,} {PEER} permits and envelopes (not timed)")
    numbers = permit_numbers(PEER, count)
    permits = seal_permits(container.schema, peer_key, issuer=PEER, importer=PARTY, numbers=numbers)
    messages = envelopes(peer_key, sender=PEER, recipient=PARTY, numbers=numbers, permits=permits)
    progress(f"[{db.backend}] receiving {count:,} messages, one transaction each, one worker")
    gc.collect()
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    timings = [
        _receive_one(db.session_factory, receiver, data, index, count)
        for index, data in enumerate(messages, start=1)
    ]
    wall = time.perf_counter() - wall_start
    cpu = time.process_time() - cpu_start
    progress(f"[{db.backend}] receive: checking inbox and foreign permits (not timed)")
    checks = _verify(db.session_factory, count, [t.status for t in timings])
    per_second = count / wall
    result: dict[str, Any] = {
        "benchmark": "receive",
        "backend": db.backend,
        "database": db.facts,
        "messages": count,
        "message_bytes_mean": round(sum(len(m) for m in messages) / count),
        "wall_seconds": round(wall, 3),
        "messages_per_second": round(per_second, 1),
        "target_per_second": RECEIVE_TARGET,
        "ratio_to_target": round(per_second / RECEIVE_TARGET, 3),
        "latency": Latency.of_seconds([t.total for t in timings]).as_dict(),
        "commit_latency": Latency.of_seconds([t.commit for t in timings]).as_dict(),
        "process_cpu_ms_per_message": round(cpu * 1000 / count, 3),
        "checks": checks,
    }
    if http:
        progress(f"[{db.backend}] receive over HTTP: sealing {count:,} more (not timed)")
        more = permit_numbers(PEER, 2 * count)[count:]
        concurrent = envelopes(
            peer_key,
            sender=PEER,
            recipient=PARTY,
            numbers=more,
            permits=seal_permits(
                container.schema, peer_key, issuer=PEER, importer=PARTY, numbers=more
            ),
        )
        result["http"] = _over_http(
            db.backend, messages, concurrent, senders, peer_key, open_database
        )
        checks["ok"] = bool(checks["ok"] and result["http"]["checks"]["ok"])
    return result


@dataclass(frozen=True)
class _Timing:
    total: float
    commit: float
    status: str


def _receive_one(
    factory: sessionmaker[Session], receiver: Receiver, data: bytes, index: int, count: int
) -> _Timing:
    start = time.perf_counter()
    with unit_of_work(factory) as session:
        answer = receive(session, data, receiver=receiver)
        work_done = time.perf_counter()
    end = time.perf_counter()
    if index % max(1, count // 5) == 0:
        progress(f"  received {index:,}/{count:,}")
    return _Timing(end - start, end - work_done, answer.status.value)


def _verify(factory: sessionmaker[Session], count: int, statuses: list[str]) -> dict[str, Any]:
    with unit_of_work(factory) as session:
        inbox = session.scalar(select(func.count()).select_from(InboxMessage)) or 0
        stored = session.scalar(select(func.count()).select_from(ForeignPermit)) or 0
        numbers = session.scalar(select(func.count(func.distinct(ForeignPermit.number)))) or 0
    accepted = statuses.count(ReceiptStatus.ACCEPTED.value)
    return {
        "accepted": accepted,
        "inbox_messages": inbox,
        "foreign_permits": stored,
        "distinct_numbers": numbers,
        "expected": count,
        "ok": accepted == inbox == stored == numbers == count,
    }


def _over_http(
    backend: str,
    messages: list[bytes],
    concurrent: list[bytes],
    senders: int,
    peer_key: SigningKey,
    open_database: OpenDatabase,
) -> dict[str, Any]:
    """The envelopes POSTed to a real CH server process (one worker): ``messages`` one after
    the other, then ``concurrent`` by ``senders`` senders at once (as several relays of a peer,
    or several peers, would), each on its own keep-alive connection."""
    with local_party(PARTY, open_database, "receive_http") as server:
        server.trust(descriptor(PEER, server.data_dir.parent / "peer", peer_key))
        progress(f"[{backend}] receive over HTTP: starting the {PARTY} server")
        server.start()
        foreign_permit_total(server)  # warm: login, first query, first response
        url = f"{server.base_url}/epix/v1/messages"
        assert server.process is not None
        pid = server.process.pid
        progress(f"[{backend}] receive over HTTP: POSTing {len(messages):,}, one at a time")
        sequential = _post_all(url, [messages], pid)
        progress(
            f"[{backend}] receive over HTTP: POSTing {len(concurrent):,} from {senders} senders"
        )
        parallel = _post_all(url, [concurrent[i::senders] for i in range(senders)], pid)
        stored = foreign_permit_total(server)
        server.stop()
    expected = len(messages) + len(concurrent)
    ok_answers = sequential.pop("http_200") + parallel.pop("http_200")
    return {
        "label": "http (LocalParty server, loopback)",
        **sequential,
        "concurrent": {"senders": senders, **parallel},
        "checks": {
            "http_200": ok_answers,
            "foreign_permits": stored,
            "expected": expected,
            "ok": ok_answers == stored == expected,
        },
    }


def _post_all(url: str, lanes: list[list[bytes]], pid: int) -> dict[str, Any]:
    """POST each lane's envelopes in order, the lanes at once (one thread and connection
    each); the figures of the whole."""
    count = sum(len(lane) for lane in lanes)
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()

    def post_lane(lane: list[bytes]) -> None:
        mine: list[tuple[float, int]] = []
        with httpx.Client(timeout=30) as client:
            for data in lane:
                start = time.perf_counter()
                response = client.post(url, content=data, headers=XML)
                mine.append((time.perf_counter() - start, response.status_code))
        with lock:
            latencies.extend(t for t, _ in mine)
            statuses.extend(code for _, code in mine)

    cpu_start = process_cpu_seconds(pid)
    wall_start = time.perf_counter()
    threads = [threading.Thread(target=post_lane, args=(lane,)) for lane in lanes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - wall_start
    server_cpu = process_cpu_seconds(pid) - cpu_start
    per_second = count / wall
    return {
        "messages": count,
        "wall_seconds": round(wall, 3),
        "messages_per_second": round(per_second, 1),
        "ratio_to_target": round(per_second / RECEIVE_TARGET, 3),
        "latency": Latency.of_seconds(latencies).as_dict(),
        "server_cpu_ms_per_message": round(server_cpu * 1000 / count, 3),
        "http_200": statuses.count(200),
    }


# --- the table printed at the end ---------------------------------------------------------


def summary(results: list[dict[str, Any]]) -> str:
    """The exchange benchmarks' tables ('' when none ran)."""
    sections = []
    received = [r for r in results if r.get("benchmark") == "receive" and "error" not in r]
    if received:
        sections.append(_receive_table(received))
    drained = [r for r in results if r.get("benchmark") == "drain" and "error" not in r]
    if drained:
        sections.append(_drain_table(drained))
    return "\n\n".join(sections)


def _receive_table(results: list[dict[str, Any]]) -> str:
    headers = (
        *("backend", "path", "messages", "msg/s", "x 500/s", "p50 ms", "p95 ms", "cpu ms"),
        "stored N",
    )
    rows: list[tuple[object, ...]] = []
    for r in results:
        rows.append(
            (
                r["backend"],
                "service",
                r["messages"],
                r["messages_per_second"],
                r["ratio_to_target"],
                r["latency"]["p50_ms"],
                r["latency"]["p95_ms"],
                r["process_cpu_ms_per_message"],
                r["checks"]["foreign_permits"] == r["checks"]["inbox_messages"] == r["messages"],
            )
        )
        h = r.get("http")
        if h:
            c = h["concurrent"]
            for label, f in (("HTTP", h), (f"HTTP x{c['senders']}", c)):
                rows.append(
                    (
                        r["backend"],
                        label,
                        f["messages"],
                        f["messages_per_second"],
                        f["ratio_to_target"],
                        f["latency"]["p50_ms"],
                        f["latency"]["p95_ms"],
                        f["server_cpu_ms_per_message"],
                        h["checks"]["ok"],
                    )
                )
    title = (
        "EPIX receive, one worker (verify envelope + permit, store, signed receipt, commit; "
        "target 500/s)\n  service: receive() in a unit_of_work; HTTP: POSTs to a LocalParty "
        "server, one at a time, then (x N) from N concurrent senders (cpu ms: the server's)\n"
    )
    return title + table(headers, rows)


def _drain_table(results: list[dict[str, Any]]) -> str:
    headers = (
        *("backend", "messages", "msg/s", "x 200/s", "batch", "concurrency", "rounds"),
        *("relay cpu ms", "peer cpu ms", "delivered", "peer holds N"),
    )
    rows = [
        (
            r["backend"],
            r["messages"],
            r["messages_per_second"],
            r["ratio_to_target"],
            r["relay"]["batch"],
            r["relay"]["concurrency"],
            r["rounds"],
            r["sender_cpu_ms_per_message"],
            r["receiver_cpu_ms_per_message"],
            r["checks"]["delivered"],
            r["checks"]["receiver_foreign_permits"] == r["messages"],
        )
        for r in results
    ]
    title = "EPIX outbox drain to a LocalParty peer on loopback (Relay.drain; target 200/s)\n"
    return title + table(headers, rows)
