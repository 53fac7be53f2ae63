"""Annual trade report generation (``annual``): a year of N permit lines (1,000,000 in the full
run) with the export endorsements on them; then ``ecites report annual`` writes the exporter
report to a file, on the actual basis and on the issued basis.

Each generation runs in a child process (the real command, ``python -m app.cli report annual
...``), timed from start to exit; its peak resident memory is the child's own ``ru_maxrss``
(``os.wait4``), so the seeding, done in this process, does not count. Targets: at most 10 s
and 300 MB per report. Checked (not timed): the header, the number of rows and the sum of the
quantities are what the seeding says the year holds."""

from __future__ import annotations

import csv
import os
import random
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.core.actor import Actor
from app.core.db import unit_of_work
from app.reports.rows import EXPORTER_COLUMNS
from app.species import importing
from bench import seed
from bench.databases import PARTY, Database
from bench.report import progress
from bench.report_seed import Expected, YearSeeder

TARGET_SECONDS = 10.0
TARGET_MB = 300.0
TRADERS = 50
BASES = ("actual", "issued")
SUMMARY = re.compile(r"([\d,]+) rows, ([\d,]+) problems in ([\d.]+) s")


def run(db: Database, *, lines: int, rng: random.Random) -> dict[str, Any]:
    year = datetime.now(UTC).year - 1  # a whole past year
    expected = _prepare(db, lines, rng, year)
    startup = _startup(db)
    reports = {basis: _generate(db, year, basis, expected) for basis in BASES}
    return {
        "benchmark": "annual",
        "backend": db.backend,
        "database": db.facts,
        "year": year,
        "dataset": {
            "permit_lines": expected.lines,
            "permits": expected.permits,
            "export_endorsements": expected.events,
        },
        "startup": startup,
        "target_seconds": TARGET_SECONDS,
        "target_peak_mb": TARGET_MB,
        "reports": reports,
        "checks": {"ok": all(r["checks"]["ok"] for r in reports.values())},
    }


def _prepare(db: Database, lines: int, rng: random.Random, year: int) -> Expected:
    progress(f"[{db.backend}] seeding {lines:,} permit lines of {year} (not timed)")
    officer = seed.create_officer(db.session_factory)
    started = time.perf_counter()
    with db.engine.begin() as conn:
        traders = seed.insert_traders(conn, TRADERS, seed.now())
        seeder = YearSeeder(conn, rng, traders, officer.user_id or 0, PARTY, year)
        marks = [lines * k // 5 for k in range(1, 5)]

        def report(done: int) -> None:
            while marks and done >= marks[0]:
                marks.pop(0)
                progress(f"  {done:,}/{lines:,} lines")

        expected = seeder.run(lines, on_chunk=report)
        seed.sync_sequences(conn, seed.SEEDED_TABLES)
    with unit_of_work(db.session_factory) as session:  # the shipped species data
        importing.import_reference(session, actor=Actor.system("bench"))
    if db.backend == "postgresql":
        seed.analyze(db.engine)  # as autovacuum would after such a load
    progress(
        f"[{db.backend}] seeded {expected.permits:,} permits, {expected.events:,} endorsements "
        f"in {time.perf_counter() - started:.0f} s"
    )
    return expected


def _child(command: list[str], db: Database, stderr: Any) -> tuple[float, int, Any]:
    """Run ``command`` with the database's settings: wall seconds, exit code, its rusage."""
    env = {
        **os.environ,
        "ECITES_DATABASE_URL": db.url,
        "ECITES_DATA_DIR": str(db.settings.data_dir),
        "ECITES_PARTY": PARTY,
    }
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return wall, child.returncode, usage


def _startup(db: Database) -> dict[str, Any]:
    """What the command costs before it reads a row: ``ecites report annual --help`` (the
    interpreter and the imports of every ``ecites`` command)."""
    command = [sys.executable, "-m", "app.cli", "report", "annual", "--help"]
    wall, code, usage = _child(command, db, subprocess.DEVNULL)
    return {
        "command": "python -m app.cli report annual --help",
        "wall_seconds": round(wall, 3),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "exit_code": code,
    }


def _generate(db: Database, year: int, basis: str, expected: Expected) -> dict[str, Any]:
    out = db.settings.data_dir / f"annual-{year}-exporter-{basis}.csv"
    log = db.settings.data_dir / f"annual-{basis}.log"
    command = [
        sys.executable,
        "-m",
        "app.cli",
        "report",
        "annual",
        "--year",
        str(year),
        "--view",
        "exporter",
        "--basis",
        basis,
        "--out",
        str(out),
    ]
    progress(f"[{db.backend}] ecites report annual --basis {basis} (timed, in a child process)")
    with log.open("w") as stderr:
        wall, code, usage = _child(command, db, stderr)
    messages = log.read_text("utf-8")
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    found = SUMMARY.search(messages)
    checks = _check(out, basis, expected, code, messages)
    progress(
        f"  {wall:.1f} s, peak {peak_mb:.0f} MB, {checks['rows']:,} rows"
        + ("" if checks["ok"] else f" WRONG: {checks}")
    )
    return {
        "basis": basis,
        "view": "exporter",
        "wall_seconds": round(wall, 3),
        "generation_seconds": float(found.group(3)) if found else None,
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_rss_mb": round(peak_mb, 1),
        "rows_per_second": round(checks["rows"] / wall, 1) if wall else None,
        "problems": int(found.group(2).replace(",", "")) if found else None,
        "file_mb": round(out.stat().st_size / 2**20, 1) if out.exists() else None,
        "ratio_seconds_to_target": round(wall / TARGET_SECONDS, 3),
        "ratio_memory_to_target": round(peak_mb / TARGET_MB, 3),
        "checks": checks,
        "stderr_tail": messages[-2_000:],
    }


def _check(
    out: Path, basis: str, expected: Expected, returncode: int, messages: str
) -> dict[str, Any]:
    if returncode != 0 or not out.exists():
        return {"ok": False, "rows": 0, "exit_code": returncode, "stderr": messages[-500:]}
    rows, total, header = 0, Decimal(0), None
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        for row in reader:
            rows += 1
            total += Decimal(row[3])
    ok = (
        header == list(EXPORTER_COLUMNS)
        and rows == expected.rows[basis]
        and total == expected.quantity[basis]
    )
    return {
        "ok": ok,
        "rows": rows,
        "rows_expected": expected.rows[basis],
        "quantity_sum": str(total),
        "quantity_sum_expected": str(expected.quantity[basis]),
        "header_exact": header == list(EXPORTER_COLUMNS),
    }
