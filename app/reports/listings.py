"""Which appendices a taxon was in during a year, for a population, from the species
reference data (app.species): the answer the validation's appendix rule needs.

A listing only changes on the day one starts or ends, so the year splits into a few periods
(usually one) and the species service is asked once per name, origin and period. Answers
are kept for the report's run, so a million rows cost a few dozen lookups."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.reports import repository
from app.species import service as species_service
from app.species.models import Taxon


class ListingLookup:
    """``lookup(name, origin)``: see ``app.reports.validation.Listed``."""

    def __init__(self, session: Session, *, year: int) -> None:
        self.session = session
        snapshot = species_service.current_snapshot(session)
        self.snapshot_id = snapshot.id if snapshot is not None else None
        first, last = date(year, 1, 1), date(year, 12, 31)
        changes = (
            repository.listing_changes(session, snapshot_id=snapshot.id, first=first, last=last)
            if snapshot is not None
            else set()
        )
        self.periods = [first, *sorted(changes)]  # the first day of each period
        self._taxa: dict[str, Taxon | None] = {}
        self._answers: dict[tuple[str, str | None], frozenset[str] | None] = {}

    @property
    def available(self) -> bool:
        """Species reference data is loaded (else nothing can be checked against it)."""
        return self.snapshot_id is not None

    def __call__(self, name: str, origin: str | None) -> frozenset[str] | None:
        key = (name, origin)
        if key in self._answers:
            return self._answers[key]
        if name not in self._taxa:
            self._taxa[name] = species_service.resolve(self.session, name)
        taxon = self._taxa[name]
        answer = None if taxon is None else self._appendices(taxon, origin)
        self._answers[key] = answer
        return answer

    def _appendices(self, taxon: Taxon, origin: str | None) -> frozenset[str]:
        found = set()
        for day in self.periods:
            listing = species_service.listing_at(self.session, taxon, on=day, origin=origin)
            if listing is not None:
                found.add(listing.appendix)
        return frozenset(found)
