"""The customs benchmark's data, on top of bench/seed_permits.py's issued permits (not timed):
what customs recorded at the border on the permits that were used, the customs user and its
API key, and the paths the load process asks for."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session, sessionmaker

from app.applications.models import Application, ApplicationLine
from app.auth import api_keys
from app.auth import service as auth_service
from app.core.actor import Actor, Role
from app.core.clock import utcnow
from app.core.db import unit_of_work
from app.permits.models import BorderEvent, Permit
from bench.seed import insert_rows

CUSTOMS_USERNAME = "customs"
CUSTOMS_PASSWORD = "bench-customs-password"
PORTS = ("Zurich Airport", "Basel-Mulhouse Airport", "Geneva Airport", "Chiasso road")
CHECK_PATH = "/api/v1/customs/permits/{country}/{number}"
UNKNOWN_FIRST_SERIAL = 900_001  # above any serial the seeding gives out in one year


def customs_api_key(factory: sessionmaker[Session]) -> tuple[int, str]:
    """A customs user and an API key for it, through the use cases (hashed, audited), as an
    administrator would create them. Returns the user's id and the key."""
    actor = Actor.system("bench")
    with unit_of_work(factory) as session:
        user = auth_service.create_user(
            session,
            username=CUSTOMS_USERNAME,
            full_name="Border system (benchmark)",
            role=Role.CUSTOMS,
            password=CUSTOMS_PASSWORD,
            organisation_id=None,
            actor=actor,
        )
        _record, key = api_keys.create_api_key(
            session, user=user, name="border control system", actor=actor
        )
        return user.id, key


def insert_border_events(
    conn: Connection, rng: random.Random, *, party: str, customs_user_id: int
) -> int:
    """The record behind every ``used`` permit: an export endorsement by this Party's customs
    (exports, re-exports and other certificates), then the importing Party's clearance reported
    over EPIX (exports and re-exports); an import permit has this Party's import clearance.
    Quantities are the permitted ones. Returns how many events were written."""
    used = conn.execute(
        select(
            Permit.number,
            Permit.document_type,
            Permit.application_id,
            Permit.status_changed_at,
            Application.counterparty_country,
        )
        .join(Application, Application.id == Permit.application_id)
        .where(Permit.issuing_party == party, Permit.status == "used")
    ).all()
    applications = {row.application_id for row in used}
    lines: dict[int, list[dict[str, str]]] = defaultdict(list)
    line_rows = conn.execute(
        select(
            ApplicationLine.application_id,
            ApplicationLine.letter,
            ApplicationLine.quantity,
            ApplicationLine.unit_code,
        ).order_by(ApplicationLine.application_id, ApplicationLine.position)
    )
    for line in line_rows:
        if line.application_id in applications:
            lines[line.application_id].append(
                {"line": line.letter, "quantity": str(line.quantity), "unit": line.unit_code}
            )
    events: list[dict[str, Any]] = []
    for row in used:
        used_at: datetime = row.status_changed_at or utcnow()
        exported_at = used_at - timedelta(days=rng.uniform(1, 20))
        base = {"issuing_party": party, "number": row.number, "lines": lines[row.application_id]}
        if row.document_type == "I":
            events.append(_event(rng, base, "import", party, used_at, customs_user_id, len(events)))
            continue
        events.append(_event(rng, base, "export", party, exported_at, customs_user_id, len(events)))
        if row.document_type in ("E", "R"):
            reporter = row.counterparty_country
            events.append(_event(rng, base, "import", reporter, used_at, None, len(events)))
    for event in events:
        event["lines"] = json.dumps(event["lines"])
    insert_rows(conn, BorderEvent, events)
    return len(events)


def _event(
    rng: random.Random,
    base: dict[str, Any],
    kind: str,
    reporter: str,
    at: datetime,
    user_id: int | None,
    serial: int,
) -> dict[str, Any]:
    ours = user_id is not None
    return {
        **base,
        "kind": kind,
        "reported_by": reporter,
        "declaration_ref": f"{reporter}-{kind[:3].upper()}-{serial:08d}"
        if ours
        else f"epix:{rng.getrandbits(128):032x}",
        "port": rng.choice(PORTS) if ours else None,
        "event_date": at.date(),
        "customs_officer": "Customs officer on duty" if ours else None,
        "import_permit_number": None,
        "request_sha256": f"{rng.getrandbits(256):064x}",
        "answer": None,
        "recorded_at": at,
        "recorded_by_id": user_id,
    }


@dataclass(frozen=True)
class Paths:
    file: Path
    count: int
    unknown: int


def write_paths(
    path: Path,
    rng: random.Random,
    numbers: Sequence[str],
    *,
    party: str,
    count: int,
    unknown_share: float,
) -> Paths:
    """``count`` check paths in random order: seeded numbers drawn uniformly (with
    replacement), and a share of numbers this Party never issued (answered NOT_FOUND)."""
    year = utcnow().strftime("%y")
    unknown = 0
    lines = []
    for _ in range(count):
        if rng.random() < unknown_share:
            number = f"{year}{party}{UNKNOWN_FIRST_SERIAL + unknown:06d}"
            unknown += 1
        else:
            number = rng.choice(numbers)
        lines.append(CHECK_PATH.format(country=party, number=number))
    path.write_text("\n".join(lines) + "\n")
    return Paths(path, count, unknown)
