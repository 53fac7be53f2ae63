"""Values for the lenient reader (:mod:`app.xml.reader`): placeholders, code words, numbers and
date-times, local names and problem paths, and :class:`ValueReader`, the primitives every part
of the reader uses (one element, its text, a code, a date), which report what they find.

The leniency rules themselves are listed in :mod:`app.xml.reader`.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import TypeAlias

from lxml import etree

from app.codelists import lists
from app.xml.document import ORIGIN_PERMIT, REEXPORT_CERTIFICATE
from app.xml.namespaces import ROOT
from app.xml.problems import READ, Problem, Severity

ROOT_PATH = f"/{ROOT}"
HEADER_PATH = f"{ROOT_PATH}/HeaderExchangedDocument"
CONSIGNMENT_PATH = f"{ROOT_PATH}/SpecifiedSupplyChainConsignment"
ITEM = "IncludedSupplyChainConsignmentItem"

# Compared lower-case with the stripped text. A value equal to one of these is never data.
PLACEHOLDERS = frozenset({"?", "??", "???", "-", "--", "n/a", "null", "none"})
# Elements that may repeat (languages, several conditions): no ``duplicate`` warning.
REPEATABLE = frozenset(
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
DOCUMENT_TYPE_WORDS = {
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
REFERENCE_TYPES = {
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
IGNORED_REFERENCE_TYPES = frozenset(
    {"i", "import", "importpermit", "o", "other", "othercertificate"}
)
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
APPENDIX_PREFIX = re.compile(r"^(APPENDIX|APPX?\.?)\s*")
APPENDICES = frozenset(lists.code_lists().appendix)
UNITS = frozenset(lists.code_lists().unit)
_DATE_WITH_ZONE = re.compile(r"^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:?\d{2})$")
_ZONE_STARTS = frozenset({"Z", "+", "-"})
_CEFACT_FORMATS = {"102": "%Y%m%d", "203": "%Y%m%d%H%M", "204": "%Y%m%d%H%M%S"}
_MAX_EXPONENT = 30  # quantities beyond 10^30 or below 10^-30 are not plausible


def parse_decimal(value: str) -> Decimal | None:
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or (number and abs(number.adjusted()) > _MAX_EXPONENT):
        return None
    return number


def parse_datetime(value: str, fmt: str | None = None) -> datetime | None:
    parsed: datetime | None = None
    try:
        if fmt in _CEFACT_FORMATS:
            parsed = datetime.strptime(value, _CEFACT_FORMATS[fmt])
        else:
            # A date with a zone has its zone at [10]; skip the regex for everything else.
            zoned_date = _DATE_WITH_ZONE.match(value) if value[10:11] in _ZONE_STARTS else None
            parsed = datetime.fromisoformat(zoned_date.group(1) if zoned_date else value)
    except (ValueError, OverflowError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def normalise_word(value: str) -> str:
    return "".join(value.lower().replace("-", "").replace("_", "").split())


# -- elements by local name -------------------------------------------------------------------

_LOCAL_NAMES: dict[str, str] = {}
Kids: TypeAlias = dict[str, list[etree._Element]]
_NO_KIDS: Kids = {}  # shared; never mutated


def local_name(tag: str) -> str:
    local = _LOCAL_NAMES.get(tag)
    if local is None:
        local = tag[tag.rfind("}") + 1 :]
        if len(_LOCAL_NAMES) < 2048:  # bounded: tags come from untrusted documents
            _LOCAL_NAMES[tag] = local
    return local


def kids_of(el: etree._Element | None) -> Kids:
    """The element children of ``el`` by local name, in document order (any namespace)."""
    if el is None:
        return _NO_KIDS
    kids: Kids = {}
    known = _LOCAL_NAMES.get
    for child in el[:]:  # a list made in C: quicker than iterating over el
        tag = child.tag
        if tag.__class__ is str:  # skip comments and processing instructions
            local = known(tag) or local_name(tag)
            same = kids.get(local)
            if same is None:
                kids[local] = [child]
            else:
                same.append(child)
    return kids


def path_of(el: etree._Element, top: etree._Element | None) -> str:
    """XPath-like path of local names from ``top`` (the permit's root, which may sit inside an
    envelope), with [n] where siblings share a name and on every line. Built only when a
    problem is reported."""
    parts: list[str] = []
    known = _LOCAL_NAMES.get
    node: etree._Element | None = el
    while node is not None:
        name = local_name(str(node.tag))
        parent = node.getparent()
        if parent is not None and node is not top:
            same = [
                c
                for c in parent[:]
                if isinstance(tag := c.tag, str) and (known(tag) or local_name(tag)) == name
            ]
            if len(same) > 1 or name == ITEM:
                name = f"{name}[{same.index(node) + 1}]"
        parts.append(name)
        node = None if node is top else parent
    return "/" + "/".join(reversed(parts))


Where: TypeAlias = "etree._Element | str"


class ValueReader:
    """The reader's state (the problems found, the permit's root) and its primitives."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.top: etree._Element | None = None

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
            path, line = path_of(where, self.top) + suffix, where.sourceline
        self.problems.append(Problem(READ, code, message, path, line, severity))

    def one(self, kids: Kids, name: str) -> etree._Element | None:
        found = kids.get(name)
        if found is None:
            return None
        if len(found) > 1 and name not in REPEATABLE:
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

    def text(self, kids: Kids, name: str) -> str | None:
        """``value(one(kids, name))``, with the common case (one leaf element) inlined."""
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

    def code(self, kids: Kids, name: str) -> str | None:
        value = self.text(kids, name)
        return value.upper() if value is not None else None

    def first_text(self, kids: Kids, name: str) -> str | None:
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
            inner = self.one(kids_of(el), "DateTimeString")
            if inner is not None:
                el, fmt = inner, inner.get("format")
        value = self.value(el)
        if value is None:
            return None
        parsed = parse_datetime(value, fmt)
        if parsed is None:
            self.report("invalid_date", f"{value[:40]!r} is not an ISO 8601 date or date-time", el)
        return parsed

    def date_of(self, el: etree._Element | None) -> date | None:
        parsed = self.datetime_of(el)
        return parsed.date() if parsed is not None else None
