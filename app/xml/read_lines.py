"""The species lines of a permit for the lenient reader (:mod:`app.xml.reader`): line IDs,
quantities and units, appendices and the documents referred to (Boxes 12/12a), each read from
its element's children by local name, reporting what it finds. The leniency rules and the
mapping are listed there."""

from __future__ import annotations

import string
from decimal import Decimal

from lxml import etree

from app.codelists import lists
from app.core.errors import InvalidInput
from app.xml.document import ORIGIN_PERMIT, REEXPORT_CERTIFICATE, DocumentReference, PermitLine
from app.xml.read_values import (
    APPENDICES,
    APPENDIX_PREFIX,
    CONSIGNMENT_PATH,
    IGNORED_REFERENCE_TYPES,
    ITEM,
    PLACEHOLDERS,
    REFERENCE_TYPES,
    UNITS,
    Kids,
    ValueReader,
    kids_of,
    normalise_word,
    parse_decimal,
)


class LinesReader(ValueReader):
    def lines(
        self, consignment_el: etree._Element | None, consignment: Kids
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
        item = kids_of(item_el)
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
        trade = kids_of(self.one(item, "IncludedSupplyChainTradeLineItem"))
        product = kids_of(self.one(trade, "SpecifiedTradeProduct"))
        package = kids_of(self.one(item, "TransportLogisticsPackage"))
        quantity, unit = self.quantity(self.one(package, "ItemQuantity"))
        origin_permit, reexport_certificate = self.references(item)
        marks = [
            value
            for marks_el in item.get("PhysicalLogisticsShippingMarks", ())
            for el in kids_of(marks_el).get("Marking", ())
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
            origin_country=self.code(kids_of(self.one(item, "OriginTradeCountry")), "ID"),
            origin_permit=origin_permit,
            reexport_country=self.code(kids_of(self.one(item, "ExportTradeCountry")), "ID"),
            reexport_certificate=reexport_certificate,
            marks="; ".join(marks) or None,
        )

    def appendix(self, el: etree._Element | None) -> str | None:
        value = self.value(el)
        if value is None or el is None:
            return None
        code = value.upper()
        if code in APPENDICES:
            return code
        try:
            return lists.appendix(APPENDIX_PREFIX.sub("", code), field="appendix")
        except InvalidInput:
            self.report("unknown_code", f"appendix {value[:20]!r} is not I, II or III", el)
            return code

    def quantity(self, el: etree._Element | None) -> tuple[Decimal | None, str | None]:
        value = self.value(el)
        if value is None or el is None:
            return None, None
        quantity = parse_decimal(value)
        if quantity is None:
            hint = " (use a decimal point)" if "," in value else ""
            self.report("invalid_number", f"quantity {value[:40]!r} is not a number{hint}", el)
        return quantity, self.unit(el)

    def unit(self, el: etree._Element) -> str:
        raw = (el.get("unitCode") or "").strip()
        if raw in UNITS:
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

    def references(self, item: Kids) -> tuple[DocumentReference | None, DocumentReference | None]:
        found: dict[str, DocumentReference] = {}
        for el in item.get("AssociatedReferencedDocument", ()):
            kids = kids_of(el)
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
            word = normalise_word(raw)
            kind = REFERENCE_TYPES.get(word)
            if kind is None:
                if word in IGNORED_REFERENCE_TYPES:
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
