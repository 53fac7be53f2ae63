"""The compliance rules: pure functions of an intended trade and the reference facts about it.

Each rule has a stable code, a severity (``block``: the permit must not be issued as it is;
``warn``: an officer must look and acknowledge) and a plain explanation that cites the rule.
The service (app/checks/service.py) gathers the facts (app/checks/facts.py); nothing here reads
a database. The Convention's own document rules are in app/checks/convention.py."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from app.checks import convention
from app.checks.facts import (
    ImportPermitFact,
    LineFacts,
    MeasureFact,
    QuotaFact,
    Result,
    Severity,
    SuspensionFact,
    Trade,
)
from app.codelists.units import convert

__all__ = [
    "CODES",
    "ImportPermitFact",
    "LineFacts",
    "MeasureFact",
    "QuotaFact",
    "Result",
    "Severity",
    "SuspensionFact",
    "Trade",
    "run",
]


COMMERCIAL_SOURCES = frozenset({"W", "R", "F", "X"})
ANIMAL_ONLY = frozenset({"C", "F", "R"})
PLANT_ONLY = frozenset({"A", "Y"})


def _suspension(trade: Trade, line: LineFacts) -> list[Result]:
    out = []
    for s in line.suspensions:
        if s.party == trade.importer_country and not s.applies_to_import:
            continue
        if s.party not in (trade.exporter_country, trade.importer_country):
            continue
        if not (s.start <= trade.on and (s.end is None or trade.on <= s.end)):
            continue
        if s.source_codes and line.source_code not in s.source_codes:
            continue
        if s.purpose_codes and trade.purpose_code not in s.purpose_codes:
            continue
        scope = f"in {s.taxon_name}" if s.taxon_name else "in all CITES species"
        out.append(
            Result(
                "suspension",
                Severity.BLOCK,
                f"Trade {scope} with {s.party} is suspended since {s.start.isoformat()} on the "
                f"Standing Committee's recommendation (Art. XIII; Res. Conf. 14.3)"
                + (f": {s.notes}" if s.notes else "."),
                line.letter,
            )
        )
    return out


def _appendix_i_commercial(trade: Trade, line: LineFacts) -> list[Result]:
    if line.appendix != "I" or trade.purpose_code != "T":
        return []
    if line.source_code not in COMMERCIAL_SOURCES:
        return []
    if {trade.exporter_country, trade.importer_country} & line.reservations:
        return []
    return [
        Result(
            "appendix_i_commercial",
            Severity.BLOCK,
            f"{line.accepted_name} is in Appendix I: specimens of source {line.source_code} may "
            "not be traded for primarily commercial purposes (purpose T) (Art. III(3)(c), "
            "Res. Conf. 5.10).",
            line.letter,
        )
    ]


def _quota(trade: Trade, line: LineFacts) -> list[Result]:
    out: list[Result] = []
    if trade.document_type not in ("E", "R"):
        return out
    for q in line.quotas:
        if q.party != trade.exporter_country or q.year != trade.on.year:
            continue
        if q.term_code and q.term_code != line.term_code:
            continue
        if q.source_code and q.source_code != line.source_code:
            continue
        asked = convert(line.quantity, line.unit, q.unit)
        if asked is None:
            out.append(
                Result(
                    "quota_unit_differs",
                    Severity.WARN,
                    f"{q.party}'s {q.year} export quota for {q.taxon_name} is in {q.unit}, this "
                    f"line in {line.unit}: convert and check it by hand.",
                    line.letter,
                )
            )
            continue
        earlier = Decimal(0)  # this trade's earlier lines on the same quota
        for other in trade.lines[: trade.lines.index(line)]:
            if any(x.id == q.id for x in other.quotas):
                earlier += convert(other.quantity, other.unit, q.unit) or Decimal(0)
        if q.used + earlier + asked > q.quantity:
            zero = " (a zero quota: no export)" if q.quantity == 0 else ""
            converted = "" if line.unit == q.unit else f" ({asked.normalize():f} {q.unit})"
            out.append(
                Result(
                    "quota_exceeded",
                    Severity.BLOCK,
                    f"{q.party}'s {q.year} export quota for {q.taxon_name} is {q.quantity} {q.unit}"
                    f"{zero}; {q.used + earlier} are already issued, exported, pending or on "
                    f"earlier lines, and this line asks {line.quantity}{converted} "
                    "(Res. Conf. 14.7).",
                    line.letter,
                )
            )
    return out


def _national_measure(trade: Trade, line: LineFacts) -> list[Result]:
    out = []
    for m in line.measures:
        exporting = m.party == trade.exporter_country and m.direction in ("export", "both")
        importing = m.party == trade.importer_country and m.direction in ("import", "both")
        if not (exporting or importing):
            continue
        if not (m.start <= trade.on and (m.end is None or trade.on <= m.end)):
            continue
        if m.purpose_codes and trade.purpose_code not in m.purpose_codes:
            continue
        if m.source_codes and line.source_code not in m.source_codes:
            continue
        scope = "".join(
            (
                f" for purpose {trade.purpose_code}" if m.purpose_codes else "",
                f" of source {line.source_code}" if m.source_codes else "",
            )
        )
        out.append(
            Result(
                "national_measure",
                Severity.BLOCK,
                f"{m.party} does not allow the {'export' if exporting else 'import'} of "
                f"{m.taxon_name}{scope} since {m.start.isoformat()}: a stricter domestic "
                f"measure (Art. XIV(1)(a)): {m.reason}",
                line.letter,
            )
        )
    return out


def _source_kingdom(_trade: Trade, line: LineFacts) -> list[Result]:
    if line.kingdom == "Plantae" and line.source_code in ANIMAL_ONLY:
        what = "animals"
    elif line.kingdom == "Animalia" and line.source_code in PLANT_ONLY:
        what = "plants"
    else:
        return []
    return [
        Result(
            "source_kingdom",
            Severity.BLOCK,
            f"Source {line.source_code} is for {what} only; {line.accepted_name} is in "
            f"{line.kingdom} (Res. Conf. 12.3, source codes).",
            line.letter,
        )
    ]


def _source_unknown(_trade: Trade, line: LineFacts) -> list[Result]:
    if line.source_code != "U":
        return []
    return [
        Result(
            "source_unknown",
            Severity.WARN,
            "Source U (unknown) must be justified: the officer records why the source cannot be "
            "established (Res. Conf. 12.3).",
            line.letter,
        )
    ]


def _listing(trade: Trade, line: LineFacts) -> list[Result]:
    if line.accepted_name is None:
        return [
            Result(
                "name_not_found",
                Severity.WARN,
                f"{line.scientific_name} is not in the reference data: check the name (and "
                "whether it is CITES-listed at all).",
                line.letter,
            )
        ]
    if line.appendix is None:
        return [
            Result(
                "not_listed",
                Severity.WARN,
                f"{line.accepted_name} is not listed in the CITES Appendices on "
                f"{trade.on.isoformat()} for specimens of {line.origin_country or 'this origin'}.",
                line.letter,
            )
        ]
    out = []
    if line.accepted_name.lower() != " ".join(line.scientific_name.lower().split()):
        out.append(
            Result(
                "synonym_used",
                Severity.WARN,
                f"{line.scientific_name} is a synonym; the accepted name is {line.accepted_name}.",
                line.letter,
            )
        )
    if line.declared_appendix and line.declared_appendix != line.appendix:
        out.append(
            Result(
                "appendix_mismatch",
                Severity.BLOCK,
                f"{line.accepted_name} of {line.origin_country or 'this origin'} is in Appendix "
                f"{line.appendix} on {trade.on.isoformat()}, not {line.declared_appendix}.",
                line.letter,
            )
        )
    return out


LINE_RULES: tuple[Callable[[Trade, LineFacts], list[Result]], ...] = (
    _listing,
    _suspension,
    _national_measure,
    _appendix_i_commercial,
    _quota,
    convention.appendix_i_import_permit,
    convention.appendix_i_import_commercial,
    convention.appendix_iii_origin,
    _source_kingdom,
    _source_unknown,
)
TRADE_RULES: tuple[Callable[[Trade], list[Result]], ...] = (
    convention.exporter_importer,
    convention.validity,
)

CODES = (
    "suspension",
    "national_measure",
    "appendix_i_commercial",
    "quota_exceeded",
    "quota_unit_differs",
    "appendix_i_import_permit",
    "appendix_i_import_commercial",
    "appendix_iii_origin",
    "source_kingdom",
    "source_unknown",
    "name_not_found",
    "not_listed",
    "synonym_used",
    "appendix_mismatch",
    "same_exporter_importer",
    "validity_in_past",
    "validity_too_long",
)


def run(trade: Trade) -> list[Result]:
    """Every rule over the trade: trade-wide results first, then line by line."""
    results = [r for rule in TRADE_RULES for r in rule(trade)]
    for line in trade.lines:
        results += [r for rule in LINE_RULES for r in rule(trade, line)]
    return results
