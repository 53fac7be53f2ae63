"""Customs validity checks over HTTP against ONE server worker holding 100,000 permits, driven
by a separate load process on loopback. Targets: at least 2,000 requests/s, p99 under 20 ms,
and at least 0.3 times the requests/s of a trivial endpoint of the same service measured in
the same run.

Preparation (not timed): the listing benchmark's data (bench/seed_permits.py: issued permits
with their applications and lines, realistic statuses, a few replaced), plus the border events
behind every ``used`` permit (an export endorsement by this Party's customs; for exports and
re-exports the importer's clearance reported over EPIX), and a customs user with an API key
made through the use cases. Then a real ``ecites serve`` process (``LocalParty``: one uvicorn
worker, the service's own settings, relay disabled) on 127.0.0.1 over that database.

Timed, from a separate load process (wrk when installed, else ``python -m bench.customs_load``)
with N keep-alive connections: ``GET /api/v1/customs/permits/CH/{number}`` with ``X-API-Key``,
numbers drawn uniformly among the seeded permits (2% numbers never issued: NOT_FOUND, still a
200), after a warm-up, for a fixed time; then the trivial endpoint ``GET /epix/v1/status`` (no
database, no authentication: the framework's own cost) and ``GET /healthz`` (one ``SELECT 1``)
the same way. Reported: requests/s, p50/p90/p99 ms, the server's and the load process's CPU,
the ratios to the targets, and the same check straight through the service layer in this
process (authentication by key, ``customs.service.check``, JSON), to show what HTTP adds.

Checked (not timed): known numbers answer their expected state and border events, an unknown
one NOT_FOUND, no key or a wrong key 401, and the load saw no error or non-2xx answer.
"""

from __future__ import annotations

import gc
import os
import random
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from app.auth import api_keys
from app.cli.parties import LocalParty
from app.core.clock import utcnow
from app.core.db import read_only_session
from app.customs import service as customs_service
from app.permits.models import BorderEvent, Permit
from bench import customs_load, seed
from bench.customs_seed import CHECK_PATH, Paths, customs_api_key, insert_border_events, write_paths
from bench.databases import PARTY, Database
from bench.report import progress, table
from bench.seed_permits import IssuedSeeder
from bench.stats import Latency

TARGET_RPS = 2_000.0
TARGET_P99_MS = 20.0
TARGET_RATIO = 0.3
UNKNOWN_SHARE = 0.02
PATHS = 100_000  # check paths in the load file (sent in order, cycling)
TRIVIAL = "/epix/v1/status"
HEALTHZ = "/healthz"
SAMPLE = 100  # known numbers whose answers are checked before the load


@dataclass(frozen=True)
class Options:
    permits: int
    organisations: int
    connections: int = 8
    seconds: float = 15.0
    warmup_seconds: float = 3.0
    tool: str = "auto"  # wrk when installed, else the Python generator
    service_calls: int = 2_000


@dataclass(frozen=True)
class Dataset:
    numbers: list[str]
    key: str
    facts: dict[str, Any]


def run(db: Database, *, options: Options, rng: random.Random) -> dict[str, Any]:
    tool = customs_load.tool_name(options.tool)
    dataset = _seed(db, options, rng)
    if db.backend == "postgresql":  # as autovacuum would, within a minute of the load
        progress(f"[{db.backend}] customs: ANALYZE")
        seed.analyze(db.engine)
    work = db.settings.data_dir
    paths = write_paths(
        work / "customs-paths.txt",
        rng,
        dataset.numbers,
        party=PARTY,
        count=PATHS,
        unknown_share=UNKNOWN_SHARE,
    )
    expected = _expected(db, rng.sample(dataset.numbers, min(SAMPLE, len(dataset.numbers))))
    progress(f"[{db.backend}] customs: {options.service_calls:,} checks through the service layer")
    service = _time_service(db, dataset.key, paths, options.service_calls)
    db.engine.dispose()  # the server has its own engine
    server = LocalParty(
        PARTY, work / "server", database_url=db.url, options={"relay_enabled": "false"}
    )
    server.prepare()
    try:
        progress(f"[{db.backend}] customs: starting one `ecites serve` worker")
        server.start()
        checks = _verify(server, dataset.key, expected)
        endpoints = _measure(db.backend, server, dataset.key, paths, tool, options, work)
        log_bytes = server.log_file.stat().st_size if server.log_file.exists() else 0
        server.stop()
    finally:
        server.kill()
    checks["load_failures"] = sum(e["failed"] for e in endpoints.values())
    checks["ok"] = bool(checks["ok"] and checks["load_failures"] == 0)
    check, trivial = endpoints["check"], endpoints["trivial"]
    ratio = check["requests_per_second"] / trivial["requests_per_second"]
    return {
        "benchmark": "customs",
        "backend": db.backend,
        "database": db.facts,
        "dataset": {**dataset.facts, "unknown_share": UNKNOWN_SHARE, "paths": paths.count},
        "server": {
            "command": "ecites serve (app.cli.parties.LocalParty), 1 worker, 127.0.0.1",
            "settings": {"relay_enabled": False},
            "log_bytes": log_bytes,
        },
        "load": {
            "tool": customs_load.tool_version(tool),
            "connections": options.connections,
            "warmup_seconds": options.warmup_seconds,
            "seconds": options.seconds,
            "cpus": os.cpu_count(),
            "shared_cpus": "the server and the load process run on the same machine",
        },
        "targets": {
            "requests_per_second": TARGET_RPS,
            "p99_ms": TARGET_P99_MS,
            "ratio_to_trivial": TARGET_RATIO,
        },
        "endpoints": endpoints,
        "ratio_to_trivial": round(ratio, 3),
        "ratio_to_healthz": round(
            check["requests_per_second"] / endpoints["healthz"]["requests_per_second"], 3
        ),
        "ratios_to_targets": {
            "requests_per_second": round(check["requests_per_second"] / TARGET_RPS, 3),
            "p99": round(check["latency_ms"]["p99"] / TARGET_P99_MS, 3),
            "ratio_to_trivial": round(ratio / TARGET_RATIO, 3),
        },
        "service_layer": service,
        "checks": checks,
    }


# --- data ----------------------------------------------------------------------------------


def _seed(db: Database, options: Options, rng: random.Random) -> Dataset:
    progress(
        f"[{db.backend}] customs: seeding {options.permits:,} permits, their border events, "
        "a customs user and its API key (not timed)"
    )
    start, end = time.perf_counter(), seed.now()
    officer = seed.create_officer(db.session_factory)
    assert officer.user_id is not None
    customs_id, key = customs_api_key(db.session_factory)
    with db.engine.begin() as conn:
        traders = seed.insert_traders(conn, options.organisations, end - timedelta(days=4 * 365))
        permits = IssuedSeeder(conn, rng, traders, officer.user_id, PARTY, end)
        permits.run(options.permits)
        seed.sync_sequences(conn, seed.SEEDED_TABLES)
        events = insert_border_events(conn, rng, party=PARTY, customs_user_id=customs_id)
        numbers = list(
            conn.scalars(
                select(Permit.number).where(Permit.issuing_party == PARTY).order_by(Permit.id)
            )
        )
    seconds = time.perf_counter() - start
    progress(f"[{db.backend}] customs: seeded in {seconds:.1f}s")
    return Dataset(
        numbers=numbers,
        key=key,
        facts={
            "permits": len(numbers),
            "permit_statuses": dict(permits.statuses),
            "border_events": events,
            "organisations": len(traders),
            "seed_seconds": round(seconds, 1),
        },
    )


@dataclass(frozen=True)
class Expected:
    number: str
    state: str
    events: int
    replaced: bool


def _expected(db: Database, numbers: list[str]) -> list[Expected]:
    """What the check must answer for a sample of numbers, from the rows (not timed)."""
    today = utcnow().date()
    with read_only_session(db.session_factory) as session:
        permits = session.scalars(
            select(Permit).where(Permit.issuing_party == PARTY, Permit.number.in_(numbers))
        ).all()
        events = dict(
            session.execute(
                select(BorderEvent.number, func.count())
                .where(BorderEvent.issuing_party == PARTY, BorderEvent.number.in_(numbers))
                .group_by(BorderEvent.number)
            )
            .tuples()
            .all()
        )
        return [
            Expected(
                number=p.number,
                state=customs_service.customs_state(p.status, p.valid_from, p.valid_until, today),
                events=events.get(p.number, 0),
                replaced=p.status == "replaced",
            )
            for p in permits
        ]


# --- the service layer, in this process ------------------------------------------------------


def _time_service(db: Database, key: str, paths: Paths, calls: int) -> dict[str, Any]:
    """What one request costs without HTTP: the key's lookup, the check, the answer as JSON;
    each in its own read-only session, as the endpoint has it."""
    numbers = [line.rsplit("/", 1)[1] for line in paths.file.read_text().split()[:calls]]
    max_bytes = db.settings.max_xml_bytes
    timings = []
    gc.collect()
    cpu_start = time.process_time()
    for number in numbers:
        start = time.perf_counter()
        with read_only_session(db.session_factory) as session:
            api_keys.actor_from_api_key(session, key)
            answer = customs_service.check(
                session, PARTY, number, own_party=PARTY, max_bytes=max_bytes, now=utcnow()
            )
            answer.model_dump_json()
        timings.append(time.perf_counter() - start)
    cpu = time.process_time() - cpu_start
    latency = Latency.of_seconds(timings)
    return {
        "calls": len(numbers),
        "latency": latency.as_dict(),
        "cpu_ms_per_call": round(cpu * 1000 / len(numbers), 3),
        "calls_per_second_one_core": round(len(numbers) / sum(timings), 1),
    }


# --- over HTTP -------------------------------------------------------------------------------


def _verify(server: LocalParty, key: str, expected: list[Expected]) -> dict[str, Any]:
    """The answers are right before they are timed."""
    wrong: list[str] = []
    with httpx.Client(base_url=server.base_url, headers={"X-API-Key": key}, timeout=30) as client:
        for item in expected:
            answer = client.get(CHECK_PATH.format(country=PARTY, number=item.number))
            body = answer.json() if answer.status_code == 200 else {}
            if (
                body.get("state") != item.state
                or len(body.get("events", ())) != item.events
                or (body.get("replaced_by") is not None) != item.replaced
            ):
                wrong.append(f"{item.number}: {answer.status_code} {answer.text[:200]}")
        unknown = client.get(CHECK_PATH.format(country=PARTY, number="00CH999999")).json()
        no_key = httpx.get(f"{server.base_url}{CHECK_PATH.format(country=PARTY, number='x')}")
        bad_key = client.get(
            CHECK_PATH.format(country=PARTY, number="x"),
            headers={"X-API-Key": f"{key[:-4]}AAAA"},
        )
        trivial = client.get(TRIVIAL).status_code
        health = client.get(HEALTHZ).status_code
    checks: dict[str, Any] = {
        "sample": len(expected),
        "sample_wrong": wrong[:5],
        "unknown_state": unknown.get("state"),
        "no_key_status": no_key.status_code,
        "wrong_key_status": bad_key.status_code,
        "trivial_status": trivial,
        "healthz_status": health,
    }
    checks["ok"] = (
        not wrong
        and unknown.get("state") == "NOT_FOUND"
        and no_key.status_code == bad_key.status_code == 401
        and trivial == health == 200
    )
    if not checks["ok"]:
        progress(f"customs: wrong answers: {checks}")
    return checks


def _measure(
    backend: str,
    server: LocalParty,
    key: str,
    paths: Paths,
    tool: str,
    options: Options,
    work: Path,
) -> dict[str, dict[str, Any]]:
    """Each endpoint in turn, the same way: warm-up, then the measured window."""
    loads = {
        "check": customs_load.Load(
            server.base_url, {"X-API-Key": key}, options.connections, paths_file=paths.file
        ),
        "trivial": customs_load.Load(server.base_url, {}, options.connections, path=TRIVIAL),
        "healthz": customs_load.Load(server.base_url, {}, options.connections, path=HEALTHZ),
    }
    assert server.process is not None
    pid = server.process.pid
    results: dict[str, dict[str, Any]] = {}
    start = 0
    for name, load in loads.items():
        progress(
            f"[{backend}] customs: {name} ({load.path if load.paths_file is None else 'check'}), "
            f"{options.connections} connections, {options.warmup_seconds:g}s warm-up + "
            f"{options.seconds:g}s"
        )
        if options.warmup_seconds > 0:
            customs_load.generate(
                tool, load, seconds=options.warmup_seconds, start=start, work_dir=work
            )
        start += PATHS // 4  # the measured run starts on numbers the warm-up did not ask for
        gc.collect()
        load_average = os.getloadavg()[0]
        cpu_before, machine_before = _process_cpu_seconds(pid), _machine_busy_seconds()
        result = customs_load.generate(
            tool, load, seconds=options.seconds, start=start, work_dir=work
        )
        server_cpu = _process_cpu_seconds(pid) - cpu_before
        machine = _machine_busy_seconds() - machine_before
        requests, wall = max(1, result["requests"]), result["duration_s"]
        result.update(
            path=CHECK_PATH if load.paths_file is not None else load.path,
            server_cpu_ms_per_request=round(server_cpu * 1000 / requests, 3),
            # in cores: the server, the load process, and everything else on the machine
            # (PostgreSQL's own processes, other people's work) during the measured window
            server_cpu_share=round(server_cpu / wall, 3),
            load_cpu_share=round(result["load_cpu_seconds"] / wall, 3),
            # (clock ticks are 10 ms: on an idle machine the difference may dip below 0)
            other_cpu_share=round(
                max(0.0, machine - server_cpu - result["load_cpu_seconds"]) / wall, 3
            ),
            load_average_1min_before=round(load_average, 2),
        )
        progress(
            f"  {result['requests_per_second']:,.0f} req/s, p50 "
            f"{result['latency_ms']['p50']:.2f} ms, p99 {result['latency_ms']['p99']:.2f} ms, "
            f"server cpu {result['server_cpu_ms_per_request']:.3f} ms/request, "
            f"failed {result['failed']}; cores busy: server {result['server_cpu_share']:.2f}, "
            f"load {result['load_cpu_share']:.2f}, others {result['other_cpu_share']:.2f}"
        )
        results[name] = result
    return results


def _process_cpu_seconds(pid: int) -> float:
    """user + system CPU of another process (Linux /proc), in seconds; 0 when unknown."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy_seconds() -> float:
    """CPU seconds all processes of the machine spent busy so far (Linux /proc/stat)."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(x) for x in stat.readline().split()[1:]]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


# --- the table printed at the end ---------------------------------------------------------


def summary(results: list[dict[str, Any]]) -> str:
    """The customs benchmark's table ('' when it did not run)."""
    done = [r for r in results if r.get("benchmark") == "customs" and "error" not in r]
    if not done:
        return ""
    headers = (
        *("backend", "endpoint", "req/s", "x 2,000", "p50 ms", "p99 ms", "x 20 ms"),
        *("srv cpu ms", "others", "ratio", "x 0.3", "answers ok"),
    )
    rows: list[tuple[object, ...]] = []
    for r in done:
        for name, e in r["endpoints"].items():
            is_check = name == "check"
            rows.append(
                (
                    r["backend"],
                    f"check ({r['dataset']['permits']:,} permits)" if is_check else e["path"],
                    e["requests_per_second"],
                    round(e["requests_per_second"] / TARGET_RPS, 2) if is_check else "-",
                    e["latency_ms"]["p50"],
                    e["latency_ms"]["p99"],
                    round(e["latency_ms"]["p99"] / TARGET_P99_MS, 2) if is_check else "-",
                    e["server_cpu_ms_per_request"],
                    e["other_cpu_share"],
                    r["ratio_to_trivial"] if is_check else "-",
                    r["ratios_to_targets"]["ratio_to_trivial"] if is_check else "-",
                    r["checks"]["ok"] if is_check else e["failed"] == 0,
                )
            )
    first = done[0]
    load = first["load"]
    title = (
        "Customs validity check over HTTP, one `ecites serve` worker on loopback (targets: "
        "2,000 req/s, p99 < 20 ms, ratio to the trivial /epix/v1/status >= 0.3)\n"
        f"  load: {load['tool']}, {load['connections']} keep-alive connections, "
        f"{load['warmup_seconds']:g}s warm-up + {load['seconds']:g}s per endpoint; "
        f"{load['cpus']} CPUs shared by the server and the load process\n"
        "  srv cpu ms: the server process's CPU per request; others: cores busy with anything "
        "else meanwhile (PostgreSQL, other programs)\n"
    )
    service = "".join(
        f"\n  {r['backend']}: service layer alone (key + check + JSON, in-process): "
        f"{r['service_layer']['latency']['mean_ms']:.2f} ms mean, "
        f"{r['service_layer']['calls_per_second_one_core']:,.0f} calls/s on one core"
        for r in done
    )
    return title + table(headers, rows) + service
