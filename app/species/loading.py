"""Reading reference-data files into plain records, every bad row reported, nothing half-read.

Accepted inputs (see docs/species.md):
* JSON in the shape of the Species+ API's ``taxon_concepts`` answer (``{"taxon_concepts": [...]}``)
  with three eCITES additions on listings: ``populations``, ``excluded_populations`` and
  ``cites_reservations``;
* JSON in the shape of its ``cites_legislation`` answer (``cites_quotas``,
  ``cites_suspensions``), naming taxa by ``taxon_concept_id`` (of a taxon_concepts file loaded
  with it) or by ``full_name``;
* CSV measures, one per row: ``kind,party,taxon,year,quantity,unit,term_code,source_codes,
  purpose_codes,start_date,end_date,applies_to_import,notes`` (``kind`` suspension or quota;
  ``taxon`` a scientific name, empty for a Party-wide suspension).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

RANKS = ("KINGDOM", "PHYLUM", "CLASS", "ORDER", "FAMILY", "GENUS", "SPECIES", "SUBSPECIES")
HIGHER = ("kingdom", "phylum", "class", "order", "family", "genus")
KINGDOMS = ("Animalia", "Plantae")
APPENDICES = ("I", "II", "III")
CSV_COLUMNS = (
    "kind",
    "party",
    "taxon",
    "year",
    "quantity",
    "unit",
    "term_code",
    "source_codes",
    "purpose_codes",
    "start_date",
    "end_date",
    "applies_to_import",
    "notes",
)


@dataclass(frozen=True)
class Problem:
    where: str  # file and line or item, e.g. "measures.csv line 4"
    message: str


@dataclass(frozen=True)
class ListingRecord:
    appendix: str
    effective_from: date
    annotation: str | None
    populations: tuple[str, ...]
    excluded_populations: tuple[str, ...]
    listed_by: str | None


@dataclass(frozen=True)
class TaxonRecord:
    external_id: str
    name: str
    author: str | None
    rank: str
    kingdom: str
    higher: dict[str, str]
    synonyms: tuple[tuple[str, str, str | None, str], ...]  # (id, name, author, rank)
    common_names: tuple[tuple[str, str], ...]  # (name, language)
    listings: tuple[ListingRecord, ...]
    reservations: tuple[tuple[str, str, date], ...]  # (party, appendix, from)
    where: str = ""  # the file and line (or item) it was read from, for problems


@dataclass(frozen=True)
class SuspensionRecord:
    party: str
    taxon: str | None  # external id or scientific name; None: all trade
    source_codes: tuple[str, ...]
    purpose_codes: tuple[str, ...]
    start: date
    end: date | None
    applies_to_import: bool
    notes: str | None
    where: str = ""  # the file and line (or item) it was read from, for problems


@dataclass(frozen=True)
class QuotaRecord:
    party: str
    taxon: str
    year: int
    quantity: Decimal
    unit: str
    term_code: str | None
    source_code: str | None
    notes: str | None
    where: str = ""  # the file and line (or item) it was read from, for problems


@dataclass
class ReferenceData:
    taxa: list[TaxonRecord] = field(default_factory=list)
    suspensions: list[SuspensionRecord] = field(default_factory=list)
    quotas: list[QuotaRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


class RowError(ValueError):
    pass


def _text(item: dict[str, Any], key: str, *, required: bool = True) -> str | None:
    value = item.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise RowError(f"{key} is missing")
        return None
    if not isinstance(value, str | int):
        raise RowError(f"{key} must be text")
    return str(value).strip()


def _date(value: Any, key: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        raise RowError(f"{key} {value!r} is not a date (YYYY-MM-DD)") from None


def _party(value: Any, key: str) -> str:
    if isinstance(value, dict):
        value = value.get("iso_code2")
    code = str(value or "").strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise RowError(f"{key} {value!r} is not an ISO 3166-1 alpha-2 code")
    return code


def _parties(value: Any, key: str) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise RowError(f"{key} must be a list of ISO codes")
    return tuple(_party(x, key) for x in items)


def _listing(item: dict[str, Any]) -> ListingRecord:
    appendix = _text(item, "appendix")
    if appendix not in APPENDICES:
        raise RowError(f"appendix {appendix!r} is not I, II or III")
    listed_by = _party(item["party"], "party") if item.get("party") else None
    if appendix == "III" and listed_by is None:
        raise RowError("an Appendix III listing names the listing Party (party)")
    return ListingRecord(
        appendix=appendix,
        effective_from=_date(item.get("effective_at"), "effective_at"),
        annotation=_text(item, "annotation", required=False),
        populations=_parties(item.get("populations"), "populations"),
        excluded_populations=_parties(item.get("excluded_populations"), "excluded_populations"),
        listed_by=listed_by,
    )


def _taxon(item: dict[str, Any]) -> TaxonRecord:
    if not isinstance(item, dict):
        raise RowError("a taxon concept must be an object")
    name = _text(item, "full_name")
    assert name is not None
    rank = (_text(item, "rank") or "").upper()
    if rank not in RANKS:
        raise RowError(f"rank {rank!r} is not one of {', '.join(RANKS)}")
    higher_raw = item.get("higher_taxa") or {}
    if not isinstance(higher_raw, dict):
        raise RowError("higher_taxa must be an object")
    higher = {k: str(v).strip() for k, v in higher_raw.items() if k in HIGHER and v}
    kingdom = name if rank == "KINGDOM" else higher.get("kingdom", "")
    if kingdom not in KINGDOMS:
        raise RowError(f"kingdom {kingdom!r} is not Animalia or Plantae")
    synonyms = tuple(
        (
            str(s.get("id") or f"{item.get('id')}-syn{n}"),
            _text(s, "full_name") or "",
            _text(s, "author_year", required=False),
            str(s.get("rank") or rank).upper(),
        )
        for n, s in enumerate(item.get("synonyms") or [])
    )
    commons = tuple(
        (_text(c, "name") or "", (_text(c, "language", required=False) or "EN").upper()[:5])
        for c in item.get("common_names") or []
    )
    return TaxonRecord(
        external_id=str(_text(item, "id")),
        name=" ".join(name.split()),
        author=_text(item, "author_year", required=False),
        rank=rank,
        kingdom=kingdom,
        higher=higher,
        synonyms=synonyms,
        common_names=commons,
        listings=tuple(_listing(x) for x in item.get("cites_listings") or []),
        reservations=tuple(
            (
                _party(r.get("party"), "party"),
                _text(r, "appendix") or "",
                _date(r.get("effective_at"), "effective_at"),
            )
            for r in item.get("cites_reservations") or []
        ),
    )


def _suspension(item: dict[str, Any]) -> SuspensionRecord:
    party = item.get("party") or item.get("geo_entity")
    taxon = item.get("taxon_concept_id") or item.get("full_name") or item.get("taxon")
    return SuspensionRecord(
        party=_party(party, "party"),
        taxon=str(taxon).strip() if taxon else None,
        source_codes=tuple(_codes(item.get("source_codes") or item.get("sources"))),
        purpose_codes=tuple(_codes(item.get("purpose_codes") or item.get("purposes"))),
        start=_date(item.get("start_date"), "start_date"),
        end=_date(item["end_date"], "end_date") if item.get("end_date") else None,
        applies_to_import=_bool(item.get("applies_to_import")),
        notes=_text(item, "notes", required=False),
    )


def _quota(item: dict[str, Any]) -> QuotaRecord:
    taxon = item.get("taxon_concept_id") or item.get("full_name") or item.get("taxon")
    if not taxon:
        raise RowError("a quota names its taxon")
    unit = item.get("unit")
    if isinstance(unit, dict):
        unit = unit.get("code")
    try:
        quantity = Decimal(str(item.get("quota", item.get("quantity"))))
        year = int(str(item.get("year")))
    except (InvalidOperation, ValueError):
        raise RowError("quota and year must be numbers") from None
    if quantity < 0 or not quantity.is_finite():
        raise RowError("a quota is zero or more")
    return QuotaRecord(
        party=_party(item.get("party") or item.get("geo_entity"), "party"),
        taxon=str(taxon).strip(),
        year=year,
        quantity=quantity,
        unit=str(unit or "NAR").strip().upper() or "NAR",
        term_code=(str(item["term_code"]).strip().upper() if item.get("term_code") else None),
        source_code=_one_source(item.get("source_code") or item.get("source_codes")),
        notes=_text(item, "notes", required=False),
    )


def _one_source(value: Any) -> str | None:
    codes = _codes(value)
    if len(codes) > 1:
        raise RowError("a quota names at most one source code")
    return codes[0] if codes else None


def _codes(value: Any) -> list[str]:
    if not value:
        return []
    items = value.replace(";", ",").split(",") if isinstance(value, str) else value
    return [str(x).strip().upper() for x in items if str(x).strip()]


def _bool(value: Any) -> bool:
    return str(value).strip().lower() in {"true", "1", "yes", "y"}


def _each(
    data: ReferenceData, where: str, items: Any, reader: Any, into: list[Any], label: str
) -> None:
    if not isinstance(items, list):
        data.problems.append(Problem(where, f"{label} must be a list"))
        return
    for index, item in enumerate(items, start=1):
        try:
            into.append(dataclasses.replace(reader(item), where=f"{where} {label} item {index}"))
        except (RowError, KeyError, TypeError, AttributeError) as exc:
            data.problems.append(Problem(f"{where} {label} item {index}", str(exc)))


def read_json(data: ReferenceData, name: str, text: str) -> None:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        data.problems.append(Problem(f"{name} line {exc.lineno}", f"not JSON: {exc.msg}"))
        return
    if not isinstance(document, dict):
        data.problems.append(Problem(name, "the file must hold a JSON object"))
        return
    known = {"taxon_concepts", "cites_suspensions", "cites_quotas"}
    if not known & set(document):
        data.problems.append(Problem(name, f"no {', '.join(sorted(known))} in the file"))
    if "taxon_concepts" in document:
        _each(data, name, document["taxon_concepts"], _taxon, data.taxa, "taxon_concepts")
    if "cites_suspensions" in document:
        _each(
            data,
            name,
            document["cites_suspensions"],
            _suspension,
            data.suspensions,
            "cites_suspensions",
        )
    if "cites_quotas" in document:
        _each(data, name, document["cites_quotas"], _quota, data.quotas, "cites_quotas")
    data.sources.append(str(document.get("source") or name))


def read_csv(data: ReferenceData, name: str, text: str) -> None:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        data.problems.append(Problem(f"{name} line 1", f"missing columns: {', '.join(missing)}"))
        return
    for row in reader:
        where = f"{name} line {reader.line_num}"
        kind = (row.get("kind") or "").strip().lower()
        try:
            if kind == "suspension":
                data.suspensions.append(dataclasses.replace(_suspension(row), where=where))
            elif kind == "quota":
                data.quotas.append(dataclasses.replace(_quota(row), where=where))
            else:
                raise RowError(f"kind {kind!r} is not suspension or quota")
        except (RowError, KeyError, TypeError) as exc:
            data.problems.append(Problem(where, str(exc)))
    data.sources.append(name)
