"""The lenient reader: a ``CITESEPermit`` (toolkit v2) element -> a typed :class:`PermitDocument`.

Strict when writing, lenient when reading: other Parties' systems emit the structure loosely, so
this reader never raises on content. It returns the document plus a list of problems (layer
``read``), or only problems when the root is not a permit at all. Code-list membership of the
values it passes through (country, source, term, purpose, document type) is the rules layer's
job (:mod:`app.xml.rules`); the reader only normalises.

Leniency rules
--------------
* Root: ``{CITES}CITESEPermit`` or unqualified ``CITESEPermit`` (warning ``unqualified_root``)
  or ``CITESEPermit`` in another namespace (warning ``unexpected_namespace``). Toolkit v1
  ``CBFShip`` gives ``unsupported_version``; any other root gives ``not_a_permit``.
* Below the root, elements are matched by local name only under their expected parent, in any
  namespace (RAM, the root's, or none). Unknown elements (``ds:Signature``, extensions) are
  ignored. A second occurrence of a single-valued element is ignored (warning ``duplicate``).
* Text is stripped; empty elements (``<Name/>``, ``xsi:nil``) and whitespace-only text are None.
  Placeholders (``?``, ``??``, ``???``, ``-``, ``--``, ``N/A``, ``null``, ``none``, any case) are
  None (warning ``placeholder``).
* Codes are upper-cased. Appendix ``1``/``2``/``3`` and ``Appendix II`` -> ``I``/``II``/``III``.
  Units: missing or blank ``unitCode`` -> ``NAR`` (number); a placeholder ``unitCode="?"`` ->
  ``NAR`` (warning ``placeholder``); legacy units (``PCS``, ``KIL``, ...) -> UN/ECE Rec. 20 (warning
  ``legacy_unit``). Unknown appendix or unit: error ``unknown_code``, the raw value is kept.
* Box 1 TypeCode: ``E``/``R``/``I``/``O`` in any case; words (``Export permit``) are mapped (warning
  ``normalised_code``); anything else is kept upper-cased for the rules layer to reject.
* AssociatedReferencedDocument TypeCode: ``861`` or ``Export``/``Export permit``/``Origin`` ->
  origin permit (Box 12); ``811`` or ``Re-export``/``Re-export certificate`` -> last re-export
  certificate (Box 12a), any case and spelling of the hyphen. ``Import``/``Other`` are ignored
  (warning ``ignored_reference``); unknown or missing -> error ``unknown_code`` / ``missing``.
* Quantities are ``Decimal``; ``1,5``, ``NaN``, ``1e999`` -> error ``invalid_number``.
* Date-times: ISO 8601 with or without offset (``Z``), date-only, compact (``20250103``), and
  UN/CEFACT ``DateTimeString`` with ``format`` 102/203/204; naive -> UTC. A date field takes the
  date as written. Anything else -> error ``invalid_date``.
* CopyIndicator: ``true``/``false``/``1``/``0`` (any case); else error ``invalid_boolean``.
* Purpose: ``PurposeCode``, else ``Purpose`` when it is a code or a purpose name (``Commercial``).

Mapping (paths below ``/CITESEPermit``; H = HeaderExchangedDocument,
C = SpecifiedSupplyChainConsignment, L = C/IncludedSupplyChainConsignmentItem[n],
T = L/IncludedSupplyChainTradeLineItem, A1 = H/FirstSignatoryDocumentAuthentication)
======================== =====================================================================
number                   H/ID (missing: error ``missing_number``)
type                     H/TypeCode
name                     H/Name (first non-empty)
issued_at                H/IssueDateTime
valid_from / valid_until H/EffectiveSpecifiedPeriod/StartDateTime / EndDateTime
purpose_code             H/PurposeCode, else H/Purpose
special_conditions       H/Information, each non-empty one but the replacement statement
copy                     H/CopyIndicator
replaces                 H/ReferenceReferencedDocument (the first with an ID): ID, TypeCode,
                         IssueDateTime
replacement_reason       the first H/Information reading ``Replaces <replaces.id>: <reason>``
place_of_issue           H/IssueLogisticsLocation/Name
issuing_authority        A1/ProviderTradeParty (a party, as below)
issuing_country          A1/ProviderTradeParty/PostalTradeAddress/CountryID
security_stamp           A1/ID
issuing_official         H/ThirdSignatoryDocumentAuthentication/ProviderTradeParty/
                         SpecifiedAuthoritativeSignatoryPerson/Name, else that ProviderTradeParty's
                         Name, else A1/ProviderTradeParty/SpecifiedAuthoritativeSignatoryPerson/Name
exporter / importer      C/ConsignorTradeParty / C/ConsigneeTradeParty
  party.name             Name
  party.address          PostalTradeAddress: StreetName, then "PostcodeCode CityName", joined
                         by ", " (the writer puts the whole address in StreetName)
  party.country          PostalTradeAddress/CountryID
lines                    L, in document order (none: error ``no_lines``)
  id                     L/ID (missing: the position's letter, warning ``missing_line_id``)
  marks                  L/PhysicalLogisticsShippingMarks/Marking (all, joined by "; ")
  origin_country         L/OriginTradeCountry/ID
  reexport_country       L/ExportTradeCountry/ID
  origin_permit          L/AssociatedReferencedDocument with TypeCode 861: ID, IssueDateTime
  reexport_certificate   L/AssociatedReferencedDocument with TypeCode 811: ID, IssueDateTime
  quantity / unit        L/TransportLogisticsPackage/ItemQuantity and its @unitCode
  appendix               T/TypeCode
  source_code            T/TypeExtensionCode
  scientific_name        T/SpecifiedTradeProduct/ScientificName
  common_name            T/SpecifiedTradeProduct/CommonName (first non-empty)
  description            T/SpecifiedTradeProduct/Description
  term_code              T/SpecifiedTradeProduct/TypeCode
======================== =====================================================================
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import TypeAlias

from lxml import etree

from app.codelists import lists
from app.core.errors import InvalidInput
from app.xml.document import (
    ORIGIN_PERMIT,
    REEXPORT_CERTIFICATE,
    DocumentReference,
    PermitDocument,
    PermitLine,
    TradeParty,
)
from app.xml.namespaces import CBF_V1, CITES, ROOT
from app.xml.parser import MAX_BYTES, parse_xml
from app.xml.problems import READ, Problem, Severity
from app.xml.writer import REPLACES_PREFIX

ROOT_PATH = f"/{ROOT}"
HEADER_PATH = f"{ROOT_PATH}/HeaderExchangedDocument"
CONSIGNMENT_PATH = f"{ROOT_PATH}/SpecifiedSupplyChainConsignment"
ITEM = "IncludedSupplyChainConsignmentItem"

# Compared lower-case with the stripped text. A value equal to one of these is never data.
PLACEHOLDERS = frozenset({"?", "??", "???", "-", "--", "n/a", "null", "none"})
# Elements that may repeat (languages, several conditions): no ``duplicate`` warning.
_REPEATABLE = frozenset(
    {
        "Name",
        "CommonName",
        "Description",
        "Information",
        "Purpose",
        "PurposeCode",
        "Marking",
        "PhysicalLogisticsShippingMarks",
        "AssociatedReferencedDocument",
        "ReferenceReferencedDocument",
        ITEM,
    }
)
_DOCUMENT_TYPE_WORDS = {
    "export": "E",
    "exportpermit": "E",
    "reexport": "R",
    "reexportcertificate": "R",
    "import": "I",
    "importpermit": "I",
    "other": "O",
    "othercertificate": "O",
    "certificate": "O",
}
_REFERENCE_TYPES = {
    ORIGIN_PERMIT: ORIGIN_PERMIT,
    "e": ORIGIN_PERMIT,
    "export": ORIGIN_PERMIT,
    "exportpermit": ORIGIN_PERMIT,
    "origin": ORIGIN_PERMIT,
    "originpermit": ORIGIN_PERMIT,
    REEXPORT_CERTIFICATE: REEXPORT_CERTIFICATE,
    "r": REEXPORT_CERTIFICATE,
    "reexport": REEXPORT_CERTIFICATE,
    "reexportcertificate": REEXPORT_CERTIFICATE,
    "reexportpermit": REEXPORT_CERTIFICATE,
}
_IGNORED_REFERENCE_TYPES = frozenset(
    {"i", "import", "importpermit", "o", "other", "othercertificate"}
)
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
_APPENDIX_PREFIX = re.compile(r"^(APPENDIX|APPX?\.?)\s*")
_DATE_WITH_ZONE = re.compile(r"^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:?\d{2})$")
_CEFACT_FORMATS = {"102": "%Y%m%d", "203": "%Y%m%d%H%M", "204": "%Y%m%d%H%M%S"}
_MAX_EXPONENT = 30  # quantities beyond 10^30 or below 10^-30 are not plausible


@dataclass(frozen=True)
class ReadResult:
    document: PermitDocument | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return self.document is not None and not self.errors


def read_permit_bytes(data: bytes, *, max_bytes: int = MAX_BYTES) -> ReadResult:
    """Parse with the safe parser, then read. Never raises."""
    parsed = parse_xml(data, max_bytes=max_bytes)
    if parsed.root is None:
        return ReadResult(None, list(parsed.problems))
    return read_permit(parsed.root)


def read_permit(root: etree._Element) -> ReadResult:
    """Read a permit leniently. Never raises on content; document is None only when the root
    is not a permit."""
    return _Reader().read(root)


_LOCAL_NAMES: dict[str, str] = {}
_Kids = dict[str, list[etree._Element]]
_NO_KIDS: _Kids = {}  # shared; never mutated


def _local(tag: str) -> str:
    local = _LOCAL_NAMES.get(tag)
    if local is None:
        local = tag[tag.rfind("}") + 1 :]
        if len(_LOCAL_NAMES) < 2048:  # bounded: tags come from untrusted documents
            _LOCAL_NAMES[tag] = local
    return local


def _kids(el: etree._Element | None) -> _Kids:
    """The element children of ``el`` by local name, in document order (any namespace)."""
    if el is None:
        return _NO_KIDS
    kids: _Kids = {}
    known = _LOCAL_NAMES.get
    for child in el:
        tag = child.tag
        if tag.__class__ is str:  # skip comments and processing instructions
            local = known(tag) or _local(tag)
            same = kids.get(local)
            if same is None:
                kids[local] = [child]
            else:
                same.append(child)
    return kids


def _local_or_none(el: etree._Element) -> str | None:
    tag = el.tag
    return _local(tag) if isinstance(tag, str) else None  # None: a comment or PI


def _path_of(el: etree._Element, top: etree._Element | None) -> str:
    """XPath-like path of local names from ``top`` (the permit's root, which may sit inside an
    envelope), with [n] where siblings share a name and on every line. Built only when a
    problem is reported."""
    parts: list[str] = []
    node: etree._Element | None = el
    while node is not None:
        name = _local(str(node.tag))
        parent = node.getparent()
        if parent is not None and node is not top:
            same = [c for c in parent if _local_or_none(c) == name]
            if len(same) > 1 or name == ITEM:
                name = f"{name}[{same.index(node) + 1}]"
        parts.append(name)
        node = None if node is top else parent
    return "/" + "/".join(reversed(parts))


def _normalise_word(value: str) -> str:
    return "".join(value.lower().replace("-", "").replace("_", "").split())


Where: TypeAlias = "etree._Element | str"


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.top: etree._Element | None = None

    # -- problems ---------------------------------------------------------------------------

    def report(
        self,
        code: str,
        message: str,
        where: Where,
        severity: Severity = "error",
        suffix: str = "",
    ) -> None:
        """``where`` is the element concerned (or, with ``suffix``, the parent of a missing
        one), or a path when there is no element to point at."""
        if isinstance(where, str):
            path, line = where + suffix, None
        else:
            path, line = _path_of(where, self.top) + suffix, where.sourceline
        self.problems.append(Problem(READ, code, message, path, line, severity))

    # -- values -----------------------------------------------------------------------------

    def one(self, kids: _Kids, name: str) -> etree._Element | None:
        found = kids.get(name)
        if found is None:
            return None
        if len(found) > 1 and name not in _REPEATABLE:
            self.report(
                "duplicate",
                f"{name} occurs {len(found)} times; the first is read",
                found[1],
                "warning",
            )
        return found[0]

    def value(self, el: etree._Element | None) -> str | None:
        """Stripped text; None when absent, empty or a placeholder (with a warning)."""
        if el is None:
            return None
        raw: str | None = el.text
        if len(el):
            # text split by comments or processing instructions; element children are ignored
            raw = "".join([raw or ""] + [c.tail or "" for c in el if not isinstance(c.tag, str)])
        if raw is None:
            return None
        value = raw.strip()
        if not value:
            return None
        if len(value) <= 4 and value.lower() in PLACEHOLDERS:
            self.report("placeholder", f"placeholder {value!r} read as no value", el, "warning")
            return None
        return value

    def text(self, kids: _Kids, name: str) -> str | None:
        """``value(one(kids, name))``, with the common case (one leaf element) inlined: this
        runs for every field of every permit read."""
        found = kids.get(name)
        if found is None:
            return None
        el = found[0]
        raw = el.text
        if len(found) > 1 or raw is None or len(el):
            return self.value(self.one(kids, name))
        value: str = raw.strip()
        if not value:
            return None
        if len(value) <= 4 and value.lower() in PLACEHOLDERS:
            return self.value(el)  # reports it
        return value

    def code(self, kids: _Kids, name: str) -> str | None:
        value = self.text(kids, name)
        return value.upper() if value is not None else None

    def first_text(self, kids: _Kids, name: str) -> str | None:
        for el in kids.get(name, ()):
            value = self.value(el)
            if value is not None:
                return value
        return None

    def datetime_of(self, el: etree._Element | None) -> datetime | None:
        if el is None:
            return None
        fmt = None
        if len(el):  # UN/CEFACT udt:DateTimeType: <DateTimeString format="102">20250103</...>
            inner = self.one(_kids(el), "DateTimeString")
            if inner is not None:
                el, fmt = inner, inner.get("format")
        value = self.value(el)
        if value is None:
            return None
        parsed = _parse_datetime(value, fmt)
        if parsed is None:
            self.report("invalid_date", f"{value[:40]!r} is not an ISO 8601 date or date-time", el)
        return parsed

    def date_of(self, el: etree._Element | None) -> date | None:
        parsed = self.datetime_of(el)
        return parsed.date() if parsed is not None else None

    # -- the document -----------------------------------------------------------------------

    def read(self, root: etree._Element) -> ReadResult:
        self.top = root
        tag = root.tag
        if not isinstance(tag, str):
            self.report("not_a_permit", "the document has no root element", ROOT_PATH)
            return ReadResult(None, self.problems)
        local, namespace = _local(tag), (tag[1 : tag.find("}")] if tag[:1] == "{" else None)
        if local == "CBFShip" or namespace == CBF_V1:
            self.report(
                "unsupported_version",
                "toolkit v1 (CBFShip) documents are not supported; send a toolkit v2 CITESEPermit",
                root,
            )
            return ReadResult(None, self.problems)
        if local != ROOT:
            self.report("not_a_permit", f"the root element is {local[:60]!r}, not {ROOT}", root)
            return ReadResult(None, self.problems)
        if namespace is None:
            self.report(
                "unqualified_root", f"the root has no namespace; expected {CITES}", root, "warning"
            )
        elif namespace != CITES:
            self.report(
                "unexpected_namespace",
                f"the root's namespace is {namespace[:100]!r}; expected {CITES}",
                root,
                "warning",
            )
        document = self.document(root)
        return ReadResult(document, self.problems)

    def document(self, root: etree._Element) -> PermitDocument:
        top = _kids(root)
        header_el = self.one(top, "HeaderExchangedDocument")
        header = _kids(header_el)
        number = self.text(header, "ID")
        if number is None:
            self.report(
                "missing_number",
                "the permit number is missing",
                HEADER_PATH if header_el is None else header_el,
                suffix="/ID",
            )
        first = _kids(self.one(header, "FirstSignatoryDocumentAuthentication"))
        authority_el = self.one(first, "ProviderTradeParty")
        authority = self.party(authority_el)
        period = _kids(self.one(header, "EffectiveSpecifiedPeriod"))
        replaces = self.replaced(header)
        conditions, reason = self.information(header, replaces)
        consignment_el = self.one(top, "SpecifiedSupplyChainConsignment")
        consignment = _kids(consignment_el)
        return PermitDocument(
            number=number,
            type=self.document_type(header),
            name=self.first_text(header, "Name"),
            issued_at=self.datetime_of(self.one(header, "IssueDateTime")),
            valid_from=self.date_of(self.one(period, "StartDateTime")),
            valid_until=self.date_of(self.one(period, "EndDateTime")),
            purpose_code=self.purpose(header),
            special_conditions=conditions,
            copy=self.copy(header),
            issuing_country=authority.country if authority else None,
            issuing_authority=authority,
            place_of_issue=self.text(_kids(self.one(header, "IssueLogisticsLocation")), "Name"),
            issuing_official=self.official(header, authority_el),
            security_stamp=self.text(first, "ID"),
            exporter=self.party(self.one(consignment, "ConsignorTradeParty")),
            importer=self.party(self.one(consignment, "ConsigneeTradeParty")),
            replaces=replaces,
            replacement_reason=reason,
            lines=self.lines(consignment_el, consignment),
        )

    def document_type(self, header: _Kids) -> str | None:
        el = self.one(header, "TypeCode")
        value = self.value(el)
        if value is None or el is None:
            return None
        code = value.upper()
        if code in lists.code_lists().document_type:
            return code
        mapped = _DOCUMENT_TYPE_WORDS.get(_normalise_word(value))
        if mapped is None:
            return code  # the rules layer reports the unknown code
        self.report("normalised_code", f"document type {value!r} read as {mapped}", el, "warning")
        return mapped

    def purpose(self, header: _Kids) -> str | None:
        code = self.first_text(header, "PurposeCode")
        if code is not None:
            return code.upper()
        purposes = lists.code_lists().purpose
        for el in header.get("Purpose", ()):
            value = self.value(el)
            if value is None:
                continue
            if value.upper() in purposes:
                return value.upper()
            for key, name in purposes.items():
                if name.lower() == value.lower():
                    self.report(
                        "normalised_code", f"purpose {value!r} read as {key}", el, "warning"
                    )
                    return key
            self.report(
                "unknown_code",
                f"purpose {value[:40]!r} is neither a purpose code nor a purpose name",
                el,
            )
        return None

    def copy(self, header: _Kids) -> bool:
        el = self.one(header, "CopyIndicator")
        value = self.value(el)
        if value is None or el is None:
            return False
        flag = _BOOLEANS.get(value.lower())
        if flag is None:
            self.report(
                "invalid_boolean", f"CopyIndicator {value[:20]!r} is not true, false, 1 or 0", el
            )
            return False
        return flag

    def official(self, header: _Kids, authority_el: etree._Element | None) -> str | None:
        third = _kids(self.one(header, "ThirdSignatoryDocumentAuthentication"))
        provider = _kids(self.one(third, "ProviderTradeParty"))
        person = "SpecifiedAuthoritativeSignatoryPerson"
        return (
            self.first_text(_kids(self.one(provider, person)), "Name")
            or self.first_text(provider, "Name")
            or self.first_text(_kids(self.one(_kids(authority_el), person)), "Name")
        )

    def replaced(self, header: _Kids) -> DocumentReference | None:
        for el in header.get("ReferenceReferencedDocument", ()):
            kids = _kids(el)
            number = self.text(kids, "ID")
            if number is not None:
                return DocumentReference(
                    id=number,
                    type_code=self.code(kids, "TypeCode"),
                    issue_date=self.date_of(self.one(kids, "IssueDateTime")),
                )
        return None

    def information(
        self, header: _Kids, replaces: DocumentReference | None
    ) -> tuple[tuple[str, ...], str | None]:
        """Special conditions, and the replacement reason: the first Information reading
        ``Replaces <replaced ID>: <reason>`` (the writer's convention)."""
        conditions: list[str] = []
        reason: str | None = None
        prefix = f"{REPLACES_PREFIX}{replaces.id}:" if replaces is not None else None
        for el in header.get("Information", ()):
            value = self.value(el)
            if value is None:
                continue
            if prefix is not None and reason is None and value.startswith(prefix):
                reason = value[len(prefix) :].strip()
                prefix = None
                continue
            conditions.append(value)
        return tuple(conditions), reason or None

    def party(self, el: etree._Element | None) -> TradeParty | None:
        if el is None:
            return None
        kids = _kids(el)
        address = _kids(self.one(kids, "PostalTradeAddress"))
        street = self.text(address, "StreetName")
        postcode = self.text(address, "PostcodeCode")
        city = self.text(address, "CityName")
        place = f"{postcode} {city}" if postcode and city else postcode or city
        party = TradeParty(
            name=self.first_text(kids, "Name"),
            address=", ".join(v for v in (street, place) if v) or None,
            country=self.code(address, "CountryID"),
        )
        return party if party != _EMPTY_PARTY else None

    # -- lines ------------------------------------------------------------------------------

    def lines(
        self, consignment_el: etree._Element | None, consignment: _Kids
    ) -> tuple[PermitLine, ...]:
        items = consignment.get(ITEM)
        if not items:
            self.report(
                "no_lines",
                "a permit has at least one species line",
                CONSIGNMENT_PATH if consignment_el is None else consignment_el,
                suffix=f"/{ITEM}",
            )
            return ()
        return tuple(self.line(el, index) for index, el in enumerate(items, 1))

    def line(self, item_el: etree._Element, index: int) -> PermitLine:
        item = _kids(item_el)
        line_id = self.code(item, "ID")
        if line_id is None:
            line_id = string.ascii_uppercase[index - 1] if index <= 26 else str(index)
            self.report(
                "missing_line_id",
                f"line {index} has no ID; read as {line_id}",
                item_el,
                "warning",
                suffix="/ID",
            )
        trade = _kids(self.one(item, "IncludedSupplyChainTradeLineItem"))
        product = _kids(self.one(trade, "SpecifiedTradeProduct"))
        package = _kids(self.one(item, "TransportLogisticsPackage"))
        quantity, unit = self.quantity(self.one(package, "ItemQuantity"))
        origin_permit, reexport_certificate = self.references(item)
        marks = [
            value
            for marks_el in item.get("PhysicalLogisticsShippingMarks", ())
            for el in _kids(marks_el).get("Marking", ())
            if (value := self.value(el)) is not None
        ]
        return PermitLine(
            id=line_id,
            scientific_name=self.text(product, "ScientificName"),
            common_name=self.first_text(product, "CommonName"),
            description=self.first_text(product, "Description"),
            term_code=self.code(product, "TypeCode"),
            quantity=quantity,
            unit=unit,
            appendix=self.appendix(self.one(trade, "TypeCode")),
            source_code=self.code(trade, "TypeExtensionCode"),
            origin_country=self.code(_kids(self.one(item, "OriginTradeCountry")), "ID"),
            origin_permit=origin_permit,
            reexport_country=self.code(_kids(self.one(item, "ExportTradeCountry")), "ID"),
            reexport_certificate=reexport_certificate,
            marks="; ".join(marks) or None,
        )

    def appendix(self, el: etree._Element | None) -> str | None:
        value = self.value(el)
        if value is None or el is None:
            return None
        code = value.upper()
        if code in _APPENDICES:
            return code
        try:
            return lists.appendix(_APPENDIX_PREFIX.sub("", code), field="appendix")
        except InvalidInput:
            self.report("unknown_code", f"appendix {value[:20]!r} is not I, II or III", el)
            return code

    def quantity(self, el: etree._Element | None) -> tuple[Decimal | None, str | None]:
        value = self.value(el)
        if value is None or el is None:
            return None, None
        quantity = _parse_decimal(value)
        if quantity is None:
            hint = " (use a decimal point)" if "," in value else ""
            self.report("invalid_number", f"quantity {value[:40]!r} is not a number{hint}", el)
        return quantity, self.unit(el)

    def unit(self, el: etree._Element) -> str:
        raw = (el.get("unitCode") or "").strip()
        if raw in _UNITS:
            return raw
        if raw.lower() in PLACEHOLDERS:
            self.report(
                "placeholder",
                f"unit placeholder {raw!r} read as blank: a number of items (NAR)",
                el,
                "warning",
                suffix="/@unitCode",
            )
            raw = ""
        try:
            unit = lists.unit_code(raw, field="unit")
        except InvalidInput:
            self.report(
                "unknown_code",
                f"unit {raw[:20]!r} is not a UN/ECE Rec. 20 unit",
                el,
                suffix="/@unitCode",
            )
            return raw.upper()
        if raw and unit != raw.upper():
            self.report(
                "legacy_unit",
                f"legacy unit {raw!r} read as {unit}",
                el,
                "warning",
                suffix="/@unitCode",
            )
        return unit

    def references(self, item: _Kids) -> tuple[DocumentReference | None, DocumentReference | None]:
        found: dict[str, DocumentReference] = {}
        for el in item.get("AssociatedReferencedDocument", ()):
            kids = _kids(el)
            type_el = self.one(kids, "TypeCode")
            raw = self.value(type_el)
            number = self.text(kids, "ID")
            if number is None:
                self.report(
                    "missing",
                    "a referenced document without an ID is ignored",
                    el,
                    "warning",
                    suffix="/ID",
                )
                continue
            if raw is None or type_el is None:
                self.report(
                    "missing",
                    f"referenced document {number!r} has no TypeCode (861 origin permit,"
                    " 811 re-export certificate)",
                    el,
                    suffix="/TypeCode",
                )
                continue
            word = _normalise_word(raw)
            kind = _REFERENCE_TYPES.get(word)
            if kind is None:
                if word in _IGNORED_REFERENCE_TYPES:
                    self.report(
                        "ignored_reference",
                        f"referenced document {number!r} of type {raw!r} is not a Box 12/12a"
                        " document; ignored",
                        type_el,
                        "warning",
                    )
                else:
                    self.report(
                        "unknown_code",
                        f"referenced document {number!r} has an unknown type {raw[:30]!r}",
                        type_el,
                    )
                continue
            if kind in found:
                what = "origin permit" if kind == ORIGIN_PERMIT else "re-export certificate"
                self.report("duplicate", f"a second {what} ({number!r}) is ignored", el, "warning")
                continue
            found[kind] = DocumentReference(
                id=number,
                type_code=kind,
                issue_date=self.date_of(self.one(kids, "IssueDateTime")),
            )
        return found.get(ORIGIN_PERMIT), found.get(REEXPORT_CERTIFICATE)


_EMPTY_PARTY = TradeParty()
_APPENDICES = frozenset(lists.code_lists().appendix)
_UNITS = frozenset(lists.code_lists().unit)


def _parse_decimal(value: str) -> Decimal | None:
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or (number and abs(number.adjusted()) > _MAX_EXPONENT):
        return None
    return number


def _parse_datetime(value: str, fmt: str | None = None) -> datetime | None:
    parsed: datetime | None = None
    try:
        if fmt in _CEFACT_FORMATS:
            parsed = datetime.strptime(value, _CEFACT_FORMATS[fmt])
        else:
            zoned_date = _DATE_WITH_ZONE.match(value)
            parsed = datetime.fromisoformat(zoned_date.group(1) if zoned_date else value)
    except (ValueError, OverflowError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
