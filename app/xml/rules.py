"""CITES business rules over a permit document: the third validation layer.

Checks what the XSD cannot: codes against the versioned code lists, validity within the
limit for the document type, lines present and lettered A, B, ... in order, appendix and
source consistent, dates in order."""

from __future__ import annotations

import string
from collections.abc import Callable

from app.codelists import lists
from app.core.clock import add_months, utcnow
from app.core.errors import InvalidInput
from app.xml.document import PermitDocument, PermitLine
from app.xml.problems import Layer, Problem

LAYER: Layer = "rules"
HEADER = "/CITESEPermit/HeaderExchangedDocument"
ITEM = "/CITESEPermit/SpecifiedSupplyChainConsignment/IncludedSupplyChainConsignmentItem"
SOURCE_D_APPENDIX = "I"  # source D: Appendix-I specimens from registered operations


def _error(code: str, message: str, path: str) -> Problem:
    return Problem(layer=LAYER, code=code, message=message, path=path)


def _warning(code: str, message: str, path: str) -> Problem:
    return Problem(layer=LAYER, code=code, message=message, path=path, severity="warning")


def _code(check: Callable[[str], str], value: str | None, path: str, name: str) -> Problem | None:
    if value is None:
        return None
    try:
        check(value)
    except InvalidInput as exc:
        return _error("unknown_code", f"{name}: {exc.message}", path)
    return None


def check_document(document: PermitDocument) -> list[Problem]:
    """Every rule violation, in document order; an empty list means the document passes."""
    problems: list[Problem] = []
    problems += _header(document)
    problems += _validity(document)
    problems += _parties(document)
    if not document.lines:
        problems.append(_error("no_lines", "a permit has at least one species line", ITEM))
    for index, line in enumerate(document.lines):
        problems += _line(line, index)
    return problems


def _header(document: PermitDocument) -> list[Problem]:
    out: list[Problem] = []
    if not document.number:
        out.append(_error("missing_number", "the permit number is missing", f"{HEADER}/ID"))
    elif len(document.number) > 35:
        out.append(
            _error("number_too_long", "permit numbers are at most 35 characters", f"{HEADER}/ID")
        )
    if document.type is None:
        out.append(
            _error(
                "missing_type", "the document type (E, R, I, O) is missing", f"{HEADER}/TypeCode"
            )
        )
    elif problem := _code(
        lists.document_type, document.type, f"{HEADER}/TypeCode", "document type"
    ):
        out.append(problem)
    elif document.type == "O" and not document.name:
        out.append(
            _warning("missing_name", "a type O document should state its name", f"{HEADER}/Name")
        )
    for check, value, path, name in (
        (lists.purpose_code, document.purpose_code, f"{HEADER}/PurposeCode", "purpose"),
        (
            lists.country_code,
            document.issuing_country,
            f"{HEADER}/FirstSignatoryDocument"
            "Authentication/ProviderTradeParty/PostalTradeAddress/CountryID",
            "issuing country",
        ),
    ):
        if problem := _code(check, value, path, name):
            out.append(problem)
    if document.issued_at is None:
        out.append(
            _error("missing_issue_date", "the issue date is missing", f"{HEADER}/IssueDateTime")
        )
    return out


def _validity(document: PermitDocument) -> list[Problem]:
    path = f"{HEADER}/EffectiveSpecifiedPeriod"
    start, end = document.valid_from, document.valid_until
    if end is None:
        return [
            _error(
                "missing_validity",
                "the validity end date (Box 2) is missing",
                f"{path}/EndDateTime",
            )
        ]
    out: list[Problem] = []
    if start is not None and start > end:
        out.append(_error("dates_out_of_order", "valid from is after valid until", path))
    issued = document.issue_date
    if issued is not None and issued > end:
        out.append(_error("dates_out_of_order", "issued after the end of its validity", path))
    begin = start or issued
    if begin is not None and document.type in lists.code_lists().document_type:
        subtype = _subtype(document)
        months = lists.validity_months(document.type, subtype)
        if end > add_months(begin, months):
            out.append(
                _error(
                    "validity_too_long",
                    f"validity exceeds {months} months for document type {document.type}",
                    f"{path}/EndDateTime",
                )
            )
    return out


def _subtype(document: PermitDocument) -> str | None:
    """The O certificate kind from its name, for its validity limit (3 years for some)."""
    if document.type != "O" or not document.name:
        return None
    for key, entry in lists.code_lists().other_subtype.items():
        if str(entry["name"]).lower() == document.name.strip().lower():
            return key
    return None


def _parties(document: PermitDocument) -> list[Problem]:
    out: list[Problem] = []
    consignment = "/CITESEPermit/SpecifiedSupplyChainConsignment"
    for party, element in (
        (document.exporter, "ConsignorTradeParty"),
        (document.importer, "ConsigneeTradeParty"),
    ):
        path = f"{consignment}/{element}"
        if party is None or not party.name:
            out.append(_error("missing_party", f"{element} has no name", path))
            continue
        if problem := _code(
            lists.country_code, party.country, f"{path}/PostalTradeAddress/CountryID", "country"
        ):
            out.append(problem)
    exporter, importer = document.exporter, document.importer
    if (
        exporter
        and importer
        and exporter.name
        and importer.name
        and exporter.name.strip().lower() == importer.name.strip().lower()
        and exporter.country == importer.country
    ):
        out.append(
            _warning("same_exporter_importer", "exporter and importer are the same", consignment)
        )
    return out


def _line(line: PermitLine, index: int) -> list[Problem]:
    path = f"{ITEM}[{index + 1}]"
    out: list[Problem] = []
    expected = string.ascii_uppercase[index] if index < 26 else None
    if line.id != expected:
        out.append(
            _error(
                "line_letter",
                f"line {index + 1} should be lettered {expected}, not {line.id!r}",
                f"{path}/ID",
            )
        )
    if not line.scientific_name:
        out.append(
            _error(
                "missing_species",
                "the scientific name (Box 7) is missing",
                f"{path}/IncludedSupplyChainTradeLineItem/SpecifiedTradeProduct/ScientificName",
            )
        )
    if line.quantity is None:
        out.append(
            _error(
                "missing_quantity",
                "the quantity (Box 11) is missing",
                f"{path}/TransportLogisticsPackage/ItemQuantity",
            )
        )
    elif line.quantity <= 0:
        out.append(
            _error(
                "quantity_not_positive",
                "the quantity must be above zero",
                f"{path}/TransportLogisticsPackage/ItemQuantity",
            )
        )
    trade = f"{path}/IncludedSupplyChainTradeLineItem"
    for check, value, sub, name, required in (
        (lists.appendix, line.appendix, "TypeCode", "appendix", True),
        (lists.source_code, line.source_code, "TypeExtensionCode", "source", True),
        (lists.term_code, line.term_code, "SpecifiedTradeProduct/TypeCode", "term", True),
        (lists.unit_code, line.unit, "../TransportLogisticsPackage/ItemQuantity", "unit", False),
        (lists.country_code, line.origin_country, "../OriginTradeCountry/ID", "origin", False),
        (
            lists.country_code,
            line.reexport_country,
            "../ExportTradeCountry/ID",
            "country of re-export",
            False,
        ),
    ):
        if value is None and required:
            out.append(_error(f"missing_{name}", f"the {name} is missing", f"{trade}/{sub}"))
        elif problem := _code(check, value, f"{trade}/{sub}", name):
            out.append(problem)
    if line.source_code == "D" and line.appendix not in (None, SOURCE_D_APPENDIX):
        out.append(
            _warning(
                "source_appendix",
                "source D is for Appendix-I specimens from registered operations",
                f"{trade}/TypeExtensionCode",
            )
        )
    out += _reference_dates(line, path)
    return out


def _reference_dates(line: PermitLine, path: str) -> list[Problem]:
    out: list[Problem] = []
    today = utcnow().date()
    for ref in (line.origin_permit, line.reexport_certificate):
        if ref is not None and ref.issue_date is not None and ref.issue_date > today:
            out.append(
                _error(
                    "dates_out_of_order",
                    f"document {ref.id} is dated in the future",
                    f"{path}/AssociatedReferencedDocument",
                )
            )
    return out
