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

Modules: :mod:`app.xml.read_values` (values, placeholders, problem paths, the primitives),
:mod:`app.xml.read_parts` (header fields and parties), :mod:`app.xml.read_lines` (species lines)
and :mod:`app.xml.read_fast` with :mod:`app.xml.read_shape`: the fast path, which reads a
document in the canonical shape (our own writer's output, and any as regular) in one pass when
the lenient way would read it alike and find no problem in it; anything else is read as above.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from app.xml.document import PermitDocument
from app.xml.namespaces import CBF_V1, CITES, ROOT
from app.xml.parser import MAX_BYTES, parse_xml
from app.xml.problems import Problem
from app.xml.read_fast import read_canonical
from app.xml.read_lines import LinesReader
from app.xml.read_parts import PartsReader
from app.xml.read_values import HEADER_PATH, PLACEHOLDERS, ROOT_PATH, kids_of, local_name

__all__ = ["PLACEHOLDERS", "ReadResult", "read_permit", "read_permit_bytes"]


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
    if root.tag == _PERMIT_TAG:
        # Our own writer's output, and other Parties' in the same shape: the fast path reads it
        # when the lenient way would read it alike and find no problem in it.
        document = read_canonical(root)
        if document is not None:
            return ReadResult(document, [])
    return _Reader().read(root)


_PERMIT_TAG = f"{{{CITES}}}{ROOT}"


class _Reader(PartsReader, LinesReader):
    def read(self, root: etree._Element) -> ReadResult:
        self.top = root
        tag = root.tag
        if not isinstance(tag, str):
            self.report("not_a_permit", "the document has no root element", ROOT_PATH)
            return ReadResult(None, self.problems)
        local, namespace = local_name(tag), (tag[1 : tag.find("}")] if tag[:1] == "{" else None)
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
        top = kids_of(root)
        header_el = self.one(top, "HeaderExchangedDocument")
        header = kids_of(header_el)
        number = self.text(header, "ID")
        if number is None:
            self.report(
                "missing_number",
                "the permit number is missing",
                HEADER_PATH if header_el is None else header_el,
                suffix="/ID",
            )
        first = kids_of(self.one(header, "FirstSignatoryDocumentAuthentication"))
        authority_el = self.one(first, "ProviderTradeParty")
        authority = self.party(authority_el)
        period = kids_of(self.one(header, "EffectiveSpecifiedPeriod"))
        replaces = self.replaced(header)
        conditions, reason = self.information(header, replaces)
        consignment_el = self.one(top, "SpecifiedSupplyChainConsignment")
        consignment = kids_of(consignment_el)
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
            place_of_issue=self.text(kids_of(self.one(header, "IssueLogisticsLocation")), "Name"),
            issuing_official=self.official(header, authority_el),
            security_stamp=self.text(first, "ID"),
            exporter=self.party(self.one(consignment, "ConsignorTradeParty")),
            importer=self.party(self.one(consignment, "ConsigneeTradeParty")),
            replaces=replaces,
            replacement_reason=reason,
            lines=self.lines(consignment_el, consignment),
        )
