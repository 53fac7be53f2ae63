"""The reader's fast path: a permit in the canonical shape, read in one pass without problems.

Our own writer's output, and any document as regular, is read here: one walk over the
elements, each child found by its tag in a table made once (the tag strings of the CITES, RAM
and no namespace; another namespace by local name), the values kept in flat dicts, then the
document built from them. Nothing is reported here. At the first thing the lenient reader
(:mod:`app.xml.reader`) would report, or read by a rule not repeated here (a duplicate, a
placeholder, text split by a comment or holding elements, a code or unit it would map or
reject, a date or number that is not one, a missing permit number, line ID or line),
:func:`read_canonical` gives up and returns None, and the lenient reader reads the document
from the start. So either way a document reads the same; this path only reads it sooner.
Each field below is read by the same rule as there (see the mapping in :mod:`app.xml.reader`).
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import product
from typing import Any

from lxml import etree

from app.codelists import lists
from app.xml.document import (
    ORIGIN_PERMIT,
    REEXPORT_CERTIFICATE,
    DocumentReference,
    PermitDocument,
    PermitLine,
    TradeParty,
)
from app.xml.read_shape import ALL, ONE, PARTY_KEYS, QUANTITY, SPEC, VALUE, VALUES, Spec
from app.xml.read_values import (
    APPENDICES,
    BOOLEANS,
    PLACEHOLDERS,
    REFERENCE_TYPES,
    UNITS,
    normalise_word,
    parse_datetime,
    parse_decimal,
)
from app.xml.writer import REPLACES_PREFIX

_BLANK_UNIT = lists.unit_code("")
# Every spelling that ``str.lower()`` maps to a placeholder (only ASCII letters do).
_PLACEHOLDER_SPELLINGS = frozenset(
    "".join(spelling)
    for placeholder in PLACEHOLDERS
    for spelling in product(*({c, c.upper()} for c in placeholder))
)


class _NotCanonical(Exception):
    """Leaves the fast path: the lenient reader reads the document."""


def read_canonical(root: etree._Element) -> PermitDocument | None:
    """The document below ``root`` (a permit root, checked by the caller), or None when the
    lenient reader has to read it."""
    found: dict[str, Any] = {}
    try:
        _walk(root, SPEC, found)
        return _document(found)
    except _NotCanonical:
        return None


def _walk(el: etree._Element, spec: Spec, found: dict[str, Any]) -> None:
    for child in el[:]:  # a list made in C: quicker than iterating over el
        tag = child.tag
        entry = spec.get(tag)
        if entry is None:
            if not isinstance(tag, str) or tag[:1] != "{":
                continue  # a comment or processing instruction, or an element read nowhere
            entry = spec.get(tag[tag.rfind("}") + 1 :])  # in another namespace
            if entry is None:
                continue
        kind, key, sub = entry
        if kind <= QUANTITY:
            if len(child):
                raise _NotCanonical  # text split by a comment, or elements inside a value
            text = child.text
            if text is not None:
                text = text.strip() or None
                if text in _PLACEHOLDER_SPELLINGS:
                    raise _NotCanonical
            if kind == VALUES:
                values = found.get(key)
                if values is None:
                    found[key] = [text]
                else:
                    values.append(text)
            elif key in found:
                raise _NotCanonical  # a duplicate
            else:
                found[key] = text if kind == VALUE else (text, child.get("unitCode"))
        elif kind == ONE:
            if key in found:
                raise _NotCanonical  # a duplicate
            found[key] = True
            _walk(child, sub, found)
        elif kind == ALL:
            _walk(child, sub, found)
        else:  # EACH: a dict of its own per occurrence (a line, a referenced document)
            each: dict[str, Any] = {}
            occurrences = found.get(key)
            if occurrences is None:
                found[key] = [each]
            else:
                occurrences.append(each)
            _walk(child, sub, each)


def _first(values: list[str | None] | None) -> str | None:
    if values:
        for value in values:
            if value is not None:
                return value
    return None


def _upper(value: str | None) -> str | None:
    return value.upper() if value is not None else None


def _datetime(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise _NotCanonical  # invalid_date
    return parsed


def _date(value: str | None) -> date | None:
    parsed = _datetime(value)
    return parsed.date() if parsed is not None else None


def _party(found: dict[str, Any], keys: tuple[str, ...]) -> TradeParty | None:
    get = found.get
    name = _first(get(keys[0]))
    street, postcode, city, country = get(keys[1]), get(keys[2]), get(keys[3]), get(keys[4])
    if name is None and street is None and postcode is None and city is None and country is None:
        return None
    place = f"{postcode} {city}" if postcode and city else postcode or city
    return TradeParty(
        name=name,
        address=f"{street}, {place}" if street and place else street or place,
        country=_upper(country),
    )


_AUTHORITY, _EXPORTER, _IMPORTER = (
    tuple(prefix + key for key in PARTY_KEYS)
    for prefix in ("h.first.party.", "c.exporter.", "c.importer.")
)


def _document(found: dict[str, Any]) -> PermitDocument:
    get = found.get
    number = get("h.id")
    items = get("c.lines")
    if number is None or not items:
        raise _NotCanonical  # missing_number, no_lines
    type_code = _upper(get("h.type"))
    if type_code is not None and type_code not in lists.code_lists().document_type:
        raise _NotCanonical  # a word the lenient reader maps, or unknown
    copy = get("h.copy")
    if copy is not None:
        copy = BOOLEANS.get(copy.lower())
        if copy is None:
            raise _NotCanonical  # invalid_boolean
    replaces = None
    for reference in get("h.replaces") or ():
        if reference.get("id") is not None:
            replaces = DocumentReference(
                id=reference["id"],
                type_code=_upper(reference.get("type")),
                issue_date=_date(reference.get("date")),
            )
            break
    conditions: list[str] = []
    reason: str | None = None
    prefix = f"{REPLACES_PREFIX}{replaces.id}:" if replaces is not None else None
    for value in get("h.information") or ():
        if value is None:
            continue
        if prefix is not None and value.startswith(prefix):
            reason = value[len(prefix) :].strip()
            prefix = None
            continue
        conditions.append(value)
    authority = _party(found, _AUTHORITY)
    places = get("h.place.name")
    return PermitDocument(
        number=number,
        type=type_code,
        name=_first(get("h.name")),
        issued_at=_datetime(get("h.issued")),
        valid_from=_date(get("h.period.start")),
        valid_until=_date(get("h.period.end")),
        purpose_code=_purpose(get("h.purpose_code"), get("h.purpose")),
        special_conditions=tuple(conditions),
        copy=bool(copy),
        issuing_country=authority.country if authority else None,
        issuing_authority=authority,
        place_of_issue=places[0] if places else None,
        issuing_official=_first(get("h.third.party.person.name"))
        or _first(get("h.third.party.name"))
        or _first(get("h.first.party.person.name")),
        security_stamp=get("h.first.id"),
        exporter=_party(found, _EXPORTER),
        importer=_party(found, _IMPORTER),
        replaces=replaces,
        replacement_reason=reason or None,
        lines=tuple([_line(item) for item in items]),
    )


def _purpose(codes: list[str | None] | None, purposes: list[str | None] | None) -> str | None:
    code = _first(codes)
    if code is not None:
        return code.upper()
    value = _first(purposes)
    if value is None:
        return None
    if value.upper() not in lists.code_lists().purpose:
        raise _NotCanonical  # a purpose name, or unknown
    return value.upper()


def _line(item: dict[str, Any]) -> PermitLine:
    get = item.get
    line_id = get("id")
    if line_id is None:
        raise _NotCanonical  # missing_line_id
    quantity = unit = None
    value, raw_unit = get("package.quantity") or (None, None)
    if value is not None:
        quantity = parse_decimal(value)
        raw_unit = (raw_unit or "").strip()
        if quantity is None or (raw_unit and raw_unit not in UNITS):
            raise _NotCanonical  # not a number; a unit placeholder, legacy or unknown
        unit = raw_unit or _BLANK_UNIT
    appendix = _upper(get("trade.appendix"))
    if appendix is not None and appendix not in APPENDICES:
        raise _NotCanonical  # 1, 2, 3, "Appendix II" or unknown
    references = get("references")
    origin_permit, reexport_certificate = _references(references) if references else (None, None)
    marks = get("marks.marking")
    return PermitLine(
        id=line_id.upper(),
        scientific_name=get("trade.product.scientific"),
        common_name=_first(get("trade.product.common")),
        description=_first(get("trade.product.description")),
        term_code=_upper(get("trade.product.term")),
        quantity=quantity,
        unit=unit,
        appendix=appendix,
        source_code=_upper(get("trade.source")),
        origin_country=_upper(get("origin.id")),
        origin_permit=origin_permit,
        reexport_country=_upper(get("export.id")),
        reexport_certificate=reexport_certificate,
        marks="; ".join([m for m in marks if m is not None]) or None if marks else None,
    )


def _references(
    references: list[dict[str, Any]],
) -> tuple[DocumentReference | None, DocumentReference | None]:
    found: dict[str, DocumentReference] = {}
    for reference in references:
        number, raw = reference.get("id"), reference.get("type")
        if number is None or raw is None:
            raise _NotCanonical  # missing
        kind = REFERENCE_TYPES.get(raw) or REFERENCE_TYPES.get(normalise_word(raw))
        if kind is None or kind in found:
            raise _NotCanonical  # ignored, unknown or a second one
        found[kind] = DocumentReference(
            id=number, type_code=kind, issue_date=_date(reference.get("date"))
        )
    return found.get(ORIGIN_PERMIT), found.get(REEXPORT_CERTIFICATE)
