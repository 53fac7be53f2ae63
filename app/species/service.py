"""Species reference data: the current snapshot, name lookup, and the facts the checks need
(listings by date, population and inheritance). Importing is app/species/importing.py."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    func,
    or_,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from app.core.db import member_of
from app.species.models import (
    CommonName,
    Listing,
    Snapshot,
    Taxon,
)


def name_key(name: str) -> str:
    return " ".join(name.lower().split())


def current_snapshot(session: Session) -> Snapshot | None:
    return session.scalar(select(Snapshot).order_by(Snapshot.id.desc()).limit(1))


@dataclass(frozen=True)
class Match:
    """A search hit: the accepted taxon, and the name that matched when it was a synonym or
    a common name."""

    taxon: Taxon
    matched: str | None


def _starts_with(
    session: Session, column: InstrumentedAttribute[str], key: str
) -> ColumnElement[bool]:
    """``column`` (a lower-case key) starts with ``key``, in a form the backend's index serves:
    a LIKE on PostgreSQL (the name indexes use the pattern operator class, migration 0012),
    plus a range on SQLite (its LIKE ignores case, so no index can serve it)."""
    pattern = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    like = column.like(pattern, escape="\\")
    if dialect_of(session) == "sqlite":
        return and_(column >= key, column < key + "\U0010ffff", like)
    return like


def search(session: Session, query: str, *, limit: int = 20) -> list[Match]:
    """Names starting with ``query`` (scientific names, synonyms, common names), each resolved
    to its accepted taxon, accepted names first."""
    snapshot = current_snapshot(session)
    if snapshot is None or not query.strip():
        return []
    key = name_key(query)
    scientific = session.scalars(
        select(Taxon)
        .where(Taxon.snapshot_id == snapshot.id, _starts_with(session, Taxon.name_key, key))
        .order_by(Taxon.accepted_id.is_not(None), Taxon.name_key)
        .limit(limit * 2)
    ).all()
    common = session.execute(
        select(CommonName.name, Taxon)
        .join(Taxon, Taxon.id == CommonName.taxon_id)
        .where(
            CommonName.snapshot_id == snapshot.id,
            _starts_with(session, CommonName.name_key, key),
        )
        .order_by(CommonName.name_key)
        .limit(limit)
    ).all()
    wanted = {t.accepted_id for t in scientific if t.accepted_id is not None}
    accepted = (
        {t.id: t for t in session.scalars(select(Taxon).where(Taxon.id.in_(wanted)))}
        if wanted
        else {}
    )
    seen: dict[int, Match] = {}
    for taxon in scientific:
        found = accepted.get(taxon.accepted_id) if taxon.accepted_id else taxon
        if found is not None and found.id not in seen:
            seen[found.id] = Match(found, taxon.name if taxon.accepted_id else None)
    for name, taxon in common:
        if taxon.id not in seen:
            seen[taxon.id] = Match(taxon, name)
    return list(seen.values())[:limit]


def resolve(session: Session, scientific_name: str) -> Taxon | None:
    """The accepted taxon of a scientific name (accepted or synonym), in the current data."""
    snapshot = current_snapshot(session)
    if snapshot is None:
        return None
    taxon = session.scalar(
        select(Taxon)
        .where(Taxon.snapshot_id == snapshot.id, Taxon.name_key == name_key(scientific_name))
        .order_by(Taxon.accepted_id.is_not(None))
        .limit(1)
    )
    if taxon is not None and taxon.accepted_id is not None:
        return session.get(Taxon, taxon.accepted_id)
    return taxon


# The statements the checks run for every application: built once per dialect, bound at
# execution (their lists are one array parameter on PostgreSQL: see app.core.db.member_of).
_ON = bindparam("on", type_=Date)


@cache
def _resolve_statement(dialect: str) -> Select[Taxon, Taxon]:
    named = aliased(Taxon)
    return (
        select(named, Taxon)
        .outerjoin(Taxon, Taxon.id == named.accepted_id)
        .where(
            named.snapshot_id == bindparam("snapshot"),
            member_of(named.name_key, "keys", String(), dialect),
        )
    )


@cache
def _listings_statement(dialect: str) -> Select[Listing]:
    return (
        select(Listing)
        .where(
            member_of(Listing.taxon_id, "taxa", Integer(), dialect),
            Listing.effective_from <= _ON,
            or_(Listing.effective_to.is_(None), Listing.effective_to > _ON),
        )
        .order_by(Listing.id)
    )


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


@cache
def _resolve_current_statement(dialect: str) -> Select[int, Taxon, Taxon]:
    named = aliased(Taxon)
    latest = select(func.max(Snapshot.id)).scalar_subquery()
    return (
        select(Snapshot.id, named, Taxon)
        .select_from(Snapshot)
        .outerjoin(
            named,
            and_(
                named.snapshot_id == Snapshot.id,
                member_of(named.name_key, "keys", String(), dialect),
            ),
        )
        .outerjoin(Taxon, Taxon.id == named.accepted_id)
        .where(Snapshot.id == latest)
    )


def _accepted(rows: Iterable[tuple[Taxon | None, Taxon | None]]) -> dict[str, Taxon]:
    """By name key, the accepted taxon of each (name, its accepted taxon) found; an accepted
    name wins over a synonym of the same spelling."""
    chosen: dict[str, Taxon] = {}
    found = [(named, accepted) for named, accepted in rows if named is not None]
    for named, accepted in sorted(found, key=lambda r: (r[0].accepted_id is not None, r[0].id)):
        if named.accepted_id is None:
            chosen.setdefault(named.name_key, named)
        elif accepted is not None:
            chosen.setdefault(named.name_key, accepted)
    return chosen


def resolve_current(session: Session, names: Iterable[str]) -> tuple[int | None, dict[str, Taxon]]:
    """The current snapshot's id (None: nothing imported) and the accepted taxon of each
    scientific name in it, by ``name_key``, in one query (the checks' first)."""
    keys = sorted({name_key(name) for name in names})
    statement = _resolve_current_statement(dialect_of(session))
    rows = session.execute(statement, {"keys": keys}).all()
    if not rows:
        return None, {}
    return rows[0][0], _accepted((named, accepted) for _id, named, accepted in rows)


def resolve_many(session: Session, snapshot_id: int, names: Iterable[str]) -> dict[str, Taxon]:
    """The accepted taxon of each scientific name (accepted or synonym) in the snapshot, by
    ``name_key``, in one query; a name not found is left out."""
    keys = sorted({name_key(name) for name in names})
    if not keys:
        return {}
    statement = _resolve_statement(dialect_of(session))
    rows = session.execute(statement, {"snapshot": snapshot_id, "keys": keys}).all()
    return _accepted((named, accepted) for named, accepted in rows)


def ancestry(taxon: Taxon) -> list[int]:
    """The taxon's id and its accepted ancestors', nearest first."""
    return [int(x) for x in reversed(taxon.path.strip("/").split("/")) if x]


def listing_at(session: Session, taxon: Taxon, *, on: date, origin: str | None) -> Listing | None:
    """The listing that applies to ``taxon`` on ``on`` for specimens of ``origin``'s
    population: the taxon's own, else the nearest listed ancestor's."""
    lineage = ancestry(taxon)
    return choose_listing(lineage, listings_on(session, lineage, on=on), origin)


def choose_listing(
    lineage: list[int], listings: Mapping[int, list[Listing]], origin: str | None
) -> Listing | None:
    """Of the listings in effect (by taxon id), the one for ``origin``'s population along
    ``lineage`` (the taxon's id and its ancestors', nearest first)."""
    for taxon_id in lineage:
        own = listings.get(taxon_id, [])
        chosen = [x for x in own if _covers(x, origin)]
        if chosen:
            # a population-specific listing is more precise than a general one
            return sorted(chosen, key=lambda x: (x.parties is None, x.appendix))[0]
        if own:
            return None  # listed, but not for this population (a split with a gap)
    return None


def listings_on(
    session: Session, taxon_ids: Iterable[int], *, on: date
) -> dict[int, list[Listing]]:
    """The listings of these taxa in effect on ``on``, by taxon id, in one query."""
    found: dict[int, list[Listing]] = {}
    statement = _listings_statement(dialect_of(session))
    for listing in session.scalars(statement, {"taxa": sorted(set(taxon_ids)), "on": on}):
        found.setdefault(listing.taxon_id, []).append(listing)
    return found


def _covers(listing: Listing, origin: str | None) -> bool:
    parties = set(listing.parties.split(",")) if listing.parties else None
    excluded = set(listing.excluded_parties.split(",")) if listing.excluded_parties else set()
    if parties is not None:
        return origin in parties
    return origin not in excluded


def common_names(session: Session, taxon: Taxon) -> list[CommonName]:
    return list(session.scalars(select(CommonName).where(CommonName.taxon_id == taxon.id)))


def describe(session: Session, match: Match, *, on: date) -> dict[str, object]:
    """A search hit for people: accepted name, the listing today and its notes."""
    return describe_many(session, [match], on=on)[0]


def describe_many(session: Session, matches: list[Match], *, on: date) -> list[dict[str, object]]:
    """Search hits for people, in two queries for all of them: the listings along each
    taxon's ancestry and the common names."""
    lineages = {m.taxon.id: ancestry(m.taxon) for m in matches}
    listings = listings_on(session, {i for lineage in lineages.values() for i in lineage}, on=on)
    names: dict[int, list[str]] = {}
    if matches:
        query = select(CommonName.taxon_id, CommonName.name).where(
            CommonName.taxon_id.in_(list(lineages))
        )
        for taxon_id, name in session.execute(query.order_by(CommonName.id)):
            names.setdefault(taxon_id, []).append(name)
    described: list[dict[str, object]] = []
    for match in matches:
        taxon, lineage = match.taxon, lineages[match.taxon.id]
        general = choose_listing(lineage, listings, None)
        described.append(
            {
                "accepted_name": taxon.name,
                "author": taxon.author,
                "rank": taxon.rank,
                "kingdom": taxon.kingdom,
                "matched": match.matched,
                "appendix": general.appendix if general else None,
                "listing_notes": _notes(lineage, listings),
                "common_names": names.get(taxon.id, []),
            }
        )
    return described


def _notes(lineage: list[int], listings: Mapping[int, list[Listing]]) -> list[str]:
    """The population splits, Appendix III Party and annotations of the nearest listed level."""
    notes = []
    for taxon_id in lineage:
        rows = listings.get(taxon_id, [])
        for row in rows:
            if row.parties:
                notes.append(f"Appendix {row.appendix} for the populations of {row.parties}")
            if row.excluded_parties:
                notes.append(f"Appendix {row.appendix} except {row.excluded_parties}")
            if row.listed_by:
                notes.append(f"Appendix III at the request of {row.listed_by}")
            if row.annotation:
                notes.append(row.annotation)
        if rows:
            break
    return notes
