"""The permit's values as printed: dates, countries, quantities, parties, references."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from app.codelists.lists import code_lists
from app.xml.document import DocumentReference, PermitDocument, TradeParty


def country(code: str | None) -> str:
    if not code:
        return ""
    name = code_lists().country.get(code)
    return f"{name} ({code})" if name else code


def day(value: date | datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def quantity(value: Decimal | None, unit: str | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if not unit or unit == "NAR":
        return f"{text} (number of specimens)"
    name = code_lists().unit.get(unit)
    return f"{text} {name or unit}"


def reference(code: str | None, document: DocumentReference | None) -> str:
    parts = [country(code)]
    if document is not None:
        parts += [document.id, day(document.issue_date)]
    return ", ".join(p for p in parts if p)


def party(value: TradeParty | None, *, with_country: bool = True) -> list[str]:
    if value is None:
        return []
    lines = [value.name or "", value.address or ""]
    if with_country:
        lines.append(country(value.country))
    return [line for line in lines if line]


def texts_of(document: PermitDocument) -> str:
    """Every value that will be printed, to choose the font that covers them."""
    values: list[str | None] = [
        document.number,
        document.name,
        document.place_of_issue,
        document.issuing_official,
        document.replacement_reason,
        document.security_stamp,
        *document.special_conditions,
    ]
    for who in (document.exporter, document.importer, document.issuing_authority):
        if who is not None:
            values += [who.name, who.address]
    if document.replaces is not None:
        values.append(document.replaces.id)
    for line in document.lines:
        values += [line.scientific_name, line.common_name, line.description, line.marks]
        values += [r.id for r in (line.origin_permit, line.reexport_certificate) if r]
    return "".join(v for v in values if v)
