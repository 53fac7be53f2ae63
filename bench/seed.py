"""Benchmark data, bulk-inserted with SQLAlchemy Core (executemany in chunks). Not timed.

Rows are written directly, bypassing the use cases (and so the audit trail): the figures are
about what happens on top of a large database, not about how it got there. Ids are explicit
so that lines and permits can point at their application without a round trip.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, func, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from app.applications.models import Application, ApplicationLine
from app.auth import service as auth_service
from app.auth.models import Organisation, User
from app.core.actor import Actor, Role
from app.core.db import unit_of_work

T = TypeVar("T")
CHUNK = 5_000
OFFICER_USERNAME = "officer"
OFFICER_PASSWORD = "bench-officer-password"
NUMBER_TEMPLATE = "{yy}{party}{serial:06d}"
SEEDED_TABLES = ("organisation", "user_account", "application", "application_line", "permit")

# (scientific name, common name, term, unit, appendix, source): a plausible Swiss trade mix.
SPECIES = (
    ("Python regius", "Ball python", "LIV", "NAR", "II", "C"),
    ("Testudo hermanni", "Hermann's tortoise", "LIV", "NAR", "II", "C"),
    ("Crocodylus niloticus", "Nile crocodile", "LPS", "NAR", "II", "R"),
    ("Alligator mississippiensis", "American alligator", "LPS", "NAR", "II", "W"),
    ("Phalaenopsis spp.", "Moth orchids", "LIV", "NAR", "II", "A"),
    ("Aquilaria malaccensis", "Agarwood", "CHP", "KGM", "II", "W"),
    ("Dalbergia nigra", "Brazilian rosewood", "CAR", "NAR", "I", "O"),
    ("Acipenser baerii", "Siberian sturgeon", "CAV", "KGM", "II", "C"),
    ("Psittacus erithacus", "Grey parrot", "LIV", "NAR", "I", "C"),
    ("Euphorbia obesa", "Baseball plant", "LIV", "NAR", "II", "A"),
)
COUNTERPARTIES = (
    ("Jardin des Plantes", "57 rue Cuvier, Paris", "FR"),
    ("Reptilienhaus Leipzig", "Pfaffendorfer Str. 29, Leipzig", "DE"),
    ("Tokyo Orchid Nursery", "1-2-3 Ueno, Tokyo", "JP"),
    ("Bayside Exotics", "14 Harbour Rd, Hong Kong", "HK"),
    ("Amazonia Imports", "Av. Paulista 1000, Sao Paulo", "BR"),
    ("Gulf Falcon Centre", "Corniche Rd, Abu Dhabi", "AE"),
    ("Caviar House", "Fifth Avenue 500, New York", "US"),
)
DOCUMENT_TYPES = ("E", "R", "I", "O")
DOCUMENT_WEIGHTS = (70, 15, 10, 5)
PURPOSES = ("T", "Z", "P", "S", "Q", "B")
PURPOSE_WEIGHTS = (70, 8, 10, 5, 4, 3)
OTHER_SUBTYPES = ("pre_convention", "captive_breeding", "artificial_propagation", "origin")
# Applications outside the queue without a permit: how many per queued one, and their states.
OTHER_PER_QUEUED = 1.6
OTHER_STATES = {
    "draft": 0.75,
    "returned": 0.15,
    "approved": 0.05,
    "refused": 0.4,
    "withdrawn": 0.25,
}


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# --- plumbing --------------------------------------------------------------------------------


def chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def insert_rows(conn: Connection, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    for batch in chunks(rows):
        conn.execute(insert(model), batch)


def next_id(conn: Connection, model: type[Any]) -> int:
    return int(conn.scalar(select(func.coalesce(func.max(model.id), 0))) or 0) + 1


def sync_sequences(conn: Connection, tables: Iterable[str]) -> None:
    """PostgreSQL's id sequences lag behind explicit ids: move them past the largest."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        )


def analyze(engine: Engine) -> None:
    """Refresh planner statistics after a bulk load (autovacuum would, later, on PostgreSQL)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


# --- people --------------------------------------------------------------------------------


def create_officer(factory: sessionmaker[Session]) -> Actor:
    """An officer created through the use case (password hashed, audited)."""
    with unit_of_work(factory) as session:
        user = auth_service.create_user(
            session,
            username=OFFICER_USERNAME,
            full_name="Benchmark Officer",
            role=Role.OFFICER,
            password=OFFICER_PASSWORD,
            organisation_id=None,
            actor=Actor.system("bench"),
        )
        return auth_service.actor_for(user)


@dataclass(frozen=True)
class Trader:
    organisation_id: int
    user_id: int
    name: str
    address: str


def insert_traders(conn: Connection, count: int, created_at: datetime) -> list[Trader]:
    """``count`` organisations with one trader user each."""
    first_org, first_user = next_id(conn, Organisation), next_id(conn, User)
    traders = [
        Trader(
            organisation_id=first_org + i,
            user_id=first_user + i,
            name=f"Trading House {first_org + i:05d}",
            address=f"Bahnhofstrasse {i + 1}, 8001 Zurich",
        )
        for i in range(count)
    ]
    insert_rows(
        conn,
        Organisation,
        [
            {
                "id": t.organisation_id,
                "name": t.name,
                "address": t.address,
                "country": "CH",
                "created_at": created_at,
            }
            for t in traders
        ],
    )
    insert_rows(
        conn,
        User,
        [
            {
                "id": t.user_id,
                "username": f"trader{t.user_id:05d}",
                "full_name": f"Trader {t.user_id}",
                "role": "trader",
                "password_hash": None,
                "organisation_id": t.organisation_id,
                "is_active": True,
                "created_at": created_at,
            }
            for t in traders
        ],
    )
    return traders


# --- applications ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeline:
    created_at: datetime
    submitted_at: datetime | None = None
    decided_at: datetime | None = None


def application_row(
    rng: random.Random,
    *,
    application_id: int,
    trader: Trader,
    status: str,
    times: Timeline,
    decided_by_id: int | None = None,
) -> dict[str, Any]:
    doc = rng.choices(DOCUMENT_TYPES, DOCUMENT_WEIGHTS)[0]
    name, address, country = rng.choice(COUNTERPARTIES)
    return {
        "id": application_id,
        "organisation_id": trader.organisation_id,
        "created_by_id": trader.user_id,
        "status": status,
        "document_type": doc,
        "other_subtype": rng.choice(OTHER_SUBTYPES) if doc == "O" else None,
        "applicant_name": trader.name,
        "applicant_address": trader.address,
        "applicant_country": "CH",
        "counterparty_name": name,
        "counterparty_address": address,
        "counterparty_country": country,
        "purpose_code": rng.choices(PURPOSES, PURPOSE_WEIGHTS)[0],
        "special_conditions": None,
        "officer_comment": "Please state the origin permit." if status == "returned" else None,
        "refusal_reason": "Non-detriment finding negative." if status == "refused" else None,
        "created_at": times.created_at,
        "updated_at": times.decided_at or times.submitted_at or times.created_at,
        "submitted_at": times.submitted_at,
        "decided_at": times.decided_at,
        "decided_by_id": decided_by_id if times.decided_at else None,
    }


def line_rows(rng: random.Random, application_id: int, first_id: int) -> list[dict[str, Any]]:
    """One to three species lines (A, B, C)."""
    count = rng.choices((1, 2, 3), (70, 20, 10))[0]
    rows = []
    for position, species in enumerate(rng.sample(SPECIES, count)):
        scientific, common, term, unit, appendix, source = species
        rows.append(
            {
                "id": first_id + position,
                "application_id": application_id,
                "position": position,
                "letter": "ABC"[position],
                "scientific_name": scientific,
                "common_name": common,
                "description": None,
                "term_code": term,
                "quantity": rng.randint(1, 50),
                "unit_code": unit,
                "appendix": appendix,
                "source_code": source,
                "origin_country": "CH",
                "origin_permit_number": None,
                "origin_permit_date": None,
                "reexport_country": None,
                "reexport_certificate_number": None,
                "reexport_certificate_date": None,
                "marks": None,
            }
        )
    return rows


def insert_applications(
    conn: Connection,
    rng: random.Random,
    traders: Sequence[Trader],
    plans: Sequence[tuple[str, Timeline]],
    *,
    decided_by_id: int | None = None,
) -> list[int]:
    """One application (with its lines) per ``(status, timeline)``, for random traders.
    Returns their ids, in the order of ``plans``."""
    first_app, first_line = next_id(conn, Application), next_id(conn, ApplicationLine)
    applications: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    for app_id, (status, times) in enumerate(plans, start=first_app):
        applications.append(
            application_row(
                rng,
                application_id=app_id,
                trader=rng.choice(traders),
                status=status,
                times=times,
                decided_by_id=decided_by_id,
            )
        )
        lines.extend(line_rows(rng, app_id, first_line + len(lines)))
    insert_rows(conn, Application, applications)
    insert_rows(conn, ApplicationLine, lines)
    return [row["id"] for row in applications]


def insert_submitted(
    conn: Connection,
    rng: random.Random,
    traders: Sequence[Trader],
    count: int,
    *,
    end: datetime,
    days: int = 30,
) -> list[int]:
    """``count`` applications in state ``submitted`` (the officer's queue), submitted over
    the ``days`` before ``end``. Returns their ids, oldest first."""
    moments = sorted(end - timedelta(seconds=rng.uniform(0, days * 86_400)) for _ in range(count))
    plans = [
        ("submitted", Timeline(moment - timedelta(hours=rng.uniform(1, 72)), moment))
        for moment in moments
    ]
    return insert_applications(conn, rng, traders, plans)


def insert_other_states(
    conn: Connection,
    rng: random.Random,
    traders: Sequence[Trader],
    count: int,
    *,
    officer_id: int,
    end: datetime,
) -> Counter[str]:
    """Applications that are not in the queue and have no permit: drafts, returned, approved
    (awaiting issue), refused and withdrawn."""
    states = rng.choices(list(OTHER_STATES), list(OTHER_STATES.values()), k=count)
    plans = [(status, _other_timeline(rng, status, end)) for status in states]
    insert_applications(conn, rng, traders, plans, decided_by_id=officer_id)
    return Counter(states)


def _other_timeline(rng: random.Random, status: str, end: datetime) -> Timeline:
    """Open applications are recent; refused and withdrawn ones go back a year."""
    age_days = rng.uniform(0.1, 365 if status in {"refused", "withdrawn"} else 60)
    created = end - timedelta(days=age_days)
    if status == "draft":
        return Timeline(created)
    submitted = min(end, created + timedelta(hours=rng.uniform(1, 48)))
    if status not in {"approved", "refused"}:
        return Timeline(created, submitted)
    return Timeline(created, submitted, min(end, submitted + timedelta(days=rng.uniform(1, 10))))
