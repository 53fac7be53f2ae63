"""Issued permits with their applications and lines, spread over the past years: the bulk
of a production database. Bulk-inserted like the rest of bench/seed.py; not timed."""

from __future__ import annotations

import bisect
import itertools
import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from app.applications.models import Application, ApplicationLine
from app.permits import service as permits_service
from app.permits.models import Permit, PermitNumberSequence
from bench.seed import (
    NUMBER_TEMPLATE,
    Timeline,
    Trader,
    application_row,
    chunks,
    insert_rows,
    line_rows,
    next_id,
)

REPLACED_SHARE = 0.005  # valid permits later replaced (lost, damaged): Box 5
CANCELLED_SHARE = 0.02


def permit_status(rng: random.Random, issued: date, valid_until: date, today: date) -> str:
    """Cancelled now and then; most permits are used at the border before they expire."""
    if rng.random() < CANCELLED_SHARE:
        return "cancelled"
    if valid_until < today:
        return "used" if rng.random() < 0.75 else "expired"
    return "used" if rng.random() < min(0.8, (today - issued).days / 120) else "valid"


def weighted_picker(rng: random.Random, traders: Sequence[Trader]) -> Iterator[Trader]:
    """Traders drawn with a Zipf-like skew: a few large exporters, a long tail of small ones."""
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(traders))))
    while True:
        yield traders[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


@dataclass
class IssuedSeeder:
    """Writes issued applications and their permits in chunks, carrying ids and the serial per
    year across chunks; counts what it wrote for the report."""

    conn: Connection
    rng: random.Random
    traders: Sequence[Trader]
    officer_id: int
    party: str
    end: datetime
    serials: dict[int, int] = field(default_factory=dict)
    statuses: Counter[str] = field(default_factory=Counter)
    per_organisation: Counter[int] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.next_application = next_id(self.conn, Application)
        self.next_line = next_id(self.conn, ApplicationLine)
        self.next_permit = next_id(self.conn, Permit)
        self.pick = weighted_picker(self.rng, self.traders)

    def run(
        self, count: int, *, years: int = 3, on_chunk: Callable[[int], None] | None = None
    ) -> None:
        """``count`` permits issued over the ``years`` before ``end``."""
        span = years * 365 * 86_400
        rng = self.rng
        moments = sorted(
            self.end - timedelta(seconds=rng.uniform(3_600, span)) for _ in range(count)
        )
        for batch in chunks(moments):
            self._chunk(batch)
            if on_chunk is not None:
                on_chunk(self.next_permit - 1)
        insert_rows(
            self.conn,
            PermitNumberSequence,
            [
                {"party": self.party, "year": year, "last_serial": serial}
                for year, serial in sorted(self.serials.items())
            ],
        )

    def _chunk(self, moments: Sequence[datetime]) -> None:
        applications: list[dict[str, Any]] = []
        lines: list[dict[str, Any]] = []
        permits: list[dict[str, Any]] = []
        to_replace: dict[str, Any] | None = None
        for issued_at in moments:
            if to_replace is not None:
                permits.append(self._replacement(to_replace, issued_at))
                to_replace = None
                continue
            application = self._application(issued_at)
            applications.append(application)
            lines.extend(line_rows(self.rng, application["id"], self.next_line))
            self.next_line = lines[-1]["id"] + 1
            permit = self._permit(application, issued_at)
            permits.append(permit)
            if permit["status"] == "valid" and self.rng.random() < REPLACED_SHARE:
                to_replace = permit
        insert_rows(self.conn, Application, applications)
        insert_rows(self.conn, ApplicationLine, lines)
        insert_rows(self.conn, Permit, permits)

    def _application(self, issued_at: datetime) -> dict[str, Any]:
        rng = self.rng
        created = issued_at - timedelta(days=rng.uniform(2, 30))
        times = Timeline(
            created,
            created + timedelta(days=rng.uniform(0, 1.5)),
            issued_at - timedelta(minutes=rng.uniform(1, 120)),
        )
        row = application_row(
            rng,
            application_id=self.next_application,
            trader=next(self.pick),
            status="issued",
            times=times,
            decided_by_id=self.officer_id,
        )
        self.next_application += 1
        return row

    def _number(self, issued_at: datetime) -> str:
        serial = self.serials.get(issued_at.year, 0) + 1
        self.serials[issued_at.year] = serial
        return permits_service.format_number(
            NUMBER_TEMPLATE, party=self.party, year=issued_at.year, serial=serial
        )

    def _permit(self, application: dict[str, Any], issued_at: datetime) -> dict[str, Any]:
        issued_on = issued_at.date()
        valid_until = permits_service.validity_until(
            application["document_type"], application["other_subtype"], issued_on, None
        )
        status = permit_status(self.rng, issued_on, valid_until, self.end.date())
        changed = None
        if status != "valid":
            latest = min(self.end, datetime.combine(valid_until, datetime.min.time(), UTC))
            changed = issued_at + (latest - issued_at) * self.rng.uniform(0.05, 1)
        return self._count(
            {
                "id": self.next_permit,
                "number": self._number(issued_at),
                "issuing_party": self.party,
                "document_type": application["document_type"],
                "application_id": application["id"],
                "organisation_id": application["organisation_id"],
                "status": status,
                "issued_at": issued_at,
                "issued_by_id": self.officer_id,
                "valid_from": issued_on,
                "valid_until": valid_until,
                "status_changed_at": changed,
                "status_reason": "Issued in error" if status == "cancelled" else None,
                "replaces_permit_id": None,
                "replacement_reason": None,
            }
        )

    def _replacement(self, original: dict[str, Any], issued_at: datetime) -> dict[str, Any]:
        """Same application, a new number; the original becomes ``replaced``."""
        self.statuses[original["status"]] -= 1
        self.statuses["replaced"] += 1
        original.update(status="replaced", status_changed_at=issued_at, status_reason="Lost")
        return self._count(
            {
                **original,
                "id": self.next_permit,
                "number": self._number(issued_at),
                "status": "valid",
                "issued_at": issued_at,
                "valid_from": issued_at.date(),
                "status_changed_at": None,
                "status_reason": None,
                "replaces_permit_id": original["id"],
                "replacement_reason": "Lost",
            }
        )

    def _count(self, permit: dict[str, Any]) -> dict[str, Any]:
        self.next_permit += 1
        self.statuses[permit["status"]] += 1
        self.per_organisation[permit["organisation_id"]] += 1
        return permit
