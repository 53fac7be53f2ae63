"""The header parts of a permit for the lenient reader (:mod:`app.xml.reader`): document type,
purpose, copy indicator, signatory, the document replaced, special conditions and trade parties,
each read from its element's children by local name, reporting what it finds. The leniency
rules and the mapping are listed there; the species lines are read in :mod:`app.xml.read_lines`.
"""

from __future__ import annotations

from lxml import etree

from app.codelists import lists
from app.xml.document import DocumentReference, TradeParty
from app.xml.read_values import (
    BOOLEANS,
    DOCUMENT_TYPE_WORDS,
    Kids,
    ValueReader,
    kids_of,
    normalise_word,
)
from app.xml.writer import REPLACES_PREFIX

EMPTY_PARTY = TradeParty()


class PartsReader(ValueReader):
    def document_type(self, header: Kids) -> str | None:
        el = self.one(header, "TypeCode")
        value = self.value(el)
        if value is None or el is None:
            return None
        code = value.upper()
        if code in lists.code_lists().document_type:
            return code
        mapped = DOCUMENT_TYPE_WORDS.get(normalise_word(value))
        if mapped is None:
            return code  # the rules layer reports the unknown code
        self.report("normalised_code", f"document type {value!r} read as {mapped}", el, "warning")
        return mapped

    def purpose(self, header: Kids) -> str | None:
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

    def copy(self, header: Kids) -> bool:
        el = self.one(header, "CopyIndicator")
        value = self.value(el)
        if value is None or el is None:
            return False
        flag = BOOLEANS.get(value.lower())
        if flag is None:
            self.report(
                "invalid_boolean", f"CopyIndicator {value[:20]!r} is not true, false, 1 or 0", el
            )
            return False
        return flag

    def official(self, header: Kids, authority_el: etree._Element | None) -> str | None:
        third = kids_of(self.one(header, "ThirdSignatoryDocumentAuthentication"))
        provider = kids_of(self.one(third, "ProviderTradeParty"))
        person = "SpecifiedAuthoritativeSignatoryPerson"
        return (
            self.first_text(kids_of(self.one(provider, person)), "Name")
            or self.first_text(provider, "Name")
            or self.first_text(kids_of(self.one(kids_of(authority_el), person)), "Name")
        )

    def replaced(self, header: Kids) -> DocumentReference | None:
        for el in header.get("ReferenceReferencedDocument", ()):
            kids = kids_of(el)
            number = self.text(kids, "ID")
            if number is not None:
                return DocumentReference(
                    id=number,
                    type_code=self.code(kids, "TypeCode"),
                    issue_date=self.date_of(self.one(kids, "IssueDateTime")),
                )
        return None

    def information(
        self, header: Kids, replaces: DocumentReference | None
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
        kids = kids_of(el)
        address = kids_of(self.one(kids, "PostalTradeAddress"))
        street = self.text(address, "StreetName")
        postcode = self.text(address, "PostcodeCode")
        city = self.text(address, "CityName")
        place = f"{postcode} {city}" if postcode and city else postcode or city
        party = TradeParty(
            name=self.first_text(kids, "Name"),
            address=", ".join(v for v in (street, place) if v) or None,
            country=self.code(address, "CountryID"),
        )
        return party if party != EMPTY_PARTY else None
