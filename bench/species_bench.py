"""The compliance checks and the name search over production-sized reference data.

``checks``: the checks of a 10-line application (the dry run's path, ``checks.service.check``)
against 50,000 taxa, 1,000 suspensions and 5,000 quotas with their ledger. Target: p95 under
10 ms. ``autocomplete``: the name search as the trader's form calls it (``GET /api/v1/species``:
``service.search`` and ``service.describe_many``, 20 hits) over 50,000 taxon names and their
common names. Target: p95 under 20 ms.

Each is timed straight through the service layer (one read-only session per request, as a
request has), which is the figure compared with the target, and again over HTTP through the
real app (``TestClient``, in process), to show what HTTP, authentication and JSON add. Seeding
(bench/species_seed.py) is not timed; PostgreSQL is analyzed after it, SQLite is not (as for
the listing benchmark)."""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, TypeVar

from fastapi.testclient import TestClient

from app.checks import service as checks
from app.checks.service import IntendedLine, IntendedTrade
from app.core.clock import utcnow
from app.core.db import read_only_session
from app.main import create_app
from app.species import service as species
from bench import seed
from bench.databases import PARTY, Database
from bench.report import progress, table
from bench.seed_permits import IssuedSeeder
from bench.species_seed import HOME, PARTIES, SpeciesData
from bench.species_seed import seed as seed_species
from bench.stats import Latency

BENCHMARKS = ("checks", "autocomplete")
CHECKS_TARGET_P95_MS = 10.0
AUTOCOMPLETE_TARGET_P95_MS = 20.0
LINES = 10
QUOTA_LINES = 6  # of the 10: species the exporter holds a quota for
WARM_UP = 20
PERMITS = 2_000  # issued permits, for the ledger's entries to belong to
T = TypeVar("T")


@dataclass(frozen=True)
class Sizes:
    taxa: int
    suspensions: int
    quotas: int
    requests: int


def _seed(db: Database, sizes: Sizes, rng: random.Random) -> tuple[SpeciesData, dict[str, Any]]:
    progress(
        f"[{db.backend}] seeding {sizes.taxa:,} taxa, {sizes.suspensions:,} suspensions, "
        f"{sizes.quotas:,} quotas (not timed)"
    )
    start, end = time.perf_counter(), seed.now()
    officer = seed.create_officer(db.session_factory)
    assert officer.user_id is not None
    with db.engine.begin() as conn:
        traders = seed.insert_traders(conn, 20, end - timedelta(days=400))
        IssuedSeeder(conn, rng, traders, officer.user_id, PARTY, end).run(PERMITS)
        seed.sync_sequences(conn, seed.SEEDED_TABLES)
        data = seed_species(
            conn,
            rng,
            taxa=sizes.taxa,
            suspensions=sizes.suspensions,
            quotas=sizes.quotas,
            today=end.date(),
            now=end,
        )
    if db.backend == "postgresql":
        progress(f"[{db.backend}] ANALYZE")
        seed.analyze(db.engine)
    seconds = round(time.perf_counter() - start, 1)
    progress(f"[{db.backend}] seeded in {seconds}s")
    return data, {**data.counts, "seed_seconds": seconds, "analyzed": db.backend == "postgresql"}


# --- checks ----------------------------------------------------------------------------------


def _trade(rng: random.Random, data: SpeciesData, names: dict[int, str]) -> IntendedTrade:
    """A 10-line export from the Party holding the most quotas: 6 lines on its quotas (term,
    source and unit as the quota's), 4 other species, a few named by a synonym."""
    lines = []
    for index in range(LINES):
        if index < QUOTA_LINES:
            taxon_id, term, source, unit = rng.choice(data.quotas[HOME])
            name = names[taxon_id]
        else:
            term, source, unit = rng.choice(("LIV", "SKI", "MEA")), rng.choice("WCR"), "NAR"
            pool = data.synonyms if rng.random() < 0.3 else list(names.values())
            name = rng.choice(pool)
        lines.append(
            IntendedLine(
                letter=chr(ord("A") + index),
                scientific_name=name,
                source_code=source or rng.choice("WC"),
                term_code=term or "LIV",
                quantity=Decimal(rng.randint(1, 30)),
                unit=unit,
                origin_country=HOME if rng.random() < 0.7 else rng.choice(PARTIES),
            )
        )
    importer = rng.choice([p for p in PARTIES if p != HOME])
    return IntendedTrade(
        document_type="E",
        exporter_country=HOME,
        importer_country=importer,
        purpose_code=rng.choice("TTTZ"),
        lines=tuple(lines),
        on=utcnow().date(),
    )


def _as_json(trade: IntendedTrade) -> dict[str, Any]:
    return {
        "document_type": trade.document_type,
        "exporter_country": trade.exporter_country,
        "importer_country": trade.importer_country,
        "purpose_code": trade.purpose_code,
        "lines": [
            {
                "scientific_name": x.scientific_name,
                "source_code": x.source_code,
                "term_code": x.term_code,
                "quantity": str(x.quantity),
                "unit": x.unit,
                "origin_country": x.origin_country,
            }
            for x in trade.lines
        ],
    }


def run_checks(db: Database, *, sizes: Sizes, rng: random.Random) -> dict[str, Any]:
    data, dataset = _seed(db, sizes, rng)
    names = dict(data.species)
    trades = [_trade(rng, data, names) for _ in range(sizes.requests)]
    progress(f"[{db.backend}] {len(trades):,} checks of {LINES}-line applications")
    codes: dict[str, int] = {}
    snapshots: set[int | None] = set()

    def one(trade: IntendedTrade) -> None:
        with read_only_session(db.session_factory) as session:
            outcome = checks.check(session, trade)
        snapshots.add(outcome.snapshot_id)
        for result in outcome.results:
            codes[result.code] = codes.get(result.code, 0) + 1

    service = _timed(trades, one)
    http = _http(db, [("POST", "/api/v1/checks", _as_json(t)) for t in trades])
    latency = Latency.of_seconds(service)
    return {
        "benchmark": "checks",
        "backend": db.backend,
        "database": db.facts,
        "dataset": dataset,
        "requests": len(trades),
        "lines": LINES,
        "target_p95_ms": CHECKS_TARGET_P95_MS,
        "latency": latency.as_dict(),
        "http_latency": Latency.of_seconds(http).as_dict(),
        "ratio_p95_to_target": round(latency.p95_ms / CHECKS_TARGET_P95_MS, 3),
        "result_codes": dict(sorted(codes.items())),
        # every check ran on the seeded snapshot and found its quotas
        "checks": {"ok": snapshots == {1} and codes.get("quota_exceeded", 0) > 0},
    }


# --- autocomplete ----------------------------------------------------------------------------


def _prefix(rng: random.Random, pool: list[str]) -> str:
    """What a trader has typed: the start of a scientific name, synonym or common name."""
    return rng.choice(pool)[: rng.choice((2, 3, 3, 4, 4, 5, 6, 8))]


def run_autocomplete(db: Database, *, sizes: Sizes, rng: random.Random) -> dict[str, Any]:
    data, dataset = _seed(db, sizes, rng)
    pool = [n for _i, n in data.species] + data.synonyms + data.common_names
    queries = [_prefix(rng, pool) for _ in range(sizes.requests)]
    progress(f"[{db.backend}] {len(queries):,} name searches (limit 20)")
    today = utcnow().date()
    hits: list[int] = []
    wrong: list[str] = []

    def one(query: str) -> None:
        with read_only_session(db.session_factory) as session:
            found = species.describe_many(
                session, species.search(session, query, limit=20), on=today
            )
        hits.append(len(found))
        key = species.name_key(query)
        if not found or any(
            not species.name_key(str(x["matched"] or x["accepted_name"])).startswith(key)
            for x in found
        ):
            wrong.append(query)

    service = _timed(queries, one)
    http = _http(db, [("GET", "/api/v1/species", {"q": q}) for q in queries])
    latency = Latency.of_seconds(service)
    return {
        "benchmark": "autocomplete",
        "backend": db.backend,
        "database": db.facts,
        "dataset": {**dataset, "names": dataset["taxa"] + dataset["common_names"]},
        "requests": len(queries),
        "target_p95_ms": AUTOCOMPLETE_TARGET_P95_MS,
        "latency": latency.as_dict(),
        "http_latency": Latency.of_seconds(http).as_dict(),
        "ratio_p95_to_target": round(latency.p95_ms / AUTOCOMPLETE_TARGET_P95_MS, 3),
        "hits": {"min": min(hits), "max": max(hits), "mean": round(sum(hits) / len(hits), 1)},
        # every query found names, and only names starting with it
        "checks": {"ok": not wrong, "wrong": wrong[:10]},
    }


# --- timing ----------------------------------------------------------------------------------


def _timed(items: Sequence[T], call: Callable[[T], None]) -> list[float]:
    """Seconds per call, after a warm-up on the first few items."""
    for item in items[:WARM_UP]:
        call(item)
    gc.collect()  # the seeding's garbage is not the requests' to pay for
    samples = []
    for item in items:
        start = time.perf_counter()
        call(item)
        samples.append(time.perf_counter() - start)
    return samples


def _http(db: Database, requests: list[tuple[str, str, dict[str, Any]]]) -> list[float]:
    """The same requests over HTTP, as an officer (warm-up first)."""
    samples = []
    with TestClient(create_app(db.settings, engine=db.engine)) as client:
        token = client.post(
            "/api/v1/auth/token",
            json={"username": seed.OFFICER_USERNAME, "password": seed.OFFICER_PASSWORD},
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}

        def send(method: str, path: str, payload: dict[str, Any]) -> None:
            if method == "GET":
                response = client.get(path, params=payload, headers=headers)
            else:
                response = client.post(path, json=payload, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(
                    f"{method} {path} -> {response.status_code} {response.text[:300]}"
                )

        for request in requests[:WARM_UP]:
            send(*request)
        gc.collect()
        for request in requests:
            start = time.perf_counter()
            send(*request)
            samples.append(time.perf_counter() - start)
    return samples


def summary(results: list[dict[str, Any]]) -> str:
    chosen = [
        r for r in results if r.get("benchmark") in ("checks", "autocomplete") and "error" not in r
    ]
    if not chosen:
        return ""
    headers = ("benchmark", "backend", "p50 ms", "p95 ms", "p99 ms", "x target", "HTTP p95", "ok")
    rows = [
        (
            f"{r['benchmark']} (p95 < {r['target_p95_ms']:.0f} ms)",
            r["backend"],
            r["latency"]["p50_ms"],
            r["latency"]["p95_ms"],
            r["latency"]["p99_ms"],
            r["ratio_p95_to_target"],
            r["http_latency"]["p95_ms"],
            r["checks"]["ok"],
        )
        for r in chosen
    ]
    first = chosen[0]["dataset"]
    title = (
        f"Compliance checks ({LINES} lines) and name search, service layer "
        f"({first['taxa']:,} taxa, {first['suspensions']:,} suspensions, "
        f"{first['quotas']:,} quotas, {first['common_names']:,} common names)\n"
    )
    return title + table(headers, rows)
