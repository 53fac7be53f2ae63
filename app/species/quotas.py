"""The quota ledger, read: which quotas count a line, and what counts against them.

A permit's lines are **reserved** against the matching quotas of the current reference data
when the permit is issued (in the issuing transaction), **consumed** by the quantity customs
endorses at export, and **released** when the permit is cancelled, replaced or expires
unused. What counts against a quota is its live reservations (permits still valid, not yet
exported) plus what was consumed. Reserving locks the quota's account row (``SELECT ... FOR
UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises writers) and counts
under that lock, so concurrent issuances never exceed a quota together: the one that would is
refused with ``quota_exceeded`` and its transaction rolls back. Writing is
app/species/ledger.py."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Numeric,
    Select,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from app.codelists.units import convert, stored
from app.core.db import member_of
from app.species import service as species
from app.species.models import Quota, QuotaAccount, QuotaLedgerEntry, Taxon

RESERVED, CONSUMED, RELEASED = "reserved", "consumed", "released"
ZERO = Decimal(0)

Identity = tuple[str, int, str, str, str, str]
"""A quota across imports: party, year, taxon name key, unit, term code, source code."""


@dataclass(frozen=True)
class QuotaLine:
    """A permit line as the ledger sees it (``unit``: a normalised UN/ECE code)."""

    letter: str
    scientific_name: str
    term_code: str
    source_code: str
    quantity: Decimal
    unit: str


@dataclass(frozen=True)
class Use:
    """What counts against a quota on a date: live reservations and consumed quantities."""

    reserved: Decimal = ZERO
    consumed: Decimal = ZERO

    @property
    def used(self) -> Decimal:
        return self.reserved + self.consumed


def identity(quota: Quota, taxon_key: str) -> Identity:
    return (
        quota.party,
        quota.year,
        taxon_key,
        quota.unit,
        quota.term_code or "",
        quota.source_code or "",
    )


def applies(quota: Quota, line: QuotaLine, lineage: Iterable[int]) -> Decimal | None:
    """The line's quantity in the quota's unit when the quota counts the line (its taxon or
    an ancestor, its term and source when the quota names them, a unit of the same kind),
    else None."""
    if quota.taxon_id not in set(lineage):
        return None
    if quota.term_code and quota.term_code != line.term_code:
        return None
    if quota.source_code and quota.source_code != line.source_code:
        return None
    converted = convert(line.quantity, line.unit, quota.unit)
    return stored(converted) if converted is not None else None


# --- reading ------------------------------------------------------------------------------


def _sums(on: date | BindParameter[date]) -> tuple[ColumnElement[Decimal], ColumnElement[Decimal]]:
    """SUM expressions of what counts on ``on``: live reservations (a reservation whose permit
    is past its validity no longer counts) and consumed quantities."""
    reserved = case(
        (
            and_(QuotaLedgerEntry.status == RESERVED, QuotaLedgerEntry.expires_on >= on),
            QuotaLedgerEntry.quantity,
        ),
        else_=0,
    )
    consumed = case(
        (QuotaLedgerEntry.status == CONSUMED, func.coalesce(QuotaLedgerEntry.consumed, 0)),
        else_=0,
    )
    decimal = Numeric(18, 3)
    return type_coerce(func.sum(reserved), decimal), type_coerce(func.sum(consumed), decimal)


def use_of_accounts(session: Session, account_ids: Iterable[int], *, on: date) -> dict[int, Use]:
    """What counts against each account on ``on``, in one query."""
    ids = set(account_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(QuotaLedgerEntry.account_id, *_sums(on))
        .where(QuotaLedgerEntry.account_id.in_(ids), QuotaLedgerEntry.status != RELEASED)
        .group_by(QuotaLedgerEntry.account_id)
    )
    return {account_id: Use(Decimal(r or 0), Decimal(c or 0)) for account_id, r, c in rows}


def accounts_by_identity(
    session: Session, identities: set[Identity]
) -> dict[Identity, QuotaAccount]:
    if not identities:
        return {}
    parties = {i[0] for i in identities}
    years = {i[1] for i in identities}
    keys = {i[2] for i in identities}
    query = select(QuotaAccount).where(
        QuotaAccount.party.in_(parties),
        QuotaAccount.year.in_(years),
        QuotaAccount.taxon_key.in_(keys),
    )
    found = {identity_of(a): a for a in session.scalars(query)}
    return {i: found[i] for i in identities if i in found}


def identity_of(account: QuotaAccount) -> Identity:
    return (
        account.party,
        account.year,
        account.taxon_key,
        account.unit,
        account.term_code,
        account.source_code,
    )


def use_of_quotas(
    session: Session, quotas: Sequence[tuple[Quota, str]], *, on: date
) -> dict[int, Use]:
    """What counts against each quota (with its taxon's name key) on ``on``, by quota id, in
    one query for all of them (a quota without an account yet: nothing)."""
    identities = {q.id: identity(q, key) for q, key in quotas}
    if not identities:
        return {}
    wanted = set(identities.values())
    account = QuotaAccount
    columns = (
        account.party,
        account.year,
        account.taxon_key,
        account.unit,
        account.term_code,
        account.source_code,
    )
    rows = session.execute(
        select(*columns, *_sums(on))
        .join(
            QuotaLedgerEntry,
            and_(QuotaLedgerEntry.account_id == account.id, QuotaLedgerEntry.status != RELEASED),
        )
        .where(
            account.party.in_({i[0] for i in wanted}),
            account.year.in_({i[1] for i in wanted}),
            account.taxon_key.in_({i[2] for i in wanted}),
        )
        .group_by(account.id, *columns)
    )
    found = {tuple(row[:6]): Use(Decimal(row[6] or 0), Decimal(row[7] or 0)) for row in rows}
    return {quota_id: found.get(i, Use()) for quota_id, i in identities.items()}


_ON = bindparam("on", type_=Date)


@cache
def _in_use_statement(dialect: str) -> Select[Quota, Taxon, Decimal, Decimal]:
    """Built once per dialect: the checks run it for every application."""
    return (
        select(Quota, Taxon, *_sums(_ON))
        .join(Taxon, Taxon.id == Quota.taxon_id)
        .outerjoin(
            QuotaAccount,
            and_(
                QuotaAccount.party == Quota.party,
                QuotaAccount.year == Quota.year,
                QuotaAccount.taxon_key == Taxon.name_key,
                QuotaAccount.unit == Quota.unit,
                QuotaAccount.term_code == func.coalesce(Quota.term_code, ""),
                QuotaAccount.source_code == func.coalesce(Quota.source_code, ""),
            ),
        )
        .outerjoin(
            QuotaLedgerEntry,
            and_(
                QuotaLedgerEntry.account_id == QuotaAccount.id,
                QuotaLedgerEntry.status != RELEASED,
            ),
        )
        .where(
            Quota.snapshot_id == bindparam("snapshot"),
            Quota.party == bindparam("party"),
            Quota.year == bindparam("year"),
            member_of(Quota.taxon_id, "taxa", Integer(), dialect),
        )
        .group_by(Quota.id, Taxon.id)
        .order_by(Quota.id)
    )


def quotas_in_use(
    session: Session, *, snapshot_id: int, party: str, on: date, taxon_ids: Iterable[int]
) -> list[tuple[Quota, Taxon, Use]]:
    """``party``'s quotas for ``on``'s year on these taxa, each with its taxon and what counts
    against it in the ledger on ``on``, in one query."""
    params = {
        "snapshot": snapshot_id,
        "party": party,
        "year": on.year,
        "taxa": sorted(set(taxon_ids)),
        "on": on,
    }
    return [
        (quota, taxon, Use(Decimal(reserved or 0), Decimal(consumed or 0)))
        for quota, taxon, reserved, consumed in session.execute(
            _in_use_statement(species.dialect_of(session)), params
        )
    ]


@cache
def _matching_statement(dialect: str) -> Select[Quota, Taxon]:
    """Built once per dialect: every export permit's issuance runs it."""
    return (
        select(Quota, Taxon)
        .join(Taxon, Taxon.id == Quota.taxon_id)
        .where(
            Quota.snapshot_id == bindparam("snapshot"),
            Quota.party == bindparam("party"),
            Quota.year == bindparam("year"),
            member_of(Quota.taxon_id, "taxa", Integer(), dialect),
        )
        .order_by(Quota.id)
    )


def matching_quotas(
    session: Session, *, party: str, year: int, lines: Sequence[QuotaLine]
) -> list[tuple[QuotaLine, Quota, Taxon, Decimal]]:
    """Each (line, quota, the quota's taxon, the line's quantity in the quota's unit) of the
    current reference data that counts the line (none without reference data). The snapshot
    and the lines' taxa are read in one query."""
    snapshot_id, taxa = species.resolve_current(session, [x.scientific_name for x in lines])
    lineages = {key: species.ancestry(taxon) for key, taxon in taxa.items()}
    everything = {i for lineage in lineages.values() for i in lineage}
    if snapshot_id is None or not everything:
        return []
    params = {"snapshot": snapshot_id, "party": party, "year": year, "taxa": sorted(everything)}
    quotas = session.execute(_matching_statement(species.dialect_of(session)), params).all()
    found = []
    for line in lines:
        lineage = lineages.get(species.name_key(line.scientific_name))
        if lineage is None:
            continue
        for quota, taxon in quotas:
            amount = applies(quota, line, lineage)
            if amount is not None:
                found.append((line, quota, taxon, amount))
    return found


@dataclass(frozen=True)
class Standing:
    """A quota of the current reference data and what counts against it."""

    quota: Quota
    taxon_name: str
    use: Use

    @property
    def remaining(self) -> Decimal:
        return self.quota.quantity - self.use.used


def list_quotas(
    session: Session,
    *,
    party: str | None,
    year: int | None,
    taxon: str | None,
    on: date,
    limit: int,
    offset: int,
) -> tuple[list[Standing], int, int | None]:
    """The current snapshot's quotas (of ``party``, for ``year``, on ``taxon``: the taxon
    itself, a higher taxon containing it or a taxon under it), by Party, latest year first and
    taxon, with their use on ``on``; the total and the snapshot."""
    snapshot = species.current_snapshot(session)
    if snapshot is None:
        return [], 0, None
    query = (
        select(Quota, Taxon)
        .join(Taxon, Taxon.id == Quota.taxon_id)
        .where(Quota.snapshot_id == snapshot.id)
    )
    if party is not None:
        query = query.where(Quota.party == party)
    if year is not None:
        query = query.where(Quota.year == year)
    if taxon is not None:
        found = species.resolve(session, taxon)
        if found is None:
            return [], 0, snapshot.id
        query = query.where(
            or_(
                Quota.taxon_id.in_(species.ancestry(found)), Taxon.path.startswith(found.path + "/")
            )
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(Quota.party, Quota.year.desc(), Taxon.name_key, Quota.id)
        .limit(limit)
        .offset(offset)
    ).all()
    uses = use_of_quotas(session, [(q, t.name_key) for q, t in rows], on=on)
    return [Standing(q, t.name, uses[q.id]) for q, t in rows], total, snapshot.id
