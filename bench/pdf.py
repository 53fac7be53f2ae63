"""Printed permits on one core: PDF generations per second. Target: 100 per second.

Preparation (not timed): applications with 1-3 lines are bulk-inserted and issued through
the use case (numbered, signed), and each permit's signed XML is read once from the database.
Timed, per generation, exactly what ``GET /api/v1/permits/{id}.pdf`` does after reading the
permit: read the signed XML, choose the font, lay out the A4 form, encode and draw the QR
code, and produce the PDF bytes (``app.printing.service.permit_pdf``). The process is pinned
to one CPU where the system allows. Checked afterwards (not timed): every PDF starts with
``%PDF-`` and the last one has one page per four lines."""

from __future__ import annotations

import gc
import io
import os
import random
import time
from collections import Counter
from datetime import date
from typing import Any

import pypdf
from sqlalchemy import select

from app.bootstrap import make_issuance
from app.core.db import unit_of_work
from app.permits.models import Permit
from app.printing import service as printing
from app.printing import texts
from app.printing.fonts import print_fonts
from app.xml.reader import read_permit_bytes
from bench import seed
from bench.databases import Database
from bench.issuance import approve_and_issue
from bench.report import progress, table
from bench.stats import Latency

TARGET_PER_SECOND = 100.0
PERMITS = 60  # distinct permits, printed in turn
BASE_URL = "https://permits.example.org"


def run(db: Database, *, count: int, rng: random.Random) -> dict[str, Any]:
    documents = _prepare(db, rng)
    fonts = print_fonts(db.settings.pdf_font_file)  # built once per process, as in the service
    today = date.today()
    affinity = _pin_to_one_cpu()
    progress(f"[{db.backend}] pdf: {count:,} generations over {len(documents)} permits")
    for xml, _ in documents[:5]:  # warm-up: first use of the code lists, fonts, QR tables
        printing.permit_pdf(xml, signed=True, copy=False, base_url=BASE_URL, today=today)
    gc.collect()
    seconds: list[float] = []
    by_lines: dict[int, list[float]] = {1: [], 2: [], 3: []}
    ok = True
    pdf = b""
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    for index in range(count):
        xml, lines = documents[index % len(documents)]
        start = time.perf_counter()
        pdf = printing.permit_pdf(xml, signed=True, copy=False, base_url=BASE_URL, today=today)
        elapsed = time.perf_counter() - start
        seconds.append(elapsed)
        by_lines.setdefault(lines, []).append(elapsed)
        ok = ok and pdf.startswith(b"%PDF-")
    wall = time.perf_counter() - wall_start
    cpu = time.process_time() - cpu_start
    embedded = {name: _embedded(documents, city, count // 4, today) for name, city in CITIES}
    if affinity is not None:
        os.sched_setaffinity(0, affinity)  # the other benchmarks get every CPU again
    per_second = count / wall
    return {
        "benchmark": "pdf",
        "backend": db.backend,
        "generations": count,
        "permits": len(documents),
        "pinned_to_one_cpu": affinity is not None,
        "wall_seconds": round(wall, 3),
        "pdfs_per_second": round(per_second, 1),
        "target_per_second": TARGET_PER_SECOND,
        "ratio_to_target": round(per_second / TARGET_PER_SECOND, 2),
        "process_cpu_ms_per_pdf": round(cpu * 1000 / count, 3),
        "latency": Latency.of_seconds(seconds).as_dict(),
        "latency_by_lines": {
            str(n): Latency.of_seconds(values).as_dict() for n, values in by_lines.items() if values
        },
        "fonts": _fonts_used(documents, fonts),
        "embedded_fonts": embedded,
        "pdf_bytes_last": len(pdf),
        "checks": {"ok": ok and _pages(pdf) == 1},
    }


# The same permits with a city name that Windows-1252 lacks, so that a font is embedded:
# a compact cut of DejaVu Sans (Polish, Greek, Russian), the whole font (Armenian).
CITIES = (
    ("latin cut (Łódź)", "Łódź"),
    ("greek cut (Αθήνα)", "Αθήνα"),
    ("cyrillic cut (Москва)", "Москва"),
    ("full font (Երևան)", "Երևան"),
)


def _embedded(
    documents: list[tuple[bytes, int]], city: str, count: int, today: date
) -> dict[str, Any]:
    """Generations per second when the permit's texts need an embedded font. The city goes
    into the signed XML's first StreetName (the signature no longer verifies; printing does
    not verify it)."""
    changed = [_with_street(xml, city) for xml, _ in documents]
    printing.permit_pdf(changed[0], signed=True, copy=False, base_url=BASE_URL, today=today)
    seconds = []
    for index in range(count):
        start = time.perf_counter()
        printing.permit_pdf(
            changed[index % len(changed)], signed=True, copy=False, base_url=BASE_URL, today=today
        )
        seconds.append(time.perf_counter() - start)
    latency = Latency.of_seconds(seconds).as_dict()
    return {
        "generations": count,
        "pdfs_per_second": round(count / sum(seconds), 1),
        "ratio_to_target": round(count / sum(seconds) / TARGET_PER_SECOND, 2),
        "latency": latency,
    }


def _with_street(xml: bytes, city: str) -> bytes:
    start = xml.index(b"StreetName>") + len(b"StreetName>")  # <ram:StreetName>
    end = xml.index(b"</", start)
    return xml[:start] + city.encode() + xml[end:]


def _prepare(db: Database, rng: random.Random) -> list[tuple[bytes, int]]:
    """Issued, signed permits with 1-3 lines: (signed XML, number of lines), read once."""
    progress(f"[{db.backend}] pdf: issuing {PERMITS} permits with 1-3 lines (not timed)")
    officer = seed.create_officer(db.session_factory)
    with db.engine.begin() as conn:
        traders = seed.insert_traders(conn, 10, seed.now())
        ids = seed.insert_submitted(conn, rng, traders, PERMITS, end=seed.now())
        seed.sync_sequences(conn, seed.SEEDED_TABLES)
    issuance = make_issuance(db.settings)
    for application_id in ids:
        with unit_of_work(db.session_factory) as session:
            approve_and_issue(session, application_id, officer, issuance)
    with unit_of_work(db.session_factory) as session:
        signed = [x for x in session.scalars(select(Permit.signed_xml)) if x is not None]
    documents = []
    for xml in signed:
        document = read_permit_bytes(xml).document
        lines = len(document.lines) if document else 0
        if 1 <= lines <= 3:
            documents.append((xml, lines))
    if not documents:
        raise RuntimeError("no issued permit with 1-3 lines to print")
    return documents


def _fonts_used(documents: list[tuple[bytes, int]], fonts: Any) -> dict[str, int]:
    """How many of the permits print in the standard font, the compact cut, the full font."""
    used: Counter[str] = Counter()
    for xml, _ in documents:
        document = read_permit_bytes(xml).document
        assert document is not None
        chosen = fonts.for_texts(texts.texts_of(document))
        used["standard" if chosen is None else chosen.name] += 1
    return dict(used)


def _pin_to_one_cpu() -> set[int] | None:
    """Pin this process to one CPU; the CPUs it had (None: not possible here)."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpus = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {max(cpus)})
    return cpus


def _pages(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def summary(results: list[dict[str, Any]]) -> str:
    printed = [r for r in results if r.get("benchmark") == "pdf" and "error" not in r]
    if not printed:
        return ""
    headers = ("backend", "PDFs", "PDFs/s", "x 100/s", "mean ms", "p50 ms", "p95 ms", "cpu ms")
    rows = [
        (
            r["backend"],
            r["generations"],
            r["pdfs_per_second"],
            r["ratio_to_target"],
            r["latency"]["mean_ms"],
            r["latency"]["p50_ms"],
            r["latency"]["p95_ms"],
            r["process_cpu_ms_per_pdf"],
        )
        for r in printed
    ]
    by_lines = [
        (r["backend"], f"{n} line(s)", lat["n"], lat["p50_ms"], lat["p95_ms"])
        for r in printed
        for n, lat in r["latency_by_lines"].items()
    ]
    embedded = [
        (
            r["backend"],
            name,
            e["generations"],
            e["pdfs_per_second"],
            e["ratio_to_target"],
            e["latency"]["p50_ms"],
            e["latency"]["p95_ms"],
        )
        for r in printed
        for name, e in r.get("embedded_fonts", {}).items()
    ]
    return (
        "Printed permits on one core (layout + QR + PDF bytes from the signed XML; "
        f"target 100/s; fonts: {printed[0]['fonts']}; ok: {printed[0]['checks']['ok']})\n"
        + table(headers, rows)
        + "\n"
        + table(("backend", "lines", "PDFs", "p50 ms", "p95 ms"), by_lines)
        + "\nthe same permits with a name that needs an embedded font (subset at each PDF):\n"
        + table(("backend", "font", "PDFs", "PDFs/s", "x 100/s", "p50 ms", "p95 ms"), embedded)
    )
