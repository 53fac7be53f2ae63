"""Officer listings on a production-sized database, through the real HTTP app. Target: the
review queue (``GET /api/v1/applications?status=submitted&sort=submitted_at&limit=50``)
answers with p95 under 50 ms when the database holds 100,000 permits.

Preparation (not timed): 100,000 issued permits with their applications and lines spread
over three years and a few hundred organisations, 2,000 applications in the queue and a mix
of drafts, returned, approved, refused and withdrawn ones. Timed: each request as a client
sees it (ASGI in-process, no network), interleaved across query kinds after a warm-up; then
the same queries straight to the service layer, to show how much is SQL + ORM and how much
is HTTP, authentication and JSON.
"""

from __future__ import annotations

import gc
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.applications.models import Application
from app.core.actor import Actor
from app.main import create_app
from bench import queries as q
from bench import seed
from bench.databases import PARTY, Database
from bench.report import progress
from bench.seed_permits import IssuedSeeder
from bench.stats import Latency

TARGET_P95_MS = 50.0
WARM_UP_PER_KIND = 5


@dataclass(frozen=True)
class Sizes:
    permits: int
    queue: int
    organisations: int


@dataclass(frozen=True)
class Dataset:
    officer: Actor
    population: q.Population
    facts: dict[str, Any]


@dataclass
class Samples:
    http: list[float]
    service: list[float]
    totals: Counter[int]


def run(
    db: Database, *, sizes: Sizes, requests: int, rng: random.Random, sqlite_analyze: bool
) -> dict[str, Any]:
    dataset = _seed(db, sizes, rng)
    # PostgreSQL's autovacuum analyzes a bulk-loaded table within a minute: do it now. Nothing
    # runs ANALYZE on SQLite, so it plans without statistics unless asked (a what-if).
    analyze = db.backend == "postgresql" or sqlite_analyze
    if analyze:
        progress(f"[{db.backend}] ANALYZE")
        seed.analyze(db.engine)
    queries = q.generate(rng, dataset.population, requests)
    warm_up = q.generate(rng, dataset.population, WARM_UP_PER_KIND)
    progress(f"[{db.backend}] {len(queries):,} requests over {len(q.KINDS)} query kinds")
    samples: dict[str, Samples] = defaultdict(lambda: Samples([], [], Counter()))
    _measure_http(db, queries, warm_up, samples)
    progress(f"[{db.backend}] the same queries through the service layer")
    for query in queries:
        samples[query.kind].service.append(
            q.time_service(db.session_factory, dataset.officer, query)
        )
    return {
        "benchmark": "listing",
        "backend": db.backend,
        "database": db.facts,
        "dataset": {**dataset.facts, "analyzed": analyze},
        "requests_per_kind": requests,
        "target_p95_ms": TARGET_P95_MS,
        "kinds": {kind: _summary(kind, samples[kind]) for kind in q.KINDS},
    }


# --- data ----------------------------------------------------------------------------------


def _seed(db: Database, sizes: Sizes, rng: random.Random) -> Dataset:
    progress(
        f"[{db.backend}] seeding {sizes.permits:,} permits, {sizes.queue:,} queued "
        f"applications, {sizes.organisations} organisations (not timed)"
    )
    start, end = time.perf_counter(), seed.now()
    officer = seed.create_officer(db.session_factory)
    assert officer.user_id is not None
    with db.engine.begin() as conn:
        traders = seed.insert_traders(conn, sizes.organisations, end - timedelta(days=4 * 365))
        permits = IssuedSeeder(conn, rng, traders, officer.user_id, PARTY, end)
        permits.run(sizes.permits, on_chunk=_chunk_progress(db.backend, sizes.permits))
        others = int(sizes.queue * seed.OTHER_PER_QUEUED)
        seed.insert_other_states(conn, rng, traders, others, officer_id=officer.user_id, end=end)
        seed.insert_submitted(conn, rng, traders, sizes.queue, end=end)
        seed.sync_sequences(conn, seed.SEEDED_TABLES)
        applications = dict(
            conn.execute(select(Application.status, func.count()).group_by(Application.status))
            .tuples()
            .all()
        )
    seconds = time.perf_counter() - start
    progress(f"[{db.backend}] seeded in {seconds:.1f}s")
    population = q.Population(
        traders=traders,
        queued=applications.get("submitted", 0),
        valid_permits=permits.statuses["valid"],
        end=end,
    )
    return Dataset(
        officer=officer,
        population=population,
        facts={
            "permits": sum(permits.statuses.values()),
            "permit_statuses": dict(permits.statuses),
            "applications": dict(sorted(applications.items())),
            "organisations": len(traders),
            "largest_organisation_permits": max(permits.per_organisation.values(), default=0),
            "seed_seconds": round(seconds, 1),
        },
    )


def _chunk_progress(backend: str, total: int) -> Callable[[int], None]:
    def report(done: int) -> None:
        if done % 25_000 < seed.CHUNK or done == total:
            progress(f"  [{backend}] {done:,}/{total:,} permits")

    return report


# --- HTTP ----------------------------------------------------------------------------------


def _measure_http(
    db: Database,
    queries: list[q.Query],
    warm_up: list[q.Query],
    samples: dict[str, Samples],
) -> None:
    with TestClient(create_app(db.settings, engine=db.engine)) as client:
        headers = _login(client)
        for query in warm_up:
            _get(client, headers, query)
        gc.collect()  # the seeding's garbage is not the requests' to pay for
        for query in queries:
            start = time.perf_counter()
            body = _get(client, headers, query)
            samples[query.kind].http.append(time.perf_counter() - start)
            samples[query.kind].totals[body["total"]] += 1


def _login(client: TestClient) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token",
        json={"username": seed.OFFICER_USERNAME, "password": seed.OFFICER_PASSWORD},
    )
    if response.status_code != 200:
        raise RuntimeError(f"login failed: {response.status_code} {response.text[:300]}")
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _get(client: TestClient, headers: dict[str, str], query: q.Query) -> dict[str, Any]:
    response = client.get(query.path, params=query.params, headers=headers)
    if response.status_code != 200:
        raise RuntimeError(
            f"{query.kind}: GET {query.path} {query.params} -> "
            f"{response.status_code} {response.text[:300]}"
        )
    body: dict[str, Any] = response.json()
    return body


def _summary(kind: str, samples: Samples) -> dict[str, Any]:
    latency = Latency.of_seconds(samples.http)
    return {
        "description": q.KINDS[kind],
        "latency": latency.as_dict(),
        "service_latency": Latency.of_seconds(samples.service).as_dict(),
        "service_share": round(sum(samples.service) / sum(samples.http), 3),
        "ratio_p95_to_target": round(latency.p95_ms / TARGET_P95_MS, 3),
        "rows_matched": {"min": min(samples.totals), "max": max(samples.totals)},
    }
