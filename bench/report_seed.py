"""The annual report benchmark's data (not timed): one year of this Party's export permits
and re-export certificates with N permit lines in all, bulk-inserted with SQLAlchemy Core, and
the export endorsements customs recorded on them. What the report must then contain is
counted on the way (``Expected``), so the benchmark can check the files it times."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from app.applications.models import Application, ApplicationLine
from app.permits.models import BorderEvent, Permit, PermitNumberSequence
from bench.seed import Timeline, Trader, application_row, insert_rows, line_rows, next_id

CANCELLED_SHARE = 0.02  # never used: in neither basis
REPLACED_SHARE = 0.005  # the replacement is reported, the original not
UNUSED_SHARE = 0.10  # issued, never endorsed: issued basis only
PARTIAL_SHARE = 0.10  # a line endorsed with less than permitted
NOT_SHIPPED_SHARE = 0.03  # a line of an endorsed permit that did not leave
REEXPORT_SHARE = 0.15
ORIGINS = ("ZA", "BR", "ID", "US", "MG")
PORTS = ("Zurich Airport", "Basel-Mulhouse Airport", "Geneva Airport", "Chiasso road")
CHUNK_PERMITS = 5_000


@dataclass
class Expected:
    """What the exporter report of the year must hold, per basis: rows and the sum of the
    quantities (a checksum across units)."""

    lines: int = 0
    permits: int = 0
    events: int = 0
    rows: dict[str, int] = field(default_factory=lambda: {"actual": 0, "issued": 0})
    quantity: dict[str, Decimal] = field(
        default_factory=lambda: {"actual": Decimal(0), "issued": Decimal(0)}
    )


@dataclass
class YearSeeder:
    conn: Connection
    rng: random.Random
    traders: Sequence[Trader]
    officer_id: int
    party: str
    year: int
    expected: Expected = field(default_factory=Expected)
    serial: int = 0

    def __post_init__(self) -> None:
        self.next_application = next_id(self.conn, Application)
        self.next_line = next_id(self.conn, ApplicationLine)
        self.next_permit = next_id(self.conn, Permit)

    def run(self, lines: int, on_chunk: Any = None) -> Expected:
        """Permits issued over the year, in order, until they hold ``lines`` lines."""
        start = datetime(self.year, 1, 1, tzinfo=UTC)
        seconds = 365 * 86_400
        # about 1.4 lines per permit (bench/seed.py's 70/20/10): draw the moments ahead
        moments = sorted(
            start + timedelta(seconds=self.rng.uniform(0, seconds))
            for _ in range(int(lines / 1.4) + 1_000)
        )
        batch: dict[str, list[dict[str, Any]]] = _empty()
        for issued_at in moments:
            if self.expected.lines >= lines:
                break
            self._permit(batch, issued_at, lines - self.expected.lines)
            if len(batch["permit"]) >= CHUNK_PERMITS:
                self._flush(batch)
                batch = _empty()
                if on_chunk is not None:
                    on_chunk(self.expected.lines)
        self._flush(batch)
        insert_rows(
            self.conn,
            PermitNumberSequence,
            [{"party": self.party, "year": self.year, "last_serial": self.serial}],
        )
        return self.expected

    def _flush(self, batch: dict[str, list[dict[str, Any]]]) -> None:
        insert_rows(self.conn, Application, batch["application"])
        insert_rows(self.conn, ApplicationLine, batch["line"])
        insert_rows(self.conn, Permit, batch["permit"])
        insert_rows(self.conn, BorderEvent, batch["event"])

    def _permit(
        self, batch: dict[str, list[dict[str, Any]]], issued_at: datetime, room: int
    ) -> None:
        rng = self.rng
        application = application_row(
            rng,
            application_id=self.next_application,
            trader=rng.choice(self.traders),
            status="issued",
            times=Timeline(issued_at - timedelta(days=3), issued_at - timedelta(days=2), issued_at),
            decided_by_id=self.officer_id,
        )
        self.next_application += 1
        kind = "R" if rng.random() < REEXPORT_SHARE else "E"
        application.update(document_type=kind, other_subtype=None)
        lines = line_rows(rng, application["id"], self.next_line)[:room]
        self.next_line += len(lines)
        for item in lines:
            item["quantity"] = (
                Decimal(rng.randint(1, 50_000)) / 1000  # kilograms, with grams
                if item["unit_code"] != "NAR"
                else Decimal(item["quantity"])
            )
            if kind == "R":
                origin = rng.choice(ORIGINS)
                item.update(
                    origin_country=origin,
                    origin_permit_number=f"{origin}-{self.year - 1}-{rng.randint(1, 999_999):06d}",
                )
        batch["application"].append(application)
        batch["line"].extend(lines)
        self.expected.lines += len(lines)
        draw = rng.random()
        if draw < CANCELLED_SHARE:
            batch["permit"].append(self._row(application, issued_at, "cancelled"))
            return
        permit_at = issued_at
        if draw < CANCELLED_SHARE + REPLACED_SHARE:
            batch["permit"].append(self._row(application, issued_at, "replaced"))
            permit_at = issued_at + timedelta(hours=rng.uniform(1, 48))
            if permit_at.year != self.year:
                permit_at = issued_at
        used = rng.random() >= UNUSED_SHARE
        permit = self._row(application, permit_at, "exported" if used else "valid")
        batch["permit"].append(permit)
        self._count("issued", lines)
        if used:
            batch["event"].append(self._event(permit, lines))

    def _row(self, application: dict[str, Any], issued_at: datetime, status: str) -> dict[str, Any]:
        self.serial += 1
        self.expected.permits += 1
        issued_on = issued_at.date()
        permit = {
            "id": self.next_permit,
            "number": f"{self.year % 100:02d}{self.party}{self.serial:06d}",
            "issuing_party": self.party,
            "document_type": application["document_type"],
            "application_id": application["id"],
            "organisation_id": application["organisation_id"],
            "status": status,
            "issued_at": issued_at,
            "issued_by_id": self.officer_id,
            "valid_from": issued_on,
            "valid_until": issued_on + timedelta(days=182),
            "status_changed_at": None if status == "valid" else issued_at + timedelta(days=1),
            "status_reason": None,
            "replaces_permit_id": None,
            "replacement_reason": None,
        }
        self.next_permit += 1
        return permit

    def _event(self, permit: dict[str, Any], lines: list[dict[str, Any]]) -> dict[str, Any]:
        rng = self.rng
        on: date = permit["valid_from"] + timedelta(days=rng.randint(0, 30))
        crossed = []
        for item in lines:
            if len(lines) > 1 and rng.random() < NOT_SHIPPED_SHARE:
                continue
            quantity: Decimal = item["quantity"]
            if rng.random() < PARTIAL_SHARE:
                step = Decimal(1) if item["unit_code"] == "NAR" else Decimal("0.001")
                quantity = max(step, (quantity * Decimal("0.7")).quantize(step))
            crossed.append(
                {"line": item["letter"], "quantity": str(quantity), "unit": item["unit_code"]}
            )
            if on.year == self.year:
                self.expected.rows["actual"] += 1
                self.expected.quantity["actual"] += quantity
        self.expected.events += 1
        ref = f"DECL-{permit['number']}"
        return {
            "kind": "export",
            "issuing_party": self.party,
            "number": permit["number"],
            "reported_by": self.party,
            "declaration_ref": ref,
            "port": rng.choice(PORTS),
            "event_date": on,
            "customs_officer": "Benchmark customs",
            "import_permit_number": None,
            "lines": json.dumps(crossed),
            "request_sha256": hashlib.sha256(ref.encode()).hexdigest(),
            "answer": None,
            "recorded_at": datetime(on.year, on.month, on.day, 12, tzinfo=UTC),
            "recorded_by_id": None,
        }

    def _count(self, basis: str, lines: list[dict[str, Any]]) -> None:
        self.expected.rows[basis] += len(lines)
        self.expected.quantity[basis] += sum((item["quantity"] for item in lines), Decimal(0))


def _empty() -> dict[str, list[dict[str, Any]]]:
    return {"application": [], "line": [], "permit": [], "event": []}
