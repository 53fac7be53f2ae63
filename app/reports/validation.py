"""The Trade Database's rules, applied to each row before the report leaves the service:
required values, code lists, a positive numeric quantity, a four-digit year, and an appendix
the taxon was listed in during the year (for the specimens' population).

Pure: the species reference data comes in as a function (``Listed``), so the rules run
without a database in tests; app/reports/listings.py answers it from app.species."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from app.codelists import lists
from app.reports.rows import TradeRow, quantity_text
from app.reports.schemas import View

Listed = Callable[[str, str | None], frozenset[str] | None]
"""(scientific name, origin country) -> the appendices the taxon was in during the year for
that population (empty: not listed at all); None when the name is not in the species data."""

APPENDICES = frozenset({"I", "II", "III"})


@dataclass(frozen=True, slots=True)
class Problem:
    row: int  # the data row: 1 is the first row after the header
    document: str
    line: str
    column: str
    value: str | None
    code: str
    message: str


Finding = tuple[str, str | None, str, str]  # column, value, code, message
# the values a row's findings depend on, but quantity and year (one tuple, built in C)
_CODED = attrgetter(
    "appendix",
    "species_name",
    "term_code",
    "unit_code",
    "trading_partner",
    "country_of_origin",
    "purpose_code",
    "source_code",
)
MAX_REMEMBERED = 10_000  # combinations of coded values remembered (a few hundred bytes each)


class Validator:
    """Checks the rows of one report (one Party, year and view).

    Rows repeat the same few species, codes and partners: the findings on a combination of
    those values are worked out once and remembered (up to ``MAX_REMEMBERED`` combinations,
    so memory stays bounded), leaving the quantity as the only check made on every row."""

    def __init__(self, *, party: str, year: int, view: View, listed: Listed | None) -> None:
        codes = lists.code_lists()
        self.party, self.year, self.view, self.listed = party, year, view, listed
        self.terms = frozenset(codes.term)
        self.units = frozenset(codes.unit)
        self.countries = frozenset(codes.country)
        self.purposes = frozenset(codes.purpose)
        self.sources = frozenset(codes.source)
        self._remembered: dict[tuple[Any, ...], tuple[Finding, ...]] = {}

    def check(self, number: int, row: TradeRow) -> list[Problem]:
        """The row's problems (none: the row is valid). ``number`` is its data row."""
        key = _CODED(row)
        findings = self._remembered.get(key)
        if findings is None:
            if len(self._remembered) >= MAX_REMEMBERED:
                self._remembered.clear()
            findings = self._remembered[key] = tuple(self._coded(row))
        quantity = row.quantity
        if (
            not findings
            and quantity is not None
            and quantity.is_finite()
            and quantity > 0
            and 1000 <= row.year <= 9999
        ):
            return []
        found = list(findings)
        if quantity is None:
            found.append(("Quantity", None, "missing_value", "Quantity is required"))
        elif not quantity.is_finite() or quantity <= 0:
            text = quantity_text(quantity) if quantity.is_finite() else str(quantity)
            positive = "Quantity must be a number above 0"
            found.append(("Quantity", text, "invalid_quantity", positive))
        if not 1000 <= row.year <= 9999:
            found.append(("Year", str(row.year), "invalid_year", "Year must have four digits"))
        return [Problem(number, row.document, row.line, *finding) for finding in found]

    def _coded(self, row: TradeRow) -> list[Finding]:
        """The findings on the row's species and coded values (everything but quantity and
        year)."""
        found: list[Finding] = []
        for column, value in (
            ("Appendix", row.appendix),
            ("SpeciesName", row.species_name),
            ("TermCode", row.term_code),
            ("TradingPartner", row.trading_partner),
        ):
            if not value:
                found.append((column, None, "missing_value", f"{column} is required"))
        if row.appendix and row.appendix not in APPENDICES:
            roman = "Appendix must be I, II or III"
            found.append(("Appendix", row.appendix, "unknown_code", roman))
        for column, value, known, what in (
            ("TermCode", row.term_code, self.terms, "term"),
            ("UnitCode", row.unit_code, self.units, "unit (UN/ECE Rec. 20)"),
            ("TradingPartner", row.trading_partner, self.countries, "country"),
            ("CountryOfOrigin", row.country_of_origin, self.countries, "country"),
            ("PurposeCode", row.purpose_code, self.purposes, "purpose"),
            ("SourceCode", row.source_code, self.sources, "source"),
        ):
            if value and value not in known:
                found.append(
                    (column, value, "unknown_code", f"{value!r} is not a CITES {what} code")
                )
        if row.trading_partner == self.party:
            found.append(
                (
                    "TradingPartner",
                    row.trading_partner,
                    "trading_partner_is_reporter",
                    "the trading partner is the reporting Party itself",
                )
            )
        if self.listed is not None and row.species_name:
            found += self._listing(self.listed, row.species_name, row)
        return found

    def _listing(self, listed: Listed, name: str, row: TradeRow) -> list[Finding]:
        exporter = self.party if self.view is View.EXPORTER else row.trading_partner
        origin = row.country_of_origin or exporter
        appendices = listed(name, origin)
        if appendices is None:
            unknown = f"{name} is not in the species reference data"
            return [("SpeciesName", name, "species_unknown", unknown)]
        if row.appendix in APPENDICES and row.appendix not in appendices:
            where = f" (specimens of {origin} origin)" if origin else ""
            message = (
                f"{name} was in Appendix {' or '.join(sorted(appendices))} in {self.year}{where}, "
                f"not in Appendix {row.appendix}"
                if appendices
                else f"{name} was not listed in {self.year}{where}"
            )
            return [("Appendix", row.appendix, "appendix_not_valid_for_taxon", message)]
        return []
