"""A permit document as plain JSON-ready data (what `ecites xml parse` prints)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.xml.document import DocumentReference, PermitDocument, PermitLine, TradeParty
from app.xml.problems import Problem


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _party(party: TradeParty | None) -> dict[str, Any] | None:
    return None if party is None else {"name": party.name, "country": party.country}


def _ref(ref: DocumentReference | None) -> str | None:
    return None if ref is None else ref.id


def _line(line: PermitLine) -> dict[str, Any]:
    return {
        "id": line.id,
        "scientific_name": line.scientific_name,
        "common_name": line.common_name,
        "description": line.description,
        "term_code": line.term_code,
        "quantity": _number(line.quantity),
        "unit": line.unit,
        "appendix": line.appendix,
        "source_code": line.source_code,
        "origin_country": line.origin_country,
        "origin_permit": _ref(line.origin_permit),
        "reexport_country": line.reexport_country,
        "reexport_certificate": _ref(line.reexport_certificate),
    }


def document_summary(document: PermitDocument | None, problems: list[Problem]) -> dict[str, Any]:
    """The permit as read, keys always present (null where absent), plus the problems."""
    doc = document or PermitDocument(number=None, type=None)
    return {
        "number": doc.number,
        "type": doc.type,
        "issue_date": doc.issue_date.isoformat() if doc.issue_date else None,
        "valid_from": doc.valid_from.isoformat() if doc.valid_from else None,
        "valid_until": doc.valid_until.isoformat() if doc.valid_until else None,
        "purpose_code": doc.purpose_code,
        "issuing_country": doc.issuing_country,
        "exporter": _party(doc.exporter),
        "importer": _party(doc.importer),
        "lines": [_line(line) for line in doc.lines],
        "problems": [p.as_dict() for p in problems],
    }
