"""``python -m bench``: run the benchmarks, print a table, write bench/results/latest.json."""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import (
    customs_check,
    customs_load,
    exchange,
    exchange_drain,
    issuance,
    listing,
    pages,
    pdf,
    report_annual,
    signing_io,
    species_bench,
    xml_io,
)
from bench.databases import BACKENDS, SQLITE_SYNCHRONOUS, Database, Databases
from bench.report import progress, write_json
from bench.summary import summary

BENCHMARKS: tuple[str, ...] = ("issuance", "listing", "xml", "signing", "receive", "drain")
BENCHMARKS += ("customs", "annual", "checks", "autocomplete", "pdf", "pages")
DATABASE_BENCHMARKS: tuple[str, ...] = ("issuance", "listing", "receive", "drain", "customs")
DATABASE_BENCHMARKS += ("annual", "checks", "autocomplete", "pdf", "pages")
EXCHANGE_BENCHMARKS = ("receive", "drain")
RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


@dataclass(frozen=True)
class Profile:
    issuances: int
    permits: int
    queue: int
    organisations: int
    requests: int
    documents: int
    messages: int
    annual_lines: int
    taxa: int
    suspensions: int
    quotas: int


FULL = Profile(
    issuances=2_000,
    permits=100_000,
    queue=2_000,
    organisations=300,
    requests=200,
    documents=2_000,
    messages=2_000,
    annual_lines=1_000_000,
    taxa=50_000,
    suspensions=1_000,
    quotas=5_000,
)
QUICK = Profile(
    issuances=200,
    permits=5_000,
    queue=200,
    organisations=50,
    requests=30,
    documents=200,
    messages=300,
    annual_lines=20_000,
    taxa=5_000,
    suspensions=100,
    quotas=500,
)


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="eCITES benchmarks: issuance throughput and officer listing latency, on "
        "SQLite and PostgreSQL. Reports figures and ratios to the targets; never fails on "
        "timings (it fails only if a result is wrong, e.g. a gap in permit numbers).",
        epilog="Example: python -m bench issuance --backend sqlite. See bench/README.md.",
    )
    p.add_argument(
        "benchmark",
        nargs="?",
        choices=("all", *BENCHMARKS),
        default="all",
        help="which benchmark to run (default: all)",
    )
    p.add_argument(
        "--backend",
        choices=("all", *BACKENDS),
        default="all",
        help="database backend (default: all)",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help=f"a small smoke run: {QUICK.issuances} issuances, {QUICK.permits:,} permits, "
        f"{QUICK.requests} requests per query kind",
    )
    sizes = p.add_argument_group("sizes (override the profile; the full run's in brackets)")
    for flag, value, text in (
        ("--issuances", FULL.issuances, "permits to issue"),
        ("--permits", FULL.permits, "permits in the listing database"),
        ("--queue", FULL.queue, "applications in the review queue"),
        ("--organisations", FULL.organisations, "trading organisations"),
        ("--requests", FULL.requests, "timed requests per query kind; renderings per page (pages)"),
        ("--documents", FULL.documents, "XML documents per timed round; PDFs printed (pdf)"),
        ("--messages", FULL.messages, "EPIX messages received / drained"),
        ("--annual-lines", FULL.annual_lines, "permit lines in the annual report's year"),
        ("--taxa", FULL.taxa, "taxon names in the reference data (checks, autocomplete)"),
        ("--suspensions", FULL.suspensions, "trade suspensions in the reference data"),
        ("--quotas", FULL.quotas, "export quotas in the reference data"),
    ):
        sizes.add_argument(flag, type=positive, metavar="N", help=f"{text} [{value:,}]")
    env = p.add_argument_group("environment")
    env.add_argument("--seed", type=int, default=2026, help="random seed for the data [2026]")
    env.add_argument(
        "--work-dir",
        type=Path,
        help="where the SQLite databases go (default: the system temp dir); "
        "fsync cost depends on the disk",
    )
    env.add_argument(
        "--sqlite-synchronous",
        choices=SQLITE_SYNCHRONOUS,
        help="what-if: override the service's PRAGMA synchronous=FULL on the benchmark's "
        "SQLite engine (the service itself is unchanged)",
    )
    env.add_argument(
        "--pg-fsync",
        choices=("on", "off"),
        default="on",
        help="PostgreSQL durability: 'on' as in production (default), 'off' as in the tests",
    )
    env.add_argument(
        "--sqlite-analyze",
        action="store_true",
        help="what-if: run ANALYZE on SQLite after seeding (the service never does, so by "
        "default it is not run; PostgreSQL is always analyzed, as autovacuum would)",
    )
    env.add_argument(
        "--output", type=Path, default=RESULTS, help=f"results file (default: {RESULTS})"
    )
    epix = p.add_argument_group("EPIX exchange (receive, drain)")
    epix.add_argument(
        "--relay-batch",
        type=positive,
        default=50,
        metavar="N",
        help="drain: messages the relay claims per round (settings.relay_batch) [50]",
    )
    epix.add_argument(
        "--relay-concurrency",
        type=positive,
        default=4,
        metavar="N",
        help="drain: messages the relay sends at once (settings.relay_concurrency) [4]",
    )
    epix.add_argument(
        "--no-receive-http",
        action="store_true",
        help="receive: skip the second figure, over HTTP to a LocalParty server",
    )
    epix.add_argument(
        "--receive-senders",
        type=positive,
        default=4,
        metavar="N",
        help="receive: concurrent senders of the second HTTP figure [4]",
    )
    customs = p.add_argument_group("customs validity check over HTTP (customs)")
    customs.add_argument(
        "--connections",
        type=positive,
        default=8,
        metavar="N",
        help="keep-alive connections of the load process [8]",
    )
    customs.add_argument(
        "--seconds",
        type=positive,
        metavar="N",
        help="measured seconds per endpoint, after a warm-up [15; 5 with --quick]",
    )
    customs.add_argument(
        "--load-tool",
        choices=customs_load.TOOLS,
        default="auto",
        help="load generator: wrk (apt-get install wrk), python (bench/customs_load.py), "
        "or auto: wrk when installed [auto]",
    )
    return p


def profile(args: argparse.Namespace) -> Profile:
    base = QUICK if args.quick else FULL
    return Profile(
        issuances=args.issuances or base.issuances,
        permits=args.permits or base.permits,
        queue=args.queue or base.queue,
        organisations=args.organisations or base.organisations,
        requests=args.requests or base.requests,
        documents=args.documents or base.documents,
        messages=args.messages or base.messages,
        annual_lines=args.annual_lines or base.annual_lines,
        taxa=args.taxa or base.taxa,
        suspensions=args.suspensions or base.suspensions,
        quotas=args.quotas or base.quotas,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    sizes = profile(args)
    benchmarks = BENCHMARKS if args.benchmark == "all" else (args.benchmark,)
    backends = BACKENDS if args.backend == "all" else (args.backend,)
    machine = _machine()  # before the run loads it
    results: list[dict[str, Any]] = []
    with Databases(
        work_dir=args.work_dir,
        sqlite_synchronous=args.sqlite_synchronous,
        pg_fsync=args.pg_fsync == "on",
    ) as databases:
        for name in benchmarks:
            if name == "xml":
                results.append(xml_io.run(count=sizes.documents))
                continue
            if name == "signing":
                results.append(signing_io.run(count=max(1, sizes.documents // 4)))
                continue
            for backend in backends:
                results.append(_run_safely(databases, name, backend, sizes, args))
    payload = {"meta": {**_meta(args, argv, sizes), **machine}, "results": results}
    write_json(args.output, payload)
    parts = (
        summary(results),
        exchange.summary(results),
        customs_check.summary(results),
        species_bench.summary(results),
        pdf.summary(results),
        pages.summary(results),
    )
    print("\n\n".join(part for part in parts if part))
    progress(f"results written to {args.output}")
    return 0 if all(_correct(r) for r in results) else 1


def _run_safely(
    databases: Databases, name: str, backend: str, sizes: Profile, args: argparse.Namespace
) -> dict[str, Any]:
    """One benchmark on one backend; a failure is recorded and the others still run."""
    rng = random.Random(f"{args.seed}-{name}")  # the same data on every backend
    try:
        with databases.open(backend, name) as db:
            if name in EXCHANGE_BENCHMARKS:
                return _run_exchange(name, db, databases, sizes, args)
            return _run_one(name, db, sizes, rng, args)
    except Exception as exc:
        progress(f"[{backend}] {name} FAILED: {type(exc).__name__}: {exc}")
        return {"benchmark": name, "backend": backend, "error": f"{type(exc).__name__}: {exc}"}


def _run_one(
    name: str, db: Database, sizes: Profile, rng: random.Random, args: argparse.Namespace
) -> dict[str, Any]:
    if name == "issuance":
        return issuance.run(db, count=sizes.issuances, rng=rng)
    if name == "annual":
        return report_annual.run(db, lines=sizes.annual_lines, rng=rng)
    if name == "pdf":  # --documents generations, over permits issued for it
        return pdf.run(db, count=sizes.documents, rng=rng)
    if name == "pages":  # --requests renderings of each page
        return pages.run(db, requests=sizes.requests, rng=rng)
    if name in species_bench.BENCHMARKS:  # checks, autocomplete: 5 x --requests each
        species = species_bench.Sizes(
            sizes.taxa, sizes.suspensions, sizes.quotas, sizes.requests * 5
        )
        run = species_bench.run_checks if name == "checks" else species_bench.run_autocomplete
        return run(db, sizes=species, rng=rng)
    if name == "customs":
        options = customs_check.Options(
            permits=sizes.permits,
            organisations=sizes.organisations,
            connections=args.connections,
            seconds=args.seconds or (5 if args.quick else 15),
            warmup_seconds=1 if args.quick else 3,
            tool=args.load_tool,
            service_calls=500 if args.quick else 2_000,
        )
        return customs_check.run(db, options=options, rng=rng)
    return listing.run(
        db,
        sizes=listing.Sizes(
            permits=sizes.permits, queue=sizes.queue, organisations=sizes.organisations
        ),
        requests=sizes.requests,
        rng=rng,
        sqlite_analyze=args.sqlite_analyze,
    )


def _run_exchange(
    name: str, db: Database, databases: Databases, sizes: Profile, args: argparse.Namespace
) -> dict[str, Any]:
    """receive / drain: a LocalParty server gets another fresh database on the same backend."""

    def open_database(label: str) -> AbstractContextManager[Database]:
        return databases.open(db.backend, label)

    if name == "receive":
        return exchange.run(
            db,
            count=sizes.messages,
            open_database=open_database,
            http=not args.no_receive_http,
            senders=args.receive_senders,
        )
    return exchange_drain.run(
        db,
        count=sizes.messages,
        batch=args.relay_batch,
        concurrency=args.relay_concurrency,
        open_database=open_database,
    )


def _correct(result: dict[str, Any]) -> bool:
    """Only correctness can fail a run: numbers and the audit chain, never a timing."""
    if "error" in result:
        return False
    checks = result.get("checks")
    if checks is None:
        return True
    if result["benchmark"] == "xml":
        return bool(checks["xsd_valid"] and checks["round_trip"])
    if result["benchmark"] == "signing":
        return bool(checks["verified"])
    if result["benchmark"] in (
        *EXCHANGE_BENCHMARKS,
        "customs",
        "annual",
        "pdf",
        "pages",
        *species_bench.BENCHMARKS,
    ):
        return bool(checks["ok"])
    return bool(
        checks["numbers_contiguous"]
        and checks["duplicate_numbers"] == 0
        and checks["audit_chain_ok"]
        and checks["audit_events_checked"] == checks["audit_events_expected"]
    )


def _meta(args: argparse.Namespace, argv: Sequence[str] | None, sizes: Profile) -> dict[str, Any]:
    arguments = list(sys.argv[1:] if argv is None else argv)
    return {
        "finished_at": datetime.now(UTC).isoformat(),
        "command": " ".join(["python", "-m", "bench", *arguments]),
        "profile": "quick" if args.quick else "full",
        "sizes": sizes.__dict__,
        "seed": args.seed,
        "sqlite_synchronous_override": args.sqlite_synchronous,
        "pg_fsync": args.pg_fsync,
        "sqlite_analyze": args.sqlite_analyze,
    }


def _machine() -> dict[str, Any]:
    """Where and when: timings only compare on the same, otherwise idle, machine."""
    return {
        "started_at": datetime.now(UTC).isoformat(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite_library": sqlite3.sqlite_version,
        "git_head": _git_head(),
    }


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _git_head() -> str | None:
    """The checked-out commit, read from .git without running git."""
    git = Path(__file__).resolve().parent.parent / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if head.startswith("ref: "):
            return (git / head[5:]).read_text().strip()
        return head
    except OSError:
        return None
