"""XML throughput on one core: write + XSD-validate, and read + XSD-validate, for a 3-line
permit. Targets: at least 5,000 written and 10,000 read per second.

Timed exactly as the service does it: writing is ``to_bytes`` (build, validate against the
XSD, serialise); reading is the safe ``parse_xml``, the XSD check of the parsed tree and the
lenient ``read_permit``. Each figure is the best of several rounds (the least disturbed by
other work on the machine). Checked, not timed: the output is XSD-valid and reads back
equal to the document written.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.xml.document import PermitDocument
from app.xml.parser import parse_xml
from app.xml.reader import read_permit, read_permit_bytes
from app.xml.schema import SchemaRegistry
from app.xml.writer import to_bytes
from bench.report import progress

SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "samples"
OURS = "ours-export-3-lines.xml"
FOREIGN = "foreign-fr-reexport.xml"
WRITE_TARGET = 5_000.0
READ_TARGET = 10_000.0
ROUNDS = 5


def _per_second(operation: Callable[[], object], count: int) -> float:
    """Best rate over ROUNDS rounds of ``count`` calls."""
    best = float("inf")
    for _ in range(ROUNDS):
        gc.collect()
        start = time.perf_counter()
        for _ in range(count):
            operation()
        best = min(best, time.perf_counter() - start)
    return count / best


def _document(name: str) -> PermitDocument:
    document = read_permit_bytes((SAMPLES / name).read_bytes()).document
    if document is None:
        raise RuntimeError(f"sample {name} did not read")
    return document


def run(*, count: int) -> dict[str, Any]:
    registry = SchemaRegistry.load()
    document = _document(OURS)
    data = to_bytes(document, registry)
    foreign = (SAMPLES / FOREIGN).read_bytes()

    def write() -> bytes:
        return to_bytes(document, registry)

    def read(payload: bytes) -> Callable[[], object]:
        def operation() -> object:
            parsed = parse_xml(payload)
            assert parsed.root is not None
            registry.validate(parsed.root)
            return read_permit(parsed.root)

        return operation

    progress(f"[xml] write + validate, {ROUNDS} rounds of {count:,}")
    write_rate = _per_second(write, count)
    progress(f"[xml] read + validate, {ROUNDS} rounds of {count:,}")
    read_rate = _per_second(read(data), count)
    foreign_rate = _per_second(read(foreign), count)
    round_trip = read_permit_bytes(data).document == document
    parsed = parse_xml(data)
    xsd_valid = parsed.root is not None and not registry.validate(parsed.root)
    return {
        "benchmark": "xml",
        "backend": "-",
        "document": {"sample": OURS, "lines": len(document.lines), "bytes": len(data)},
        "write_per_second": round(write_rate, 1),
        "read_per_second": round(read_rate, 1),
        "foreign_read_per_second": round(foreign_rate, 1),
        "write_ratio_to_target": round(write_rate / WRITE_TARGET, 2),
        "read_ratio_to_target": round(read_rate / READ_TARGET, 2),
        "checks": {
            "xsd_valid": xsd_valid,
            "round_trip": round_trip,
        },
    }
