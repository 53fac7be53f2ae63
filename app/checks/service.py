"""Running the compliance rules on an intended trade: gather the reference facts for each
line (accepted name, listing at the date for the origin's population, reservations,
suspensions, quotas and what is already counted against them), then apply app/checks/rules.py.
Nothing is stored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.checks.rules import LineFacts, QuotaFact, Result, SuspensionFact, Trade, run
from app.checks.schemas import CheckResult, CheckResults, IntendedTradeIn
from app.codelists import lists
from app.core.errors import InvalidInput
from app.species import service as species
from app.species.models import Quota, Reservation, Snapshot, Suspension, Taxon


@dataclass(frozen=True)
class IntendedLine:
    letter: str
    scientific_name: str
    source_code: str
    term_code: str
    quantity: Decimal
    unit: str
    origin_country: str | None = None
    appendix: str | None = None


@dataclass(frozen=True)
class IntendedTrade:
    document_type: str
    exporter_country: str
    importer_country: str
    purpose_code: str
    lines: tuple[IntendedLine, ...]
    on: date
    import_permit_referenced: bool = False


@dataclass(frozen=True)
class Outcome:
    results: list[Result]
    snapshot_id: int | None  # the reference data the results were computed with


def _suspensions(
    session: Session, snapshot: Snapshot, parties: set[str], ancestry: list[int]
) -> tuple[SuspensionFact, ...]:
    rows = session.execute(
        select(Suspension, Taxon.name)
        .outerjoin(Taxon, Taxon.id == Suspension.taxon_id)
        .where(
            Suspension.snapshot_id == snapshot.id,
            Suspension.party.in_(parties),
            or_(Suspension.taxon_id.is_(None), Suspension.taxon_id.in_(ancestry)),
        )
    ).all()
    return tuple(
        SuspensionFact(
            party=s.party,
            source_codes=frozenset((s.source_codes or "").split(",")) - {""},
            purpose_codes=frozenset((s.purpose_codes or "").split(",")) - {""},
            start=s.start_date,
            end=s.end_date,
            applies_to_import=s.applies_to_import,
            taxon_name=name,
            notes=s.notes,
        )
        for s, name in rows
    )


def _quotas(
    session: Session,
    snapshot: Snapshot,
    party: str,
    year: int,
    ancestry: list[int],
    used: QuotaUsage,
) -> tuple[QuotaFact, ...]:
    rows = session.execute(
        select(Quota, Taxon)
        .join(Taxon, Taxon.id == Quota.taxon_id)
        .where(
            Quota.snapshot_id == snapshot.id,
            Quota.party == party,
            Quota.year == year,
            Quota.taxon_id.in_(ancestry),
        )
    ).all()
    return tuple(
        QuotaFact(
            party=q.party,
            year=q.year,
            quantity=q.quantity,
            unit=q.unit,
            term_code=q.term_code,
            source_code=q.source_code,
            used=used(q, taxon),
            taxon_name=taxon.name,
        )
        for q, taxon in rows
    )


QuotaUsage = Callable[[Quota, Taxon], Decimal]
"""What is already counted against a quota (the quota, its taxon): provided by the caller,
which knows the issued and pending permits; nothing is counted without one."""


def _nothing_counted(_quota: Quota, _taxon: Taxon) -> Decimal:
    return Decimal(0)


def _unit(code: str) -> str:
    try:
        return lists.unit_code(code)
    except InvalidInput:  # an unknown unit is reported by the application's own validation
        return code.strip().upper()


def facts(
    session: Session, trade: IntendedTrade, *, used: QuotaUsage | None = None
) -> tuple[Trade, int | None]:
    snapshot = species.current_snapshot(session)
    usage = used or _nothing_counted
    lines = []
    for line in trade.lines:
        base = LineFacts(
            letter=line.letter,
            scientific_name=line.scientific_name,
            source_code=line.source_code.upper(),
            term_code=line.term_code.upper(),
            quantity=line.quantity,
            unit=_unit(line.unit),
            origin_country=line.origin_country or trade.exporter_country,
            declared_appendix=line.appendix,
            import_permit_received=trade.import_permit_referenced,
        )
        taxon = species.resolve(session, line.scientific_name) if snapshot else None
        if taxon is None or snapshot is None:
            lines.append(base)
            continue
        ancestry = species.ancestry(taxon)
        listing = species.listing_at(session, taxon, on=trade.on, origin=base.origin_country)
        reservations = frozenset(
            session.scalars(
                select(Reservation.party).where(
                    Reservation.snapshot_id == snapshot.id,
                    Reservation.taxon_id.in_(ancestry),
                    Reservation.effective_from <= trade.on,
                    or_(Reservation.effective_to.is_(None), Reservation.effective_to > trade.on),
                )
            )
        )
        lines.append(
            LineFacts(
                **{
                    **base.__dict__,
                    "accepted_name": taxon.name,
                    "kingdom": taxon.kingdom,
                    "appendix": listing.appendix if listing else None,
                    "listed_by": listing.listed_by if listing else None,
                    "reservations": reservations,
                    "suspensions": _suspensions(
                        session,
                        snapshot,
                        {trade.exporter_country, trade.importer_country},
                        ancestry,
                    ),
                    "quotas": _quotas(
                        session, snapshot, trade.exporter_country, trade.on.year, ancestry, usage
                    ),
                }
            )
        )
    return (
        Trade(
            document_type=trade.document_type,
            exporter_country=trade.exporter_country,
            importer_country=trade.importer_country,
            purpose_code=trade.purpose_code,
            on=trade.on,
            lines=tuple(lines),
        ),
        snapshot.id if snapshot else None,
    )


def check(session: Session, trade: IntendedTrade, *, used: QuotaUsage | None = None) -> Outcome:
    """The results of every rule for the trade, and the snapshot they used."""
    prepared, snapshot_id = facts(session, trade, used=used)
    return Outcome(run(prepared), snapshot_id)


def intended(data: IntendedTradeIn, *, today: date) -> IntendedTrade:
    return IntendedTrade(
        document_type=data.document_type,
        exporter_country=data.exporter_country,
        importer_country=data.importer_country,
        purpose_code=data.purpose_code.upper(),
        on=data.on or today,
        import_permit_referenced=data.import_permit_referenced,
        lines=tuple(
            IntendedLine(
                letter=chr(ord("A") + index),
                scientific_name=line.scientific_name,
                source_code=line.source_code,
                term_code=line.term_code,
                quantity=line.quantity,
                unit=line.unit,
                origin_country=line.origin_country,
                appendix=line.appendix,
            )
            for index, line in enumerate(data.lines)
        ),
    )


def dry_run(session: Session, data: IntendedTradeIn, *, today: date) -> CheckResults:
    """Every rule over an intended trade; nothing is stored."""
    outcome = check(session, intended(data, today=today))
    return CheckResults(
        results=[
            CheckResult(code=r.code, severity=r.severity.value, message=r.message, line=r.line)
            for r in outcome.results
        ],
        snapshot_id=outcome.snapshot_id,
        blocked=any(r.severity == "block" for r in outcome.results),
    )
