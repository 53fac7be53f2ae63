"""Synthetic species reference data for the checks and autocomplete benchmarks, bulk-inserted
with SQLAlchemy Core (executemany in chunks), as one snapshot. Not timed.

A taxonomy of invented Latin names shaped like the real one (two kingdoms; phyla, classes,
orders, families, genera; species, a few subspecies; synonyms; English common names for a
fifth of the species), CITES listings on every level (higher-taxon listings, population splits,
Appendix III with a listing Party), reservations, suspensions and export quotas spread over the
world's Parties (a few exporters hold many quotas), quota ledger accounts with entries held by
issued permits, and a few national measures. The same seed gives the same data on every
backend."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pycountry
from sqlalchemy import Connection, select

from app.permits.models import Permit
from app.species.models import (
    CommonName,
    Listing,
    NationalMeasure,
    Quota,
    QuotaAccount,
    QuotaLedgerEntry,
    Reservation,
    Snapshot,
    Suspension,
    Taxon,
)
from app.species.service import name_key
from bench.seed import insert_rows, sync_sequences

PARTIES = tuple(sorted(c.alpha_2 for c in pycountry.countries))
HOME = "CH"
FOREIGN = tuple(p for p in PARTIES if p != HOME)
# (rank, how many of it per genus): 4,000 genera in 800 families ... for 50,000 taxa
SHAPE = (
    *(("PHYLUM", 1 / 500), ("CLASS", 1 / 125), ("ORDER", 1 / 25)),
    *(("FAMILY", 1 / 5), ("GENUS", 1.0)),
)
GENERA_PER_TAXON = 1 / 12.5


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SYLLABLES = _words(
    "ca la ma ri to pe no su xe lo dra phy cro gan mel tur vi bo sa ne co ter lu pa or an ex "
    "pho the chi ly mu zo ra gi ce pri sto"
)
ENDINGS = {"PHYLUM": "phyta", "CLASS": "opsida", "ORDER": "ales", "FAMILY": "idae", "GENUS": ""}
EPITHETS = _words("us a um is ensis oides ata atus ii ae ica icus ina inus osa osus")
TERMS = ("LIV", "SKI", "TRO", "MEA", "CAV", "TIM")
COMMON = _words("striped spotted lesser greater mountain river desert forest golden black")
KINDS = _words("frog orchid lizard palm parrot coral shark fern tortoise moth")
SEEDED = (
    *("taxon", "taxon_common_name", "cites_listing", "cites_reservation", "cites_suspension"),
    *("cites_quota", "quota_account", "quota_ledger_entry", "national_measure"),
)
SUSPENSIONS_PARTY_WIDE = 0.25
SYNONYM_SHARE = 0.1  # of the taxa: synonyms of species


@dataclass
class SpeciesData:
    """What was written, for the benchmark to draw its requests from and for the report."""

    species: list[tuple[int, str]] = field(default_factory=list)  # (id, accepted name)
    synonyms: list[str] = field(default_factory=list)
    common_names: list[str] = field(default_factory=list)
    # exporter -> [(taxon id, term, source, unit)] of its quotas for the current year
    quotas: dict[str, list[tuple[int, str | None, str | None, str]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables))


class _Names:
    """Unique invented names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.used = rng, set[str]()

    def higher(self, rank: str) -> str:
        while True:
            name = (_word(self.rng, self.rng.randint(2, 3)) + ENDINGS[rank]).capitalize()
            if name not in self.used:
                self.used.add(name)
                return name

    def species(self, genus: str) -> str:
        while True:
            name = f"{genus} {_word(self.rng, self.rng.randint(1, 3))}{self.rng.choice(EPITHETS)}"
            if name not in self.used:
                self.used.add(name)
                return name


def zipf(rng: random.Random, items: Sequence[Any]) -> Any:
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(items))))
    return items[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


def seed(
    conn: Connection,
    rng: random.Random,
    *,
    taxa: int,
    suspensions: int,
    quotas: int,
    today: date,
    now: datetime,
) -> SpeciesData:
    """Write one snapshot of about ``taxa`` names (accepted, higher and synonyms) with its
    listings, ``suspensions`` suspensions and ``quotas`` quotas; returns what it wrote."""
    data, names = SpeciesData(), _Names(rng)
    insert_rows(
        conn,
        Snapshot,
        [{"id": 1, "imported_at": now, "source": "bench", "sha256": "0" * 64, "counts": "{}"}],
    )
    rows: list[dict[str, Any]] = []

    def taxon(name: str, rank: str, kingdom: str, parent: dict[str, Any] | None) -> dict[str, Any]:
        row = {
            "id": len(rows) + 1,
            "snapshot_id": 1,
            "external_id": str(len(rows) + 1),
            "name": name,
            "name_key": name_key(name),
            "author": None,
            "rank": rank,
            "kingdom": kingdom,
            "parent_id": parent["id"] if parent else None,
            "accepted_id": None,
            "path": f"{parent['path'] if parent else ''}/{len(rows) + 1}",
        }
        rows.append(row)
        return row

    levels: list[list[dict[str, Any]]] = [
        [
            taxon("Animalia", "KINGDOM", "Animalia", None),
            taxon("Plantae", "KINGDOM", "Plantae", None),
        ]
    ]
    wanted = max(2, int(taxa * GENERA_PER_TAXON))  # genera
    for rank, share in SHAPE:
        parents = levels[-1]
        count = max(len(parents), int(wanted * share))  # every parent has a child
        levels.append(
            [
                taxon(names.higher(rank), rank, parent["kingdom"], parent)
                for parent in (parents[i % len(parents)] for i in range(count))
            ]
        )
    genera = levels[-1]
    accepted_species = int((taxa - len(rows)) * (1 - SYNONYM_SHARE))
    species_rows = [
        taxon(names.species(genus["name"]), "SPECIES", genus["kingdom"], genus)
        for genus in (rng.choice(genera) for _ in range(accepted_species))
    ]
    while len(rows) < taxa:
        accepted = rng.choice(species_rows)
        synonym = taxon(names.species(names.higher("GENUS")), "SPECIES", accepted["kingdom"], None)
        synonym.update(accepted_id=accepted["id"], path="")
        data.synonyms.append(synonym["name"])
    insert_rows(conn, Taxon, rows)
    data.species = [(r["id"], r["name"]) for r in species_rows]
    _common_names(conn, rng, species_rows, data)
    _listings(conn, rng, levels, species_rows, today)
    _measures(conn, rng, species_rows, suspensions, quotas, today, now, data)
    sync_sequences(conn, SEEDED)
    data.counts.update(taxa=len(rows), species=len(species_rows), synonyms=len(data.synonyms))
    return data


def _common_names(
    conn: Connection, rng: random.Random, species: list[dict[str, Any]], data: SpeciesData
) -> None:
    rows = []
    for row in rng.sample(species, len(species) // 5):
        name = f"{rng.choice(COMMON).capitalize()} {row['name'].split()[1]} {rng.choice(KINDS)}"
        rows.append(
            {"snapshot_id": 1, "taxon_id": row["id"], "name": name, "name_key": name_key(name)}
        )
        rows[-1]["language"] = "EN"
        data.common_names.append(name)
    insert_rows(conn, CommonName, [{"id": i + 1, **r} for i, r in enumerate(rows)])
    data.counts["common_names"] = len(rows)


def _listings(
    conn: Connection,
    rng: random.Random,
    levels: list[list[dict[str, Any]]],
    species: list[dict[str, Any]],
    today: date,
) -> None:
    """Listings on a tenth of the orders, families and genera and a sixth of the species (a few
    split by population, a few in Appendix III), and reservations on some of them."""
    rows: list[dict[str, Any]] = []

    def listing(taxon_id: int, appendix: str, **extra: Any) -> None:
        start = today - timedelta(days=rng.randint(200, 15_000))
        rows.append(
            {
                "snapshot_id": 1,
                "taxon_id": taxon_id,
                "appendix": appendix,
                "effective_from": start,
                "effective_to": None,
                "annotation": extra.get("annotation"),
                "parties": extra.get("parties"),
                "excluded_parties": extra.get("excluded_parties"),
                "listed_by": extra.get("listed_by"),
            }
        )

    for level in levels[3:]:  # orders, families, genera
        for row in rng.sample(level, len(level) // 10):
            listing(row["id"], "II", annotation="All species of the taxon.")
    for row in rng.sample(species, len(species) // 6):
        draw = rng.random()
        if draw < 0.1:
            split = ",".join(sorted(rng.sample(PARTIES, 4)))
            listing(row["id"], "I", excluded_parties=split)
            listing(row["id"], "II", parties=split)
        elif draw < 0.15:
            listing(row["id"], "III", listed_by=rng.choice(PARTIES))
        else:
            listing(row["id"], "I" if draw < 0.35 else "II")
    insert_rows(conn, Listing, [{"id": i + 1, **r} for i, r in enumerate(rows)])
    reservations = [
        {
            "id": i + 1,
            "snapshot_id": 1,
            "taxon_id": row["taxon_id"],
            "party": rng.choice(PARTIES),
            "appendix": row["appendix"],
            "effective_from": row["effective_from"],
            "effective_to": None,
        }
        for i, row in enumerate(rng.sample(rows, len(rows) // 40))
    ]
    insert_rows(conn, Reservation, reservations)


def _measures(
    conn: Connection,
    rng: random.Random,
    species: list[dict[str, Any]],
    suspensions: int,
    quotas: int,
    today: date,
    now: datetime,
    data: SpeciesData,
) -> None:
    """Suspensions, quotas (with ledger accounts and entries held by issued permits) and
    national measures."""
    suspension_rows = []
    for i in range(suspensions):
        taxon = None if rng.random() < SUSPENSIONS_PARTY_WIDE else rng.choice(species)
        start = today - timedelta(days=rng.randint(30, 6_000))
        ended = rng.random() < 0.3
        suspension_rows.append(
            {
                "id": i + 1,
                "snapshot_id": 1,
                "party": rng.choice(FOREIGN),  # none against this Party itself
                "taxon_id": taxon["parent_id"]
                if taxon and rng.random() < 0.3
                else (taxon["id"] if taxon else None),
                "source_codes": "W" if rng.random() < 0.2 else None,
                "purpose_codes": "T" if rng.random() < 0.2 else None,
                "start_date": start,
                "end_date": start + timedelta(days=rng.randint(10, 2_000)) if ended else None,
                "applies_to_import": rng.random() < 0.2,
                "notes": "benchmark suspension",
            }
        )
    insert_rows(conn, Suspension, suspension_rows)
    exporters = list(PARTIES)
    rng.shuffle(exporters)
    exporters = [HOME, *[p for p in exporters if p != HOME][:79]]
    quota_rows = []
    for i in range(quotas):
        taxon = rng.choice(species)
        party, year = zipf(rng, exporters), today.year - (rng.random() < 0.3)
        unit = "KGM" if rng.random() < 0.3 else "NAR"
        term = rng.choice(TERMS) if rng.random() < 0.5 else None
        source = "W" if rng.random() < 0.4 else None
        quota_rows.append(
            {
                "id": i + 1,
                "snapshot_id": 1,
                "party": party,
                "taxon_id": taxon["id"],
                "year": year,
                "quantity": rng.choice((0, 10, 50, 200, 1000, 5000)),
                "unit": unit,
                "term_code": term,
                "source_code": source,
                "notes": None,
            }
        )
        if year == today.year:
            data.quotas.setdefault(party, []).append((taxon["id"], term, source, unit))
    insert_rows(conn, Quota, quota_rows)
    _ledger(conn, rng, quota_rows, {r["id"]: r for r in species}, today, now)
    measure_rows = [
        {
            "id": i + 1,
            "party": HOME,
            "taxon_name": taxon["name"],
            "taxon_key": taxon["name_key"],
            "direction": rng.choice(("export", "import", "both")),
            "purpose_codes": "T" if rng.random() < 0.5 else None,
            "source_codes": None,
            "start_date": today - timedelta(days=365),
            "end_date": None,
            "reason": "benchmark national measure",
            "created_at": now,
            "created_by_id": None,
            "withdrawn_at": None,
            "withdrawn_by_id": None,
            "withdrawal_reason": None,
        }
        for i, taxon in enumerate(rng.sample(species, 50))
    ]
    insert_rows(conn, NationalMeasure, measure_rows)
    data.counts.update(suspensions=suspensions, quotas=quotas, national_measures=len(measure_rows))


def _ledger(
    conn: Connection,
    rng: random.Random,
    quota_rows: list[dict[str, Any]],
    species: dict[int, dict[str, Any]],
    today: date,
    now: datetime,
) -> None:
    """An account for each current quota, with a few entries each on the seeded permits."""
    permit_ids = list(conn.scalars(select(Permit.id).order_by(Permit.id)))
    accounts: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    columns = ("party", "year", "taxon_key", "unit", "term_code", "source_code")
    for quota in quota_rows:
        taxon = species[quota["taxon_id"]]
        identity: tuple[Any, ...] = (quota["party"], quota["year"], taxon["name_key"])
        identity += (quota["unit"], quota["term_code"] or "", quota["source_code"] or "")
        if identity in seen or not permit_ids:
            continue
        seen.add(identity)
        account_id = len(accounts) + 1
        account = dict(zip(columns, identity, strict=True))
        accounts.append(
            {**account, "id": account_id, "taxon_name": taxon["name"], "created_at": now}
        )
        for _ in range(rng.randint(0, 4)):
            status = rng.choice(("reserved", "reserved", "consumed", "released"))
            quantity = rng.randint(1, 20)
            entries.append(
                {
                    "id": len(entries) + 1,
                    "account_id": account_id,
                    "permit_id": rng.choice(permit_ids),
                    "line": "A",
                    "status": status,
                    "quantity": quantity,
                    "consumed": quantity if status == "consumed" else None,
                    "over_quota": False,
                    "expires_on": today + timedelta(days=rng.randint(-60, 180)),
                    "created_at": now,
                    "changed_at": None,
                }
            )
    insert_rows(conn, QuotaAccount, accounts)
    insert_rows(conn, QuotaLedgerEntry, entries)
