"""The quota ledger, written: reserve at issuance, consume at the export endorsement, release
at cancellation, replacement or expiry (see app/species/quotas.py for what counts)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.codelists.units import convert, stored
from app.core.errors import Conflict
from app.species.models import Quota, QuotaAccount, QuotaLedgerEntry
from app.species.quotas import (
    CONSUMED,
    RELEASED,
    RESERVED,
    ZERO,
    Identity,
    QuotaLine,
    Use,
    accounts_by_identity,
    identity,
    identity_of,
    matching_quotas,
    use_of_accounts,
)

Override = bool | Callable[[], bool]
"""Whether an issuance may reserve beyond a quota: a flag, or a question asked only when a
quota would be exceeded (the workflow's answer reads the latest check run: a query that most
issuances, within their quotas or under none, need not make)."""


def _ensure_accounts(
    session: Session, wanted: Mapping[Identity, str], now: datetime
) -> dict[Identity, QuotaAccount]:
    """The accounts of these identities (taxon names as values), created when missing, then
    locked in id order (PostgreSQL; on SQLite the transaction holds the write lock)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    existing = accounts_by_identity(session, set(wanted))
    with session.no_autoflush:
        for ident, taxon_name in wanted.items():
            if ident in existing:
                continue
            party, year, key, unit, term, source = ident
            session.execute(
                insert(QuotaAccount)
                .values(
                    party=party,
                    year=year,
                    taxon_name=taxon_name,
                    taxon_key=key,
                    unit=unit,
                    term_code=term,
                    source_code=source,
                    created_at=now,
                )
                .on_conflict_do_nothing()
            )
    ids = [a.id for a in accounts_by_identity(session, set(wanted)).values()]
    locked = session.scalars(
        select(QuotaAccount)
        .where(QuotaAccount.id.in_(ids))
        .order_by(QuotaAccount.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    return {identity_of(a): a for a in locked}


def reserve(
    session: Session,
    *,
    permit_id: int,
    party: str,
    lines: Sequence[QuotaLine],
    on: date,
    expires_on: date,
    now: datetime,
    allow_over: Override = False,
) -> list[QuotaLedgerEntry]:
    """Reserve an issued export permit's lines against the quotas of ``party`` for ``on``'s
    year. Refused with ``quota_exceeded`` (Conflict) when a quota would be exceeded, before
    any entry is written (the caller's transaction rolls back, with the account it may have
    created), unless ``allow_over`` (an administrator overrode the checks' quota result): the
    entries are then written and marked ``over_quota``. ``allow_over`` may be a callable:
    it is then called once, on the first quota that would be exceeded."""
    if not lines:
        return []
    quotas: dict[Identity, Quota] = {}
    names: dict[Identity, str] = {}
    wanted: dict[tuple[Identity, str], Decimal] = {}  # (quota, line letter) -> quantity
    for line, quota, taxon, amount in matching_quotas(
        session, party=party, year=on.year, lines=lines
    ):
        ident = identity(quota, taxon.name_key)
        if ident not in quotas or quota.quantity < quotas[ident].quantity:
            quotas[ident] = quota  # the same quota twice in the data: the smaller counts
        names[ident] = taxon.name
        wanted[ident, line.letter] = amount  # ... and each line once
    if not wanted:
        return []
    accounts = _ensure_accounts(session, names, now)
    uses = use_of_accounts(session, (a.id for a in accounts.values()), on=on)
    asked: dict[Identity, Decimal] = {}
    for (ident, _letter), amount in wanted.items():
        asked[ident] = asked.get(ident, ZERO) + amount
    over: set[Identity] = set()
    allowed: bool | None = None  # asked on the first quota exceeded
    for ident, amount in asked.items():
        quota, account = quotas[ident], accounts[ident]
        used = uses.get(account.id, Use()).used
        if used + amount > quota.quantity:
            if allowed is None:
                allowed = allow_over() if callable(allow_over) else allow_over
            if not allowed:
                raise _exceeded(quota, account, used, amount)
            over.add(ident)
    entries = [
        QuotaLedgerEntry(
            account_id=accounts[ident].id,
            permit_id=permit_id,
            line=letter,
            status=RESERVED,
            quantity=amount,
            consumed=None,
            over_quota=ident in over,
            expires_on=expires_on,
            created_at=now,
        )
        for (ident, letter), amount in wanted.items()
    ]
    session.add_all(entries)
    session.flush()
    return entries


def _exceeded(quota: Quota, account: QuotaAccount, used: Decimal, asked: Decimal) -> Conflict:
    remaining = quota.quantity - used
    return Conflict(
        f"{account.party}'s {account.year} export quota for {account.taxon_name} is "
        f"{quota.quantity} {account.unit}: {used} already reserved or exported, and this "
        f"permit asks {asked} (Res. Conf. 14.7); nothing was issued",
        code="quota_exceeded",
        details={
            "quota_id": quota.id,
            "party": account.party,
            "year": account.year,
            "taxon": account.taxon_name,
            "unit": account.unit,
            "term_code": account.term_code or None,
            "source_code": account.source_code or None,
            "quantity": str(quota.quantity),
            "used": str(used),
            "requested": str(asked),
            "remaining": str(max(remaining, ZERO)),
        },
    )


def consume(
    session: Session,
    *,
    permit_id: int,
    endorsed: Mapping[str, tuple[Decimal, str]] | None,
    now: datetime,
) -> int:
    """Customs endorsed the export: each line's reservation becomes the quantity that left
    (``endorsed``: per line letter, the quantity and its unit; a line not declared left
    nothing), and the rest goes back to the quota. ``endorsed`` None (the permit was used
    without an endorsement recorded here): what is still reserved is consumed in full.
    Returns how many entries changed."""
    rows = session.execute(
        select(QuotaLedgerEntry, QuotaAccount.unit)
        .join(QuotaAccount, QuotaAccount.id == QuotaLedgerEntry.account_id)
        .where(
            QuotaLedgerEntry.permit_id == permit_id,
            QuotaLedgerEntry.status.in_((RESERVED, CONSUMED) if endorsed else (RESERVED,)),
        )
    ).all()
    changed = 0
    for entry, unit in rows:
        if endorsed is None:
            consumed = entry.quantity
        else:
            quantity, line_unit = endorsed.get(entry.line, (ZERO, unit))
            converted = convert(quantity, line_unit, unit)
            consumed = stored(converted) if converted is not None else entry.quantity
        entry.status, entry.consumed = CONSUMED, min(consumed, entry.quantity)
        entry.changed_at = now
        changed += 1
    session.flush()
    return changed


def release(session: Session, *, permit_id: int, now: datetime) -> int:
    """The permit was cancelled, replaced or expired: its reservations go back to the quotas.
    Returns how many entries were released."""
    result = session.execute(
        update(QuotaLedgerEntry)
        .where(QuotaLedgerEntry.permit_id == permit_id, QuotaLedgerEntry.status == RESERVED)
        .values(status=RELEASED, changed_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return int(getattr(result, "rowcount", 0) or 0)


def entries_of(session: Session, permit_id: int) -> list[QuotaLedgerEntry]:
    query = select(QuotaLedgerEntry).where(QuotaLedgerEntry.permit_id == permit_id)
    return list(session.scalars(query.order_by(QuotaLedgerEntry.id)))
