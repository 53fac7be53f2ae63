"""Customs at the border: the validity check, one call for own and received documents.

The state is evaluated at ``now`` (the caller's clock): cancelled, replaced, used and
exported come from the record; otherwise the validity dates decide (not yet valid, expired,
valid). A received document's signature is verified again at each check, against the trust
registry as it is now (a certificate revoked since makes it fail)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from app.codelists import lists
from app.core.db import Reader, session_of
from app.core.errors import InvalidInput
from app.customs import lookup
from app.customs.schemas import (
    BorderEventRead,
    CustomsLine,
    CustomsState,
    CustomsView,
    Party,
    Quantity,
    Signature,
)
from app.exchange import foreign as exchange_foreign
from app.exchange.models import ForeignPermit
from app.permits import border
from app.permits import service as permits_service
from app.permits.models import Permit
from app.trust import service as trust_service
from app.trust.verification import verify_permit
from app.xml.document import PermitDocument
from app.xml.reader import read_permit_bytes

_RECORDED = {
    "cancelled": CustomsState.CANCELLED,
    "replaced": CustomsState.REPLACED,
    "used": CustomsState.USED,
    "exported": CustomsState.EXPORTED,
}


def customs_state(
    status: str, valid_from: date | None, valid_until: date | None, today: date
) -> CustomsState:
    """The state customs sees: the record first, then the validity dates."""
    if status in _RECORDED:
        return _RECORDED[status]
    if valid_from is not None and today < valid_from:
        return CustomsState.NOT_YET_VALID
    if valid_until is None or today > valid_until:
        return CustomsState.EXPIRED
    return CustomsState.VALID


COUNT = "NAR"  # a number of specimens (no unit)


def unit(code: str | None) -> str:
    """One spelling per unit: a missing or blank unit is a number of specimens (NAR), legacy
    codes are mapped (KIL is KGM); an unknown code stays as given (and will not match)."""
    try:
        return lists.unit_code(code)
    except InvalidInput:
        return (code or "").strip().upper()


@dataclass(frozen=True)
class Line:
    line: str
    scientific_name: str | None
    quantity: Decimal | None
    unit: str
    appendix: str | None


@dataclass
class Document:
    """A document at the border, own or received, read the same way."""

    country: str
    number: str
    own: bool
    status: str
    document_type: str | None
    valid_from: date | None
    valid_until: date | None
    exporter: Party | None
    importer: Party | None
    lines: list[Line]
    permit: Permit | None = None
    foreign: ForeignPermit | None = None
    signature: Signature | None = None
    replaced_by: str | None = None


def _own(
    country: str, number: str, found: lookup.OwnPermit, permit: Permit | None = None
) -> Document:
    applicant = Party(name=found.applicant_name, country=found.applicant_country)
    other = Party(name=found.counterparty_name, country=found.counterparty_country)
    importing = found.document_type == "I"
    return Document(
        country=country,
        number=number,
        own=True,
        status=found.status,
        document_type=found.document_type,
        valid_from=found.valid_from,
        valid_until=found.valid_until,
        exporter=other if importing else applicant,
        importer=applicant if importing else other,
        lines=[
            Line(x.letter, x.scientific_name, x.quantity, unit(x.unit_code), x.appendix)
            for x in found.lines
        ],
        permit=permit,
        replaced_by=found.replaced_by,
    )


def _party(value: object) -> Party | None:
    if value is None:
        return None
    return Party(name=getattr(value, "name", None), country=getattr(value, "country", None))


def _foreign(
    session: Session, stored: ForeignPermit, *, own_party: str, max_bytes: int
) -> Document:
    verdict = verify_permit(
        stored.signed_xml,
        own_party=own_party,
        own_certificates=(),
        registry=trust_service.registry_lookup(session),
        max_bytes=max_bytes,
    )
    genuine = verdict.authentic and verdict.party == stored.issuing_party
    read = read_permit_bytes(stored.signed_xml, max_bytes=max_bytes).document
    document = read or PermitDocument(number=stored.number, type=stored.document_type)
    return Document(
        country=stored.issuing_party,
        number=stored.number,
        own=False,
        status=stored.status,
        document_type=stored.document_type,
        valid_from=document.valid_from,
        valid_until=stored.valid_until,
        exporter=_party(document.exporter),
        importer=_party(document.importer),
        lines=[
            Line(x.id, x.scientific_name, x.quantity, unit(x.unit), x.appendix)
            for x in document.lines
        ],
        foreign=stored,
        signature=Signature(
            verified=genuine,
            signer_fingerprint=verdict.fingerprint,
            reasons=[r.code for r in verdict.reasons]
            or ([] if genuine else ["issued_by_another_party"]),
        ),
    )


def find_document(
    reader: Reader,
    country: str,
    number: str,
    *,
    own_party: str,
    max_bytes: int,
    for_update: bool = False,
) -> Document | None:
    """The document ``country`` issued under ``number``: this Party's own, or one received
    from its issuer. None when neither is known here."""
    if country == own_party:
        permit = None
        if for_update:  # the permit row locked, and its ORM object for the change to come
            permit = permits_service.find_own_for_update(session_of(reader), country, number)
            if permit is None:
                return None
        found = lookup.own_permit(reader, country, number)
        return _own(country, number, found, permit) if found else None
    session = session_of(reader)
    stored = exchange_foreign.find_foreign(session, country, number, for_update=for_update)
    return _foreign(session, stored, own_party=own_party, max_bytes=max_bytes) if stored else None


def event_read(event: border.Event) -> BorderEventRead:
    return BorderEventRead(
        kind=event.kind,
        reported_by=event.reported_by,
        declaration_ref=event.declaration_ref,
        port=event.port,
        date=event.event_date,
        officer=event.customs_officer,
        import_permit_number=event.import_permit_number,
        lines=[
            Quantity(line=x.line, quantity=x.quantity, unit=x.unit) for x in border.lines_of(event)
        ],
    )


def crossed(events: list[border.EventRow], kind: str) -> dict[str, Decimal] | None:
    """Per line, the quantity of the latest event of ``kind`` (None when there is none)."""
    chosen = [e for e in events if e.kind == kind]
    if not chosen:
        return None
    return {x.line: x.quantity for x in border.lines_of(chosen[-1])}


def view(reader: Reader, document: Document, *, now: datetime) -> CustomsView:
    events = border.events_on(reader, issuing_party=document.country, number=document.number)
    exported, imported = crossed(events, border.EXPORT), crossed(events, border.IMPORT)
    return CustomsView(
        country=document.country,
        number=document.number,
        state=customs_state(document.status, document.valid_from, document.valid_until, now.date()),
        own=document.own,
        document_type=document.document_type,
        valid_from=document.valid_from,
        valid_until=document.valid_until,
        replaced_by=document.replaced_by,
        exporter=document.exporter,
        importer=document.importer,
        lines=[
            CustomsLine(
                line=x.line,
                scientific_name=x.scientific_name,
                permitted_quantity=x.quantity,
                unit=x.unit,
                exported_quantity=exported.get(x.line) if exported is not None else None,
                imported_quantity=imported.get(x.line) if imported is not None else None,
            )
            for x in document.lines
        ],
        signature=document.signature,
        events=[event_read(e) for e in events],
        checked_at=now,
    )


Fetch = Callable[[str, str], bool]
"""Asks the issuing Party for a permit not known here (PERMIT_REQUEST); True when stored."""


def check(
    reader: Reader,
    country: str,
    number: str,
    *,
    own_party: str,
    max_bytes: int,
    now: datetime,
    fetch: Fetch | None = None,
) -> CustomsView:
    """The validity check: the document's state, dates, parties, lines and border events. A
    permit of another Party that is not known here is first asked of that Party (``fetch``)."""
    document = find_document(reader, country, number, own_party=own_party, max_bytes=max_bytes)
    fetched = False
    if document is None and fetch is not None and country != own_party:
        fetched = fetch(country, number)
        if fetched:
            document = find_document(
                reader, country, number, own_party=own_party, max_bytes=max_bytes
            )
    if document is None:
        return CustomsView(
            country=country, number=number, state=CustomsState.NOT_FOUND, own=False, checked_at=now
        )
    return view(reader, document, now=now).model_copy(update={"fetched": fetched})
