"""One report row per permit line, and how it is written: the Trade Database's columns in
their order, quantities as exact decimals, several permit numbers joined by ``;``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.reports.schemas import View

EXPORTER_COLUMNS = (
    "Appendix",
    "SpeciesName",
    "TermCode",
    "Quantity",
    "UnitCode",
    "TradingPartner",
    "CountryOfOrigin",
    "ExportPermit",
    "OriginPermit",
    "PurposeCode",
    "SourceCode",
    "Year",
)
IMPORTER_COLUMNS = (*EXPORTER_COLUMNS[:7], "ImportPermit", *EXPORTER_COLUMNS[7:])
SEPARATOR = ";"  # between several permit numbers in one cell


def columns(view: View) -> tuple[str, ...]:
    return EXPORTER_COLUMNS if view is View.EXPORTER else IMPORTER_COLUMNS


@dataclass(slots=True)
class TradeRow:
    """A report row, plus where it comes from (``document``, ``line``) and when the trade
    happened (``traded_on``: the border event's date, or on the issued basis the moment of
    issue; as the database driver gives it: a date, a datetime, or ISO text on SQLite, read
    by app/reports/statistics.py ``month``). Values are None when empty."""

    appendix: str | None
    species_name: str | None
    term_code: str | None
    quantity: Decimal | None
    unit_code: str | None
    trading_partner: str | None
    country_of_origin: str | None
    import_permit: str | None
    export_permit: str | None
    origin_permit: str | None
    purpose_code: str | None
    source_code: str | None
    year: int
    document: str
    line: str
    traded_on: date | str


def quantity_text(quantity: Decimal | None) -> str:
    """Exactly the quantity, without exponent or trailing zeros: 12500, 0.012, 2.5."""
    if quantity is None:
        return ""
    text = str(quantity)
    if "E" in text:  # 1E+3, 1.5E-7: written out in full
        text = format(quantity, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def permit_numbers(*numbers: str | None) -> str | None:
    """Several permit numbers for one cell, in order, each once; None when there is none."""
    seen: list[str] = []
    for number in numbers:
        if number and number.strip() and number.strip() not in seen:
            seen.append(number.strip())
    return SEPARATOR.join(seen) if seen else None


def cells(row: TradeRow, view: View) -> list[str]:
    """The row's cells in the view's column order ("" for an empty value)."""
    head = [
        row.appendix or "",
        row.species_name or "",
        row.term_code or "",
        quantity_text(row.quantity),
        row.unit_code or "",
        row.trading_partner or "",
        row.country_of_origin or "",
    ]
    if view is View.IMPORTER:
        head.append(row.import_permit or "")
    head += [
        row.export_permit or "",
        row.origin_permit or "",
        row.purpose_code or "",
        row.source_code or "",
        str(row.year),
    ]
    return head


def values(row: TradeRow, view: View) -> dict[str, str | None]:
    """The row as the JSON format gives it: column name -> text, null when empty."""
    return {name: cell or None for name, cell in zip(columns(view), cells(row, view), strict=True)}
