"""The typed CITES permit document: what a ``CITESEPermit`` says, independent of the database.

The writer turns one into XML, the reader turns XML back into one (plus problems). Values are
normalised: codes upper-case, texts stripped, blanks are None, units UN/ECE Rec. 20.

Plain slotted dataclasses, not frozen: a frozen dataclass's constructor costs about four
times as much, and the reader builds several per document on a path measured in
microseconds (the 10,000 reads per second target). Treat them as values all the same:
change one with ``dataclasses.replace``, never in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

ORIGIN_PERMIT = "861"  # AssociatedReferencedDocument/TypeCode for Box 12 (origin permit)
REEXPORT_CERTIFICATE = "811"  # ... for Box 12a (last re-export certificate)


@dataclass(slots=True)
class TradeParty:
    """Box 3 (importer), Box 4 (exporter / re-exporter), or the issuing authority (Box 6)."""

    name: str | None = None
    address: str | None = None  # street and city, as one text (PostalTradeAddress/StreetName)
    country: str | None = None  # ISO 3166-1 alpha-2


@dataclass(slots=True)
class DocumentReference:
    """A document referred to: Box 12/12a on a line, or the document replaced (Box 5)."""

    id: str
    type_code: str | None = None
    issue_date: date | None = None


@dataclass(slots=True)
class PermitLine:
    """One species line, lettered A, B, ... (Boxes 7-12b)."""

    id: str
    scientific_name: str | None = None
    common_name: str | None = None
    description: str | None = None
    term_code: str | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    appendix: str | None = None  # I, II or III
    source_code: str | None = None
    origin_country: str | None = None
    origin_permit: DocumentReference | None = None
    reexport_country: str | None = None
    reexport_certificate: DocumentReference | None = None
    marks: str | None = None


@dataclass(slots=True)
class PermitDocument:
    number: str | None
    type: str | None  # Box 1: E, R, I or O
    name: str | None = None  # Box 1 document name, for type O
    issued_at: datetime | None = None  # Box 13
    valid_from: date | None = None  # Box 2
    valid_until: date | None = None
    purpose_code: str | None = None  # Box 5a
    special_conditions: tuple[str, ...] = ()  # Box 5
    copy: bool = False
    issuing_country: str | None = None  # the issuing Party
    issuing_authority: TradeParty | None = None  # Box 6 Management Authority
    place_of_issue: str | None = None  # Box 13
    issuing_official: str | None = None  # Box 13 signatory
    security_stamp: str | None = None  # Box 5b
    exporter: TradeParty | None = None  # Box 4
    importer: TradeParty | None = None  # Box 3
    replaces: DocumentReference | None = None  # Box 5: the document replaced
    replacement_reason: str | None = None
    lines: tuple[PermitLine, ...] = field(default_factory=tuple)

    @property
    def issue_date(self) -> date | None:
        return self.issued_at.date() if self.issued_at else None
