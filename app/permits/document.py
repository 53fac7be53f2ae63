"""An issued permit as a CITES permit document (the content of its ``CITESEPermit`` XML)."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from app.applications.models import Application, ApplicationLine
from app.codelists.lists import code_lists
from app.permits.models import Permit
from app.xml.document import (
    ORIGIN_PERMIT,
    REEXPORT_CERTIFICATE,
    DocumentReference,
    PermitDocument,
    PermitLine,
    TradeParty,
)
from app.xml.schema import SchemaRegistry
from app.xml.writer import check_valid, to_xml
from signing import SigningKey, sign


@dataclass(frozen=True)
class IssuingAuthority:
    """This Management Authority, as printed on its permits (Box 6 and Box 13)."""

    party: str
    name: str
    address: str | None = None
    place_of_issue: str | None = None


def _line(line: ApplicationLine) -> PermitLine:
    origin = (
        DocumentReference(line.origin_permit_number, ORIGIN_PERMIT, line.origin_permit_date)
        if line.origin_permit_number
        else None
    )
    reexport = (
        DocumentReference(
            line.reexport_certificate_number, REEXPORT_CERTIFICATE, line.reexport_certificate_date
        )
        if line.reexport_certificate_number
        else None
    )
    return PermitLine(
        id=line.letter,
        scientific_name=line.scientific_name,
        common_name=line.common_name,
        description=line.description,
        term_code=line.term_code,
        quantity=line.quantity,
        unit=line.unit_code,
        appendix=line.appendix,
        source_code=line.source_code,
        origin_country=line.origin_country,
        origin_permit=origin,
        reexport_country=line.reexport_country,
        reexport_certificate=reexport,
        marks=line.marks,
    )


def permit_document(
    permit: Permit,
    application: Application,
    *,
    authority: IssuingAuthority,
    issuing_official: str | None,
    replaces: Permit | None,
) -> PermitDocument:
    """The document for an issued permit; ``application`` must have its lines loaded."""
    applicant = TradeParty(
        application.applicant_name, application.applicant_address, application.applicant_country
    )
    counterparty = TradeParty(
        application.counterparty_name,
        application.counterparty_address,
        application.counterparty_country,
    )
    # The applicant exports (Box 4) except on an import permit, where it imports (Box 3).
    exporter, importer = (
        (counterparty, applicant) if permit.document_type == "I" else (applicant, counterparty)
    )
    name = None
    if permit.document_type == "O" and application.other_subtype:
        name = str(code_lists().other_subtype[application.other_subtype]["name"])
    return PermitDocument(
        number=permit.number,
        type=permit.document_type,
        name=name,
        issued_at=permit.issued_at,
        valid_from=permit.valid_from,
        valid_until=permit.valid_until,
        purpose_code=application.purpose_code,
        special_conditions=(
            (application.special_conditions,) if application.special_conditions else ()
        ),
        issuing_country=permit.issuing_party,
        issuing_authority=TradeParty(authority.name, authority.address, authority.party),
        place_of_issue=authority.place_of_issue,
        issuing_official=issuing_official,
        exporter=exporter,
        importer=importer,
        replaces=(
            DocumentReference(replaces.number, None, replaces.issued_at.date())
            if replaces
            else None
        ),
        replacement_reason=permit.replacement_reason,
        lines=tuple(_line(line) for line in application.lines),
    )


@dataclass(frozen=True)
class Sealer:
    """Turns a permit document into its authoritative bytes: the XML, signed with this
    Party's key, checked against the XSD (the signature included) before anyone sees it."""

    schema: SchemaRegistry
    key: SigningKey

    def seal(self, document: PermitDocument) -> bytes:
        signed = sign(to_xml(document), self.key)
        check_valid(signed, self.schema)
        data: bytes = etree.tostring(signed, xml_declaration=True, encoding="UTF-8")
        return data


@dataclass(frozen=True)
class Issuance:
    """What issuing a permit needs besides the database: who issues (this Party and its
    Management Authority), how permits are numbered, and the sealer that signs them."""

    authority: IssuingAuthority
    number_template: str
    sealer: Sealer

    @property
    def party(self) -> str:
        return self.authority.party
