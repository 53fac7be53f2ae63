"""Importing reference data as a snapshot: every file given is read, and either all of it is
stored as the new current snapshot or, when any row is bad, nothing (InvalidInput
``reference_data_invalid`` lists every bad row). The same content as the current snapshot again
changes nothing."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.core.actor import Actor
from app.core.clock import utcnow
from app.core.errors import InvalidInput
from app.species.loading import RANKS, ReferenceData, TaxonRecord, read_csv, read_json
from app.species.models import (
    CommonName,
    Listing,
    Quota,
    Reservation,
    Snapshot,
    Suspension,
    Taxon,
)
from app.species.service import current_snapshot, name_key

DATASET = Path(__file__).parent / "data" / "reference.json"


def read_files(paths: Iterable[Path]) -> tuple[ReferenceData, str]:
    """Parse the files (JSON or CSV by extension); the data with its problems, and the
    SHA-256 of the inputs."""
    data, digest = ReferenceData(), hashlib.sha256()
    for path in paths:
        text = path.read_text(encoding="utf-8")
        digest.update(text.encode())
        if path.suffix.lower() == ".csv":
            read_csv(data, path.name, text)
        else:
            read_json(data, path.name, text)
    return data, digest.hexdigest()


class _Builder:
    """Writes one snapshot: taxa with their accepted ancestry, then names and listings."""

    def __init__(self, session: Session, snapshot: Snapshot) -> None:
        self.session, self.snapshot = session, snapshot
        self.by_name: dict[str, Taxon] = {}  # accepted names (and higher taxa)
        self.synonyms: dict[str, Taxon] = {}
        self.by_external: dict[str, Taxon] = {}

    def _add(
        self,
        *,
        external_id: str,
        name: str,
        rank: str,
        kingdom: str,
        author: str | None,
        parent: Taxon | None,
        accepted: Taxon | None = None,
    ) -> Taxon:
        taxon = Taxon(
            snapshot_id=self.snapshot.id,
            external_id=external_id,
            name=name,
            name_key=name_key(name),
            author=author,
            rank=rank,
            kingdom=kingdom,
            parent_id=parent.id if parent else None,
            accepted_id=accepted.id if accepted else None,
            path="",
        )
        self.session.add(taxon)
        self.session.flush()
        taxon.path = f"{parent.path}/{taxon.id}" if parent else f"/{taxon.id}"
        return taxon

    def _chain(self, record: TaxonRecord) -> Taxon | None:
        """The accepted ancestors named in higher_taxa, created as needed; the nearest one."""
        parent: Taxon | None = None
        names = dict(record.higher)
        names.setdefault("kingdom", record.kingdom)
        for level in ("kingdom", "phylum", "class", "order", "family", "genus"):
            name = names.get(level)
            if not name or name == record.name:
                continue
            key = name_key(name)
            found = self.by_name.get(key)
            if found is None:
                found = self._add(
                    external_id=f"higher:{key}",
                    name=name,
                    rank=level.upper(),
                    kingdom=record.kingdom,
                    author=None,
                    parent=parent,
                )
                self.by_name[key] = found
            parent = found
        return parent

    def taxon(self, record: TaxonRecord, problems: list[str]) -> None:
        key = name_key(record.name)
        parent = self._chain(record)
        existing = self.by_name.get(key)
        if existing is not None and existing.external_id.startswith("higher:"):
            existing.external_id, existing.author = record.external_id, record.author
            taxon = existing
        elif existing is not None:
            problems.append(f"{record.where}: {record.name} appears twice")
            return
        else:
            taxon = self._add(
                external_id=record.external_id,
                name=record.name,
                rank=record.rank,
                kingdom=record.kingdom,
                author=record.author,
                parent=parent,
            )
        self.by_name[key] = taxon
        self.by_external[record.external_id] = taxon
        for external_id, name, author, rank in record.synonyms:
            synonym = self._add(
                external_id=external_id,
                name=name,
                rank=rank,
                kingdom=record.kingdom,
                author=author,
                parent=parent,
                accepted=taxon,
            )
            self.by_external[external_id] = synonym
            self.synonyms[name_key(name)] = synonym
        for name, language in record.common_names:
            self.session.add(
                CommonName(
                    snapshot_id=self.snapshot.id,
                    taxon_id=taxon.id,
                    name=name,
                    name_key=name_key(name),
                    language=language,
                )
            )
        for listing in record.listings:
            self.session.add(
                Listing(
                    snapshot_id=self.snapshot.id,
                    taxon_id=taxon.id,
                    appendix=listing.appendix,
                    effective_from=listing.effective_from,
                    effective_to=None,
                    annotation=listing.annotation,
                    parties=",".join(listing.populations) or None,
                    excluded_parties=",".join(listing.excluded_populations) or None,
                    listed_by=listing.listed_by,
                )
            )
        for party, appendix, start in record.reservations:
            self.session.add(
                Reservation(
                    snapshot_id=self.snapshot.id,
                    taxon_id=taxon.id,
                    party=party,
                    appendix=appendix,
                    effective_from=start,
                    effective_to=None,
                )
            )

    def resolve(self, reference: str) -> Taxon | None:
        key = name_key(reference)
        found = self.by_external.get(reference) or self.by_name.get(key) or self.synonyms.get(key)
        if found is not None and found.accepted_id is not None:
            return self.session.get(Taxon, found.accepted_id)
        return found


def import_reference(
    session: Session, paths: list[Path] | None = None, *, actor: Actor
) -> Snapshot:
    """Import the files as the new current snapshot (the shipped dataset when none given).
    Every bad row is reported and nothing is stored; the same content as the current snapshot
    again changes nothing and returns that snapshot."""
    data, sha = read_files(paths or [DATASET])
    problems = [f"{p.where}: {p.message}" for p in data.problems]
    current = current_snapshot(session)
    if not problems and current is not None and current.sha256 == sha:
        return current
    if not data.taxa:
        if not problems:
            problems.append("no taxa: give a taxon_concepts file (measures refer to its taxa)")
        raise _invalid(problems)
    # Rows that read well may still name unknown taxa: build the snapshot in a savepoint to
    # find them too, so that every bad row is reported at once; then it is rolled back.
    savepoint = session.begin_nested()
    snapshot = Snapshot(
        imported_at=utcnow(), source="; ".join(data.sources)[:500], sha256=sha, counts="{}"
    )
    session.add(snapshot)
    session.flush()
    builder = _Builder(session, snapshot)
    for record in sorted(data.taxa, key=lambda r: RANKS.index(r.rank)):
        builder.taxon(record, problems)
    for suspension in data.suspensions:
        taxon = builder.resolve(suspension.taxon) if suspension.taxon else None
        if suspension.taxon and taxon is None:
            problems.append(
                f"{suspension.where}: suspension for {suspension.party}: unknown taxon "
                f"{suspension.taxon}"
            )
            continue
        session.add(
            Suspension(
                snapshot_id=snapshot.id,
                party=suspension.party,
                taxon_id=taxon.id if taxon else None,
                source_codes=",".join(suspension.source_codes) or None,
                purpose_codes=",".join(suspension.purpose_codes) or None,
                start_date=suspension.start,
                end_date=suspension.end,
                applies_to_import=suspension.applies_to_import,
                notes=suspension.notes,
            )
        )
    for quota in data.quotas:
        taxon = builder.resolve(quota.taxon)
        if taxon is None:
            problems.append(
                f"{quota.where}: quota of {quota.party} {quota.year}: unknown taxon {quota.taxon}"
            )
            continue
        session.add(
            Quota(
                snapshot_id=snapshot.id,
                party=quota.party,
                taxon_id=taxon.id,
                year=quota.year,
                quantity=quota.quantity,
                unit=quota.unit,
                term_code=quota.term_code,
                source_code=quota.source_code,
                notes=quota.notes,
            )
        )
    if problems:
        savepoint.rollback()  # nothing stored
        raise _invalid(sorted(problems, key=_in_file_order))
    savepoint.commit()
    session.flush()
    counts = {
        "taxa": _count(session, Taxon, snapshot.id),
        "listings": _count(session, Listing, snapshot.id),
        "reservations": _count(session, Reservation, snapshot.id),
        "suspensions": len(data.suspensions),
        "quotas": len(data.quotas),
    }
    snapshot.counts = json.dumps(counts)
    audit.record(
        session,
        actor=actor,
        action="species.import",
        object_type="species_snapshot",
        object_id=snapshot.id,
        details={"source": snapshot.source, "sha256": sha, **counts},
    )
    return snapshot


def _count(
    session: Session, model: type[Taxon] | type[Listing] | type[Reservation], sid: int
) -> int:
    return int(
        session.scalar(select(func.count()).select_from(model).where(model.snapshot_id == sid)) or 0
    )


def _in_file_order(problem: str) -> list[tuple[int, str]]:
    """Sorts "b.csv line 10: ..." after "b.csv line 9: ...": numbers compare as numbers."""
    where = problem.split(": ", 1)[0]
    return [(int(x), "") if x.isdigit() else (-1, x) for x in re.split(r"(\d+)", where)]


def _invalid(problems: list[str]) -> InvalidInput:
    return InvalidInput(
        f"the reference data has {len(problems)} bad row(s); nothing was imported",
        code="reference_data_invalid",
        details={"problems": problems},
    )
