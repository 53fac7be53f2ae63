"""Species reference data: the current snapshot, name lookup, and the facts the checks need
(listings by date, population and inheritance). Importing is app/species/importing.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

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


def search(session: Session, query: str, *, limit: int = 20) -> list[Match]:
    """Names starting with ``query`` (scientific names, synonyms, common names), each resolved
    to its accepted taxon, accepted names first."""
    snapshot = current_snapshot(session)
    if snapshot is None or not query.strip():
        return []
    key = name_key(query)
    pattern = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    scientific = session.scalars(
        select(Taxon)
        .where(Taxon.snapshot_id == snapshot.id, Taxon.name_key.like(pattern, escape="\\"))
        .order_by(Taxon.accepted_id.is_not(None), Taxon.name_key)
        .limit(limit * 2)
    ).all()
    common = session.execute(
        select(CommonName.name, Taxon)
        .join(Taxon, Taxon.id == CommonName.taxon_id)
        .where(
            Taxon.snapshot_id == snapshot.id,
            or_(CommonName.name_key.like(pattern, escape="\\")),
        )
        .order_by(CommonName.name_key)
        .limit(limit)
    ).all()
    seen: dict[int, Match] = {}
    for taxon in scientific:
        accepted = session.get(Taxon, taxon.accepted_id) if taxon.accepted_id else taxon
        if accepted is not None and accepted.id not in seen:
            seen[accepted.id] = Match(accepted, taxon.name if taxon.accepted_id else None)
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


def ancestry(taxon: Taxon) -> list[int]:
    """The taxon's id and its accepted ancestors', nearest first."""
    return [int(x) for x in reversed(taxon.path.strip("/").split("/")) if x]


def listing_at(session: Session, taxon: Taxon, *, on: date, origin: str | None) -> Listing | None:
    """The listing that applies to ``taxon`` on ``on`` for specimens of ``origin``'s
    population: the taxon's own, else the nearest listed ancestor's."""
    for taxon_id in ancestry(taxon):
        listings = _listings_on(session, taxon_id, on)
        chosen = [x for x in listings if _covers(x, origin)]
        if chosen:
            # a population-specific listing is more precise than a general one
            return sorted(chosen, key=lambda x: (x.parties is None, x.appendix))[0]
        if listings:
            return None  # listed, but not for this population (a split with a gap)
    return None


def _listings_on(session: Session, taxon_id: int, on: date) -> list[Listing]:
    """The taxon's own listings in effect on ``on``."""
    query = select(Listing).where(
        Listing.taxon_id == taxon_id,
        Listing.effective_from <= on,
        or_(Listing.effective_to.is_(None), Listing.effective_to > on),
    )
    return list(session.scalars(query))


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
    taxon = match.taxon
    general = listing_at(session, taxon, on=on, origin=None)
    notes = []
    for taxon_id in ancestry(taxon):
        rows = _listings_on(session, taxon_id, on)
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
    return {
        "accepted_name": taxon.name,
        "author": taxon.author,
        "rank": taxon.rank,
        "kingdom": taxon.kingdom,
        "matched": match.matched,
        "appendix": general.appendix if general else None,
        "listing_notes": notes,
        "common_names": [c.name for c in common_names(session, taxon)],
    }
