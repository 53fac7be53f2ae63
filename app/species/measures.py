"""National stricter measures (Art. XIV(1)(a)): this Party's own restrictions beyond the
Convention, added and withdrawn by an administrator (audited), and applied by the compliance
checks as the blocking result ``national_measure``.

A measure names a taxon (it reaches everything under it), a direction (``export``: this
Party's exports and re-exports; ``import``: its imports; ``both``), optionally the purposes and
sources it is limited to, a first day and an optional last day, and the reason told to the
trader. The taxon is resolved to its accepted name when the measure is added and kept by that
name, so the measure outlives later imports of the reference data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache

from sqlalchemy import ColumnElement, Integer, Select, String, func, or_, select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.core.actor import Actor
from app.core.clock import utcnow
from app.core.db import member_of
from app.core.errors import Conflict, InvalidInput, NotFound
from app.species import service as species
from app.species.models import NationalMeasure, Taxon

DIRECTIONS = ("export", "import", "both")


def _codes(codes: Sequence[str]) -> str | None:
    return ",".join(sorted(set(codes))) or None


def add_measure(
    session: Session,
    *,
    party: str,
    taxon: str,
    direction: str,
    purpose_codes: Sequence[str] = (),
    source_codes: Sequence[str] = (),
    start_date: date,
    end_date: date | None = None,
    reason: str,
    actor: Actor,
) -> NationalMeasure:
    """Add a measure of ``party`` (this Party) on ``taxon`` (accepted name or synonym in the
    current reference data). Audited as ``measure.add``."""
    if direction not in DIRECTIONS:
        raise InvalidInput(
            f"direction must be one of {', '.join(DIRECTIONS)}",
            code="invalid_direction",
            details={"direction": direction},
        )
    if end_date is not None and end_date < start_date:
        raise InvalidInput(
            "end_date is before start_date",
            code="invalid_dates",
            details={"start_date": start_date.isoformat(), "end_date": end_date.isoformat()},
        )
    found = species.resolve(session, taxon)
    if found is None:
        raise InvalidInput(
            f"{taxon} is not an accepted name or synonym in the current reference data",
            code="taxon_not_found",
            details={"taxon": taxon},
        )
    measure = NationalMeasure(
        party=party,
        taxon_name=found.name,
        taxon_key=found.name_key,
        direction=direction,
        purpose_codes=_codes(purpose_codes),
        source_codes=_codes(source_codes),
        start_date=start_date,
        end_date=end_date,
        reason=reason,
        created_at=utcnow(),
        created_by_id=actor.user_id,
    )
    session.add(measure)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="measure.add",
        object_type="national_measure",
        object_id=measure.id,
        details={
            "party": party,
            "taxon": measure.taxon_name,
            "direction": direction,
            "purpose_codes": measure.purpose_codes,
            "source_codes": measure.source_codes,
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat() if end_date else None,
            "reason": reason,
        },
    )
    return measure


def get_measure(session: Session, measure_id: int, *, for_update: bool = False) -> NationalMeasure:
    query = select(NationalMeasure).where(NationalMeasure.id == measure_id)
    measure = session.scalar(query.with_for_update() if for_update else query)
    if measure is None:
        raise NotFound(
            f"national measure {measure_id} not found",
            code="measure_not_found",
            details={"id": measure_id},
        )
    return measure


def withdraw_measure(
    session: Session, *, measure_id: int, reason: str, actor: Actor
) -> NationalMeasure:
    """Withdraw a measure (it stays, marked withdrawn). Audited as ``measure.withdraw``."""
    measure = get_measure(session, measure_id, for_update=True)
    if measure.withdrawn_at is not None:
        raise Conflict(
            f"national measure {measure_id} was withdrawn already",
            code="measure_withdrawn",
            details={"id": measure_id, "withdrawn_at": measure.withdrawn_at.isoformat()},
        )
    measure.withdrawn_at, measure.withdrawn_by_id = utcnow(), actor.user_id
    measure.withdrawal_reason = reason
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="measure.withdraw",
        object_type="national_measure",
        object_id=measure.id,
        details={"taxon": measure.taxon_name, "reason": reason},
    )
    return measure


def list_measures(
    session: Session,
    *,
    include_withdrawn: bool,
    withdrawn_only: bool = False,
    taxon: str | None = None,
    limit: int,
    offset: int,
) -> tuple[list[NationalMeasure], int]:
    """Measures, newest first; withdrawn ones only when asked (``withdrawn_only``: those
    alone). ``taxon``: the measures that reach it, on it, a higher taxon containing it or a
    taxon under it in the current reference data (a name it does not know: by that name)."""
    query = select(NationalMeasure)
    if withdrawn_only:
        query = query.where(NationalMeasure.withdrawn_at.is_not(None))
    elif not include_withdrawn:
        query = query.where(NationalMeasure.withdrawn_at.is_(None))
    if taxon is not None:
        query = query.where(_reaching(session, taxon))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(NationalMeasure.id.desc()).limit(limit).offset(offset)
    ).all()
    return list(rows), total


def _reaching(session: Session, taxon: str) -> ColumnElement[bool]:
    """Measures on ``taxon``'s accepted name, an ancestor or a taxon under it."""
    key = species.name_key(taxon)
    found = species.resolve(session, taxon)
    if found is None:
        return NationalMeasure.taxon_key == key
    related = select(Taxon.name_key).where(
        Taxon.snapshot_id == found.snapshot_id,
        or_(Taxon.id.in_(species.ancestry(found)), Taxon.path.startswith(found.path + "/")),
    )
    return or_(
        NationalMeasure.taxon_key.in_((key, found.name_key)), NationalMeasure.taxon_key.in_(related)
    )


@cache
def _in_force_statement(dialect: str) -> Select[int, NationalMeasure]:
    """Built once per dialect: the checks run it for every application."""
    return (
        select(Taxon.id, NationalMeasure)
        .join(Taxon, Taxon.name_key == NationalMeasure.taxon_key)
        .where(
            member_of(Taxon.id, "taxa", Integer(), dialect),
            member_of(NationalMeasure.party, "parties", String(), dialect),
            NationalMeasure.withdrawn_at.is_(None),
        )
        .order_by(NationalMeasure.id)
    )


def in_force(
    session: Session, *, parties: set[str], taxon_ids: set[int]
) -> list[tuple[int, NationalMeasure]]:
    """The measures not withdrawn of these Parties on these taxa (by id in the current
    reference data, through their accepted names), in one query; their dates, direction,
    purposes and sources are the rule's to compare."""
    if not taxon_ids:
        return []
    statement = _in_force_statement(species.dialect_of(session))
    rows = session.execute(statement, {"taxa": sorted(taxon_ids), "parties": sorted(parties)})
    return [(taxon_id, measure) for taxon_id, measure in rows]
