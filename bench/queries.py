"""The listing benchmark's requests: what an officer asks for, with varied pages and filters.

Each query is sent over HTTP and, separately, straight to the service layer (the use case's
SQL and ORM loading, in its own transaction, without HTTP, auth or JSON) so that the report
shows where the time goes.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from app.applications import service as applications_service
from app.applications.schemas import ApplicationFilter
from app.core.actor import Actor
from app.core.db import unit_of_work
from app.permits import service as permits_service
from app.permits.schemas import PermitFilter
from bench import seed
from bench.seed_permits import weighted_picker

PAGE = 50
APPLICATIONS = "/api/v1/applications"
PERMITS = "/api/v1/permits"
KINDS = {
    "queue": "applications?status=submitted&sort=submitted_at: the review queue, any page",
    "queue_filtered": "the queue narrowed by document_type or submitted in the last 7 days",
    "permits_valid": "permits?status=valid: newest first, first 20 pages",
    "permits_by_org": "permits?organisation_id=X: skewed towards large traders, pages 1-3",
    "applications_by_org": "applications?organisation_id=X: newest first, first page",
}

Params = Mapping[str, str | int]


@dataclass(frozen=True)
class Query:
    kind: str
    path: str
    params: Params


@dataclass(frozen=True)
class Population:
    """What the queries can ask for: the seeded data's shape."""

    traders: Sequence[seed.Trader]
    queued: int
    valid_permits: int
    end: datetime


def generate(rng: random.Random, population: Population, per_kind: int) -> list[Query]:
    """``per_kind`` requests of each kind, shuffled together."""
    valid_pages = min(20, max(1, population.valid_permits // PAGE))
    organisations = weighted_picker(rng, population.traders)
    week_ago = (population.end - timedelta(days=7)).isoformat()
    queries = []
    for _ in range(per_kind):
        queries += [
            Query("queue", APPLICATIONS, _queue(offset=_page(rng, population.queued))),
            Query("queue_filtered", APPLICATIONS, _queue_filtered(rng, week_ago)),
            Query(
                "permits_valid",
                PERMITS,
                {"status": "valid", "limit": PAGE, "offset": PAGE * rng.randrange(valid_pages)},
            ),
            Query(
                "permits_by_org",
                PERMITS,
                {
                    "organisation_id": _organisation(organisations),
                    "limit": PAGE,
                    "offset": PAGE * rng.choice((0, 0, 0, 1, 2)),
                },
            ),
            Query(
                "applications_by_org",
                APPLICATIONS,
                {"organisation_id": _organisation(organisations), "limit": PAGE},
            ),
        ]
    rng.shuffle(queries)
    return queries


def _queue(**extra: str | int) -> dict[str, str | int]:
    return {"status": "submitted", "sort": "submitted_at", "limit": PAGE, **extra}


def _queue_filtered(rng: random.Random, week_ago: str) -> dict[str, str | int]:
    if rng.random() < 0.5:
        return _queue(document_type=rng.choice(seed.DOCUMENT_TYPES), offset=0)
    return _queue(submitted_from=week_ago, offset=PAGE * rng.randrange(3))


def _page(rng: random.Random, rows: int) -> int:
    return PAGE * rng.randrange(max(1, -(-rows // PAGE)))


def _organisation(picker: Iterator[seed.Trader]) -> int:
    return next(picker).organisation_id


# --- the same query, straight to the service layer -------------------------------------------


def time_service(factory: sessionmaker[Session], officer: Actor, query: Query) -> float:
    """Seconds for the use case behind ``query`` (one transaction, as a request has)."""
    start = time.perf_counter()
    with unit_of_work(factory) as session:
        if query.path == PERMITS:
            _list_permits(session, officer, query.params)
        else:
            _list_applications(session, officer, query.params)
    return time.perf_counter() - start


def _list_applications(session: Session, officer: Actor, params: Params) -> None:
    submitted_from = params.get("submitted_from")
    flt = ApplicationFilter(
        organisation_id=_int_or_none(params.get("organisation_id")),
        statuses=(str(params["status"]),) if "status" in params else (),
        document_type=str(params["document_type"]) if "document_type" in params else None,
        submitted_from=datetime.fromisoformat(str(submitted_from)) if submitted_from else None,
        sort=str(params.get("sort", "-created_at")),
    )
    applications_service.list_applications(
        session, actor=officer, flt=flt, limit=int(params["limit"]), offset=_offset(params)
    )


def _list_permits(session: Session, officer: Actor, params: Params) -> None:
    flt = PermitFilter(
        organisation_id=_int_or_none(params.get("organisation_id")),
        statuses=(str(params["status"]),) if "status" in params else (),
    )
    permits, _total = permits_service.list_permits(
        session, actor=officer, flt=flt, limit=int(params["limit"]), offset=_offset(params)
    )
    permits_service.replaced_numbers(session, permits)


def _int_or_none(value: str | int | None) -> int | None:
    return None if value is None else int(value)


def _offset(params: Params) -> int:
    return int(params.get("offset", 0))
