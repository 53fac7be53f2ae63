"""Running the compliance rules on an intended trade: gather the reference facts for each
line (accepted name, listing at the date for the origin's population, reservations,
suspensions, quotas and what already counts against them in the quota ledger, this Party's
stricter domestic measures), then apply app/checks/rules.py. Nothing is stored."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from sqlalchemy import Date, Integer, Select, String, bindparam, or_, select
from sqlalchemy.orm import Session

from app.checks.facts import (
    ImportPermitFact,
    LineFacts,
    MeasureFact,
    QuotaFact,
    Result,
    SuspensionFact,
    Trade,
)
from app.checks.rules import run
from app.checks.schemas import CheckResult, CheckResults, IntendedTradeIn
from app.codelists import lists
from app.core.db import member_of
from app.core.errors import InvalidInput
from app.species import measures, quotas
from app.species import service as species
from app.species.models import Quota, Reservation, Suspension, Taxon


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
    import_permit_referenced: bool = False  # at hand, unnamed (the dry run's older flag)
    import_permit: tuple[str, str] | None = None  # (importing Party, number) it references
    valid_until: date | None = None  # the validity asked for
    other_subtype: str | None = None  # for O: which certificate (its validity limit)


@dataclass(frozen=True)
class Received:
    """What this Party received by EPIX from the importing Party: the import permit the trade
    references as received (None: not received here), and the name keys of the lines that a
    received import permit in force covers."""

    referenced: ImportPermitFact | None = None
    covering: frozenset[str] = frozenset()


ReceivedImportPermits = Callable[[IntendedTrade], Received]
"""Looks up the import permits received for a trade (the workflow's; the checks layer sits
below the exchange and cannot)."""


@dataclass(frozen=True)
class Outcome:
    results: list[Result]
    snapshot_id: int | None  # the reference data the results were computed with


# The statements run for every application: built once per dialect, bound at execution.
_ON = bindparam("on", type_=Date)


@cache
def _suspensions_statement(dialect: str) -> Select[Suspension, str]:
    return (
        select(Suspension, Taxon.name)
        .outerjoin(Taxon, Taxon.id == Suspension.taxon_id)
        .where(
            Suspension.snapshot_id == bindparam("snapshot"),
            member_of(Suspension.party, "parties", String(), dialect),
            or_(
                Suspension.taxon_id.is_(None),
                member_of(Suspension.taxon_id, "taxa", Integer(), dialect),
            ),
        )
        .order_by(Suspension.id)
    )


@cache
def _reservations_statement(dialect: str) -> Select[int, str]:
    return select(Reservation.taxon_id, Reservation.party).where(
        Reservation.snapshot_id == bindparam("snapshot"),
        member_of(Reservation.taxon_id, "taxa", Integer(), dialect),
        Reservation.effective_from <= _ON,
        or_(Reservation.effective_to.is_(None), Reservation.effective_to > _ON),
    )


def _suspensions(
    session: Session, snapshot: int, parties: set[str], taxa: set[int]
) -> list[tuple[int | None, SuspensionFact]]:
    """The suspensions against these Parties, Party-wide or on one of these taxa (by taxon)."""
    params = {"snapshot": snapshot, "parties": sorted(parties), "taxa": sorted(taxa)}
    return [
        (
            s.taxon_id,
            SuspensionFact(
                party=s.party,
                source_codes=frozenset((s.source_codes or "").split(",")) - {""},
                purpose_codes=frozenset((s.purpose_codes or "").split(",")) - {""},
                start=s.start_date,
                end=s.end_date,
                applies_to_import=s.applies_to_import,
                taxon_name=name,
                notes=s.notes,
            ),
        )
        for s, name in session.execute(_suspensions_statement(species.dialect_of(session)), params)
    ]


def _quotas(
    session: Session,
    snapshot: int,
    party: str,
    on: date,
    taxa: set[int],
    pending: PendingUsage,
) -> list[tuple[int, QuotaFact]]:
    """The Party's quotas for the year on these taxa (by taxon), each with what already
    counts against it: the ledger's reservations and consumption, and ``pending``."""
    found = quotas.quotas_in_use(session, snapshot_id=snapshot, party=party, on=on, taxon_ids=taxa)
    return [
        (
            q.taxon_id,
            QuotaFact(
                party=q.party,
                year=q.year,
                quantity=q.quantity,
                unit=q.unit,
                term_code=q.term_code,
                source_code=q.source_code,
                used=use.used + pending(q, taxon),
                taxon_name=taxon.name,
                id=q.id,
            ),
        )
        for q, taxon, use in found
    ]


def _measures(session: Session, parties: set[str], taxa: set[int]) -> list[tuple[int, MeasureFact]]:
    """This Party's stricter domestic measures on these taxa, by taxon."""
    return [
        (
            taxon_id,
            MeasureFact(
                party=m.party,
                taxon_name=m.taxon_name,
                direction=m.direction,
                purpose_codes=frozenset((m.purpose_codes or "").split(",")) - {""},
                source_codes=frozenset((m.source_codes or "").split(",")) - {""},
                start=m.start_date,
                end=m.end_date,
                reason=m.reason,
            ),
        )
        for taxon_id, m in measures.in_force(session, parties=parties, taxon_ids=taxa)
    ]


PendingUsage = Callable[[Quota, Taxon], Decimal]
"""What counts against a quota besides the ledger (the quota, its taxon): the caller's
pending applications; nothing without one."""


def _nothing_pending(_quota: Quota, _taxon: Taxon) -> Decimal:
    return Decimal(0)


def _unit(code: str) -> str:
    try:
        return lists.unit_code(code)
    except InvalidInput:  # an unknown unit is reported by the application's own validation
        return code.strip().upper()


def _base(trade: IntendedTrade, line: IntendedLine) -> LineFacts:
    return LineFacts(
        letter=line.letter,
        scientific_name=line.scientific_name,
        source_code=line.source_code.upper(),
        term_code=line.term_code.upper(),
        quantity=line.quantity,
        unit=_unit(line.unit),
        origin_country=line.origin_country or trade.exporter_country,
        declared_appendix=line.appendix,
    )


def facts(
    session: Session,
    trade: IntendedTrade,
    *,
    pending: PendingUsage | None = None,
    received: ReceivedImportPermits | None = None,
) -> tuple[Trade, int | None]:
    """The trade with what the current reference data says about each line, gathered for
    all lines at once: a fixed number of queries, whatever the number of lines."""
    bases = [_base(trade, line) for line in trade.lines]
    snapshot, taxa = species.resolve_current(session, [x.scientific_name for x in bases])
    if snapshot is None:
        return _trade(trade, bases, Received()), None
    lineages = {key: species.ancestry(taxon) for key, taxon in taxa.items()}
    everything = {i for lineage in lineages.values() for i in lineage}
    parties = {trade.exporter_country, trade.importer_country}
    listings = species.listings_on(session, everything, on=trade.on)
    reservations = _reservations(session, snapshot, everything, trade.on)
    suspensions = _suspensions(session, snapshot, parties, everything)
    quota_facts = _quotas(
        session, snapshot, trade.exporter_country, trade.on, everything, pending or _nothing_pending
    )
    measure_facts = _measures(session, parties, everything)
    lines = []
    for base in bases:
        key = species.name_key(base.scientific_name)
        taxon, lineage = taxa.get(key), lineages.get(key, [])
        if taxon is None:
            lines.append(base)
            continue
        listing = species.choose_listing(lineage, listings, base.origin_country)
        lines.append(
            dataclasses.replace(
                base,
                accepted_name=taxon.name,
                kingdom=taxon.kingdom,
                appendix=listing.appendix if listing else None,
                listed_by=listing.listed_by if listing else None,
                reservations=frozenset(p for t, p in reservations if t in lineage),
                suspensions=tuple(f for t, f in suspensions if t is None or t in lineage),
                quotas=tuple(f for t, f in quota_facts if t in lineage),
                measures=tuple(f for t, f in measure_facts if t in lineage),
            )
        )
    got = Received()
    if received is not None and any(x.appendix == "I" for x in lines):  # only they need it
        got = received(trade)
        lines = [
            dataclasses.replace(
                x, import_permit_received=species.name_key(x.scientific_name) in got.covering
            )
            for x in lines
        ]
    return _trade(trade, lines, got), snapshot


def _reservations(
    session: Session, snapshot: int, taxa: set[int], on: date
) -> list[tuple[int, str]]:
    """(taxon, Party) of the reservations in effect on these taxa."""
    params = {"snapshot": snapshot, "taxa": sorted(taxa), "on": on}
    statement = _reservations_statement(species.dialect_of(session))
    return [(row.taxon_id, row.party) for row in session.execute(statement, params)]


def _import_permit(trade: IntendedTrade, got: Received) -> ImportPermitFact | None:
    if got.referenced is not None:
        return got.referenced
    if trade.import_permit is not None:
        return ImportPermitFact(party=trade.import_permit[0], number=trade.import_permit[1])
    if trade.import_permit_referenced:
        return ImportPermitFact(party=trade.importer_country, number=None)
    return None


def validity_months(document_type: str, other_subtype: str | None) -> int | None:
    """The longest validity of the document type (Res. Conf. 12.3), None if unknown."""
    try:
        return lists.validity_months(document_type, other_subtype)
    except KeyError:  # an unknown type or subtype is the application's validation's business
        return None


def _trade(trade: IntendedTrade, lines: list[LineFacts], got: Received) -> Trade:
    return Trade(
        document_type=trade.document_type,
        exporter_country=trade.exporter_country,
        importer_country=trade.importer_country,
        purpose_code=trade.purpose_code,
        on=trade.on,
        lines=tuple(lines),
        import_permit=_import_permit(trade, got),
        valid_until=trade.valid_until,
        validity_months=validity_months(trade.document_type, trade.other_subtype),
    )


def check(
    session: Session,
    trade: IntendedTrade,
    *,
    pending: PendingUsage | None = None,
    received: ReceivedImportPermits | None = None,
) -> Outcome:
    """The results of every rule for the trade, and the snapshot they used. ``received``
    looks up the import permits received by EPIX (none without it)."""
    prepared, snapshot_id = facts(session, trade, pending=pending, received=received)
    return Outcome(run(prepared), snapshot_id)


def intended(data: IntendedTradeIn, *, today: date) -> IntendedTrade:
    return IntendedTrade(
        document_type=data.document_type,
        exporter_country=data.exporter_country,
        importer_country=data.importer_country,
        purpose_code=data.purpose_code.upper(),
        on=data.on or today,
        import_permit_referenced=data.import_permit_referenced,
        import_permit=(
            (data.import_permit_party, data.import_permit_number)
            if data.import_permit_party is not None and data.import_permit_number is not None
            else None
        ),
        valid_until=data.valid_until,
        other_subtype=data.other_subtype,
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
