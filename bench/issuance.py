"""Issuance throughput: approve + issue + number + signed document + audit, one transaction
per permit, one process, one officer. Targets on SQLite: 500 permits/s (issue 2, before
permits were signed), 400 permits/s with signing (issue 4).

Preparation (not timed): N applications in state ``submitted`` are bulk-inserted. Timed: for
each, ``unit_of_work`` -> ``get_application(for_update=True)`` -> ``approve_application`` ->
``issue_permit`` -> commit. Verified afterwards (not timed): the numbers are 1..N with no gap
and no duplicate, every application is issued, and the audit chain is intact.
"""

from __future__ import annotations

import gc
import random
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.applications import service as applications_service
from app.applications.models import Application
from app.audit import service as audit_service
from app.bootstrap import make_issuance
from app.core.actor import Actor
from app.core.db import unit_of_work
from app.outbox.announce import Announcer
from app.permits.document import Issuance
from app.permits.models import Permit
from app.workflow import service as workflow_service
from bench import seed
from bench.databases import PARTY, Database
from bench.report import progress
from bench.stats import Latency

TARGET_PER_SECOND = 400.0  # with signing (issue 4); 500/s was the target before signing
TRADERS = 20
NUMBER = re.compile(r"^(?P<yy>\d{2})(?P<party>[A-Z]{2})(?P<serial>\d{6,})$")
AUDIT_EVENTS_PER_ISSUANCE = 3  # application.approve, application.issue, permit.issue


@dataclass(frozen=True)
class Timing:
    total: float  # seconds, the whole transaction
    commit: float  # seconds, commit and close (the durable write)


def run(db: Database, *, count: int, rng: random.Random) -> dict[str, Any]:
    officer, application_ids = _prepare(db, count, rng)
    issuance = make_issuance(db.settings)  # signs with a key made in the benchmark's directory
    progress(f"[{db.backend}] issuing {count:,} permits, one transaction each")
    gc.collect()  # the preparation's garbage is not the issuances' to pay for
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    timings = [
        _issue_one(db.session_factory, issuance, application_id, officer, index, count)
        for index, application_id in enumerate(application_ids, start=1)
    ]
    wall = time.perf_counter() - wall_start
    cpu = time.process_time() - cpu_start
    progress(f"[{db.backend}] verifying numbers and the audit chain (not timed)")
    result = _result(db, count, wall, timings, _verify(db.session_factory, count))
    # This process's CPU per issuance (Python, SQLAlchemy, and SQLite itself, which runs
    # in-process); the rest of the wall time is waiting: fsync, the PostgreSQL server, others.
    result["process_cpu_ms_per_issuance"] = round(cpu * 1000 / count, 3)
    return result


def _prepare(db: Database, count: int, rng: random.Random) -> tuple[Actor, list[int]]:
    progress(f"[{db.backend}] preparing {count:,} submitted applications (not timed)")
    officer = seed.create_officer(db.session_factory)
    with db.engine.begin() as conn:
        traders = seed.insert_traders(conn, TRADERS, seed.now())
        ids = seed.insert_submitted(conn, rng, traders, count, end=seed.now())
        seed.sync_sequences(conn, seed.SEEDED_TABLES)
    return officer, ids


def approve_and_issue(
    session: Session, application_id: int, officer: Actor, issuance: Issuance
) -> None:
    """An officer approves a submitted application and issues its permit (the use cases)."""
    application = applications_service.get_application(
        session, application_id, actor=officer, for_update=True
    )
    workflow_service.approve_application(session, application=application, officer=officer)
    workflow_service.issue_permit(
        session,
        application=application,
        officer=officer,
        issuance=issuance,
        announcer=Announcer.of(issuance),
    )


def _issue_one(
    factory: sessionmaker[Session],
    issuance: Issuance,
    application_id: int,
    officer: Actor,
    index: int,
    count: int,
) -> Timing:
    start = time.perf_counter()
    with unit_of_work(factory) as session:
        approve_and_issue(session, application_id, officer, issuance)
        work_done = time.perf_counter()
    end = time.perf_counter()
    if index % max(1, count // 5) == 0:
        progress(f"  issued {index:,}/{count:,}")
    return Timing(total=end - start, commit=end - work_done)


def _verify(factory: sessionmaker[Session], count: int) -> dict[str, Any]:
    with unit_of_work(factory) as session:
        numbers = list(session.scalars(select(Permit.number)))
        statuses = Counter(session.scalars(select(Application.status)))
        chain_start = time.perf_counter()
        chain = audit_service.verify_chain(session)
        chain_seconds = time.perf_counter() - chain_start
    serials = sorted(_serial(number) for number in numbers)
    return {
        "permits": len(numbers),
        "numbers_contiguous": serials == list(range(1, count + 1)),
        "duplicate_numbers": len(numbers) - len(set(numbers)),
        "application_statuses": dict(statuses),
        "audit_chain_ok": chain.ok,
        "audit_events_checked": chain.events_checked,
        "audit_events_expected": 1 + AUDIT_EVENTS_PER_ISSUANCE * count,  # + user.create
        "audit_chain_problem": chain.reason,
        "audit_verify_seconds": round(chain_seconds, 3),
    }


def _serial(number: str) -> int:
    match = NUMBER.match(number)
    if match is None or match["party"] != PARTY:
        return -1
    return int(match["serial"])


def _result(
    db: Database,
    count: int,
    wall: float,
    timings: Sequence[Timing],
    checks: dict[str, Any],
) -> dict[str, Any]:
    total = sum(t.total for t in timings)
    commit = sum(t.commit for t in timings)
    per_second = count / wall
    return {
        "benchmark": "issuance",
        "backend": db.backend,
        "database": db.facts,
        "issuances": count,
        "wall_seconds": round(wall, 3),
        "permits_per_second": round(per_second, 1),
        "target_per_second": TARGET_PER_SECOND,
        "target_backend": "sqlite",
        "ratio_to_target": round(per_second / TARGET_PER_SECOND, 3),
        "latency": Latency.of_seconds([t.total for t in timings]).as_dict(),
        "commit_latency": Latency.of_seconds([t.commit for t in timings]).as_dict(),
        "commit_share": round(commit / total, 3) if total else None,
        "checks": checks,
    }
