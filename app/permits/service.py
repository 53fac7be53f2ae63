"""Issuing, cancelling and replacing permits. State checks are the workflow's."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.applications import service as applications_service
from app.applications.models import Application, ApplicationLine
from app.audit import service as audit
from app.auth import service as auth_service
from app.codelists import lists
from app.core.actor import Actor, Role
from app.core.clock import add_months, utcnow
from app.core.errors import InvalidInput, NotFound
from app.permits import repository
from app.permits.document import Issuance, IssuingAuthority, permit_document
from app.permits.models import Permit
from app.permits.schemas import PermitFilter
from app.species import ledger
from app.species.quotas import QuotaLine
from app.xml.schema import SchemaRegistry
from app.xml.writer import to_bytes

VALID = "valid"
EXPORTS = ("E", "R")  # the documents counted against export quotas
RELEASING = frozenset({"cancelled", "replaced", "expired"})  # give the quota back


def quota_line(line: ApplicationLine) -> QuotaLine:
    """An application line as the quota ledger counts it."""
    try:
        unit = lists.unit_code(line.unit_code)
    except InvalidInput:
        unit = line.unit_code.strip().upper()
    return QuotaLine(
        letter=line.letter,
        scientific_name=line.scientific_name,
        term_code=line.term_code,
        source_code=line.source_code,
        quantity=line.quantity,
        unit=unit,
    )


def format_number(template: str, *, party: str, year: int, serial: int) -> str:
    return template.format(yy=f"{year % 100:02d}", yyyy=f"{year:04d}", party=party, serial=serial)


def allocate_number(session: Session, *, party: str, year: int, template: str) -> str:
    """The next permit number for this Party and year: no gaps, no duplicates (the sequence
    row is updated in the issuing transaction and locked until it commits)."""
    serial = repository.next_serial(session, party=party, year=year)
    return format_number(template, party=party, year=year, serial=serial)


def validity_until(
    document_type: str, subtype: str | None, issued_on: date, requested: date | None
) -> date:
    """Latest allowed validity for the document type, or the officer's shorter date."""
    latest = add_months(issued_on, lists.validity_months(document_type, subtype))
    if requested is None:
        return latest
    if requested < issued_on:
        raise InvalidInput(
            "valid_until is before the issue date",
            code="invalid_validity",
            details={"valid_until": requested.isoformat(), "issued_on": issued_on.isoformat()},
        )
    if requested > latest:
        raise InvalidInput(
            f"valid_until may be at most {latest.isoformat()} for document type {document_type}",
            code="validity_too_long",
            details={"valid_until": requested.isoformat(), "latest": latest.isoformat()},
        )
    return requested


def issue_permit(
    session: Session,
    *,
    application: Application,
    officer: Actor,
    issuance: Issuance,
    valid_until: date | None = None,
    replaces: Permit | None = None,
    replacement_reason: str | None = None,
    now: datetime | None = None,
    quota_override: ledger.Override = False,
) -> Permit:
    """Issue the permit for an approved application, in the caller's transaction: number,
    validity, the signed document, its reservation in the quota ledger (an export permit or
    re-export certificate; ``quota_exceeded`` when a quota would be exceeded, unless
    ``quota_override``: a flag, or a callable asked only then) and the audit event. A
    replacement first gives back what the permit it replaces held of the quotas."""
    now = now or utcnow()
    today = now.date()
    until = validity_until(application.document_type, application.other_subtype, today, valid_until)
    party = issuance.party
    number = allocate_number(session, party=party, year=now.year, template=issuance.number_template)
    permit = Permit(
        number=number,
        issuing_party=party,
        document_type=application.document_type,
        application_id=application.id,
        organisation_id=application.organisation_id,
        status=VALID,
        issued_at=now,
        issued_by_id=officer.user_id,
        valid_from=today,
        valid_until=until,
        replaces_permit_id=replaces.id if replaces else None,
        replacement_reason=replacement_reason,
    )
    # The signed document is the authoritative permit, stored with it in this transaction
    # (sealed before the row is written, so it is written once).
    permit.signed_xml = issuance.sealer.seal(
        permit_document(
            permit,
            application,
            authority=issuance.authority,
            issuing_official=_official_name(session, officer),
            replaces=replaces,
        )
    )
    session.add(permit)
    session.flush()
    if replaces is not None:
        ledger.release(session, permit_id=replaces.id, now=now)
    if application.document_type in EXPORTS:
        ledger.reserve(
            session,
            permit_id=permit.id,
            party=application.applicant_country,
            lines=[quota_line(line) for line in application.lines],
            on=today,
            expires_on=until,
            now=now,
            allow_over=quota_override,
        )
    details: dict[str, object] = {
        "number": number,
        "application_id": application.id,
        "valid_until": until.isoformat(),
        "sha256": hashlib.sha256(permit.signed_xml).hexdigest(),
    }
    if replaces is not None:
        details.update(replaces=replaces.number, reason=replacement_reason)
    audit.record(
        session,
        actor=officer,
        action="permit.issue",
        object_type="permit",
        object_id=permit.id,
        details=details,
    )
    return permit


def _official_name(session: Session, officer: Actor) -> str:
    if officer.full_name:
        return officer.full_name
    if officer.user_id is None:
        return officer.username
    return auth_service.get_user(session, officer.user_id).full_name


def change_status(
    session: Session,
    *,
    permit: Permit,
    status: str,
    reason: str | None,
    actor: Actor,
    action: str,
    details: dict[str, object] | None = None,
) -> Permit:
    permit.status = status
    permit.status_changed_at = utcnow()
    permit.status_reason = reason
    session.flush()
    if permit.document_type in EXPORTS and status in RELEASING:
        ledger.release(session, permit_id=permit.id, now=permit.status_changed_at)
    elif permit.document_type in EXPORTS and status == "used":
        # used without an endorsement recorded here (the importer's report): all of it
        ledger.consume(session, permit_id=permit.id, endorsed=None, now=permit.status_changed_at)
    audit.record(
        session,
        actor=actor,
        action=action,
        object_type="permit",
        object_id=permit.id,
        details={"number": permit.number, "status": status, "reason": reason, **(details or {})},
    )
    return permit


READERS = frozenset({Role.OFFICER, Role.ADMIN, Role.CUSTOMS})  # besides traders (their own)


def get_permit(
    session: Session, permit_id: int, *, actor: Actor, for_update: bool = False
) -> Permit:
    own = auth_service.visible_organisation(actor, readers=READERS, what="permits")
    permit = repository.get(session, permit_id, for_update=for_update)
    if permit is None or (own is not None and permit.organisation_id != own):
        raise NotFound(
            f"permit {permit_id} not found", code="permit_not_found", details={"id": permit_id}
        )
    return permit


def list_permits(
    session: Session, *, actor: Actor, flt: PermitFilter, limit: int, offset: int
) -> tuple[list[Permit], int]:
    organisation_id = auth_service.organisation_filter(
        actor, flt.organisation_id, readers=READERS, what="permits"
    )
    flt = dataclasses.replace(flt, organisation_id=organisation_id)
    return repository.list_page(session, flt, limit=limit, offset=offset)


def replaced_numbers(session: Session, permits: list[Permit]) -> dict[int, str]:
    """Numbers of the permits these replace (Box 5), in one query."""
    ids = {p.replaces_permit_id for p in permits if p.replaces_permit_id is not None}
    return repository.numbers_by_id(session, ids)


def due_for_expiry(session: Session, *, today: date, limit: int = 500) -> list[Permit]:
    return repository.due_for_expiry(session, today=today, limit=limit)


def permit_xml(
    session: Session,
    permit_id: int,
    *,
    actor: Actor,
    authority: IssuingAuthority,
    schema: SchemaRegistry,
) -> tuple[Permit, bytes]:
    """The permit's ``CITESEPermit`` XML: exactly the signed bytes stored at issuance. (A
    permit issued before permits were signed gets its unsigned document, XSD-validated.)"""
    permit = get_permit(session, permit_id, actor=actor)
    if permit.signed_xml is not None:
        return permit, permit.signed_xml
    application = applications_service.get_for_document(session, permit.application_id)
    official = auth_service.get_user(session, permit.issued_by_id) if permit.issued_by_id else None
    replaces = (
        repository.get(session, permit.replaces_permit_id) if permit.replaces_permit_id else None
    )
    document = permit_document(
        permit,
        application,
        authority=authority,
        issuing_official=official.full_name if official else None,
        replaces=replaces,
    )
    return permit, to_bytes(document, schema)


def signed_document(session: Session, *, party: str, number: str) -> bytes:
    """A permit's signed XML as issued, by number (for exports)."""
    permit = repository.get_by_number(session, party, number)
    if permit is None:
        raise NotFound(
            f"permit {number} not found", code="permit_not_found", details={"number": number}
        )
    if permit.signed_xml is None:
        raise NotFound(
            f"permit {number} was issued before permits were signed",
            code="permit_not_signed",
            details={"number": number},
        )
    return permit.signed_xml


@dataclass(frozen=True)
class Standing:
    """A permit as another Party asks for it: the signed XML as issued, and its state now."""

    signed_xml: bytes
    state: str  # valid, expired, exported, used, cancelled, replaced
    replaced_by: str | None


def standing(session: Session, *, party: str, number: str, today: date) -> Standing:
    """The signed permit and its state today (a valid permit past its date is expired, even
    before the expiry job has marked it)."""
    signed = signed_document(session, party=party, number=number)
    permit = repository.get_by_number(session, party, number)
    assert permit is not None  # signed_document found it
    state = permit.status
    if state == VALID and permit.valid_until < today:
        state = "expired"
    replaced_by = replacement_number(session, permit) if state == "replaced" else None
    return Standing(signed, state, replaced_by)


def find_own_for_update(session: Session, party: str, number: str) -> Permit | None:
    """This Party's permit by number, locked for a status change (None when unknown)."""
    return repository.get_by_number_for_update(session, party, number)


def importing_party(session: Session, permit: Permit) -> str:
    """The Party a permit was issued for: the importer's country (export, re-export) or
    this Party (import)."""
    application = applications_service.get_for_document(session, permit.application_id)
    if permit.document_type == "I":
        return permit.issuing_party
    return application.counterparty_country


def replacement_number(session: Session, permit: Permit) -> str | None:
    replacement = repository.replacement_of(session, permit.id)
    return replacement.number if replacement else None
