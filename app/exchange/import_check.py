"""The export permit an import application relies on: is it authentic, valid and sufficient?

An import permit application (document type I) names the export permit or re-export
certificate of the exporting Party (``export_permit_party``, ``export_permit_number``). That
Party pushed it here over EPIX, so it is a received :class:`ForeignPermit`, kept with its exact
signed bytes. This is the one layer that sees both applications and foreign permits.

* authentic: the stored signed bytes verify again, now, against the trust registry (a
  certificate revoked since the permit arrived makes it not authentic);
* valid: the permit is in force (status ``valid``, ``valid_until`` today or later), is an
  export document (not an import permit), and names this Party as the country of import when
  it names one;
* sufficient: every application line is covered: the permit lines of the same scientific name
  (case and spacing aside) and unit, added up, permit at least what the application lines of
  that species and unit, added up, ask for.

Every failed point is a reason with a stable code; the check never raises on content.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from app.applications import service as applications_service
from app.applications.models import Application, ApplicationLine
from app.core.actor import Actor
from app.core.clock import utcnow
from app.exchange import repository
from app.exchange.models import ForeignPermit
from app.exchange.schemas import (
    CheckedLine,
    CheckedPermit,
    CheckReason,
    ExportPermitCheck,
    ExportPermitReference,
)
from app.trust import service as trust_service
from app.trust.verification import verify_permit
from app.xml.document import PermitLine
from app.xml.parser import MAX_BYTES
from app.xml.reader import read_permit_bytes

NO_REFERENCE = "no_export_permit_reference"
NOT_FOUND = "export_permit_not_found"
SIGNATURE_INVALID = "signature_invalid"
NOT_VALID = "permit_not_valid"  # a status other than the known ones below
EXPIRED = "permit_expired"
NO_VALIDITY = "permit_validity_unknown"
NOT_EXPORT = "not_an_export_permit"
WRONG_IMPORTER = "wrong_importer"
UNREADABLE = "permit_unreadable"
SPECIES_MISSING = "species_not_on_permit"
UNIT_MISMATCH = "unit_mismatch"
QUANTITY_EXCEEDED = "quantity_exceeds_permit"
ENDED_STATES = ("cancelled", "replaced", "used")  # reason code: permit_<status>

Key = tuple[str, str]  # (scientific name, case and spacing aside; unit)


def check_export_permit(
    session: Session, *, application_id: int, actor: Actor, party: str, today: date | None = None
) -> ExportPermitCheck:
    """The check for one application the actor may see (another organisation's is 'not
    found'). ``party`` is this service's own Party, the expected country of import."""
    application = applications_service.get_application(session, application_id, actor=actor)
    if application.export_permit_party is None or application.export_permit_number is None:
        return _unchecked(
            application,
            None,
            CheckReason(
                code=NO_REFERENCE,
                message="the application names no export permit "
                "(export_permit_party and export_permit_number)",
            ),
        )
    reference = ExportPermitReference(
        party=application.export_permit_party, number=application.export_permit_number
    )
    stored = repository.foreign_permit(session, reference.party, reference.number)
    if stored is None:
        return _unchecked(
            application,
            reference,
            CheckReason(
                code=NOT_FOUND,
                message=f"no permit {reference.number} of {reference.party} was received here",
            ),
        )
    signed = stored.signed_xml
    max_bytes = max(MAX_BYTES, len(signed))  # accepted already: its size is not in question
    authenticity = _authenticity(session, stored, signed, party=party, max_bytes=max_bytes)
    validity = _validity(stored, party=party, today=today or utcnow().date())
    document = read_permit_bytes(signed, max_bytes=max_bytes).document
    if document is None:
        lines = [_line(line, None, sufficient=False) for line in application.lines]
        sufficiency = [CheckReason(code=UNREADABLE, message="the stored permit cannot be read")]
    else:
        lines, sufficiency = _sufficiency(application.lines, document.lines)
    return ExportPermitCheck(
        reference=reference,
        found=True,
        authentic=not authenticity,
        valid=not validity,
        sufficient=not sufficiency,
        reasons=[*authenticity, *validity, *sufficiency],
        permit=CheckedPermit.model_validate(stored),
        lines=lines,
    )


def _unchecked(
    application: Application, reference: ExportPermitReference | None, reason: CheckReason
) -> ExportPermitCheck:
    return ExportPermitCheck(
        reference=reference,
        found=False,
        authentic=False,
        valid=False,
        sufficient=False,
        reasons=[reason],
        permit=None,
        lines=[_line(line, None, sufficient=False) for line in application.lines],
    )


def _authenticity(
    session: Session, stored: ForeignPermit, signed: bytes, *, party: str, max_bytes: int
) -> list[CheckReason]:
    verdict = verify_permit(
        signed,
        own_party=party,
        own_certificates=(),
        registry=trust_service.registry_lookup(session),
        max_bytes=max_bytes,
    )
    if not verdict.authentic:
        why = verdict.reasons[0] if verdict.reasons else None
        detail = f": {why.message} ({why.code})" if why else ""
        return [
            CheckReason(code=SIGNATURE_INVALID, message=f"the signature does not verify{detail}")
        ]
    if (verdict.party, verdict.number) != (stored.issuing_party, stored.number):
        return [
            CheckReason(
                code=SIGNATURE_INVALID,
                message=f"the signed permit is {verdict.number} of {verdict.party}, "
                f"not {stored.number} of {stored.issuing_party}",
            )
        ]
    return []


def _validity(stored: ForeignPermit, *, party: str, today: date) -> list[CheckReason]:
    reasons: list[CheckReason] = []
    if stored.status in ENDED_STATES:
        because = f": {stored.status_reason}" if stored.status_reason else ""
        reasons.append(
            CheckReason(
                code=f"permit_{stored.status}",
                message=f"the issuing Party reported the permit {stored.status}{because}",
            )
        )
    elif stored.status not in ("valid", "exported"):  # exported: on its way, still good
        reasons.append(CheckReason(code=NOT_VALID, message=f"the permit is {stored.status}"))
    if stored.valid_until is None:
        reasons.append(
            CheckReason(code=NO_VALIDITY, message="the permit states no end of validity")
        )
    elif stored.valid_until < today:
        reasons.append(
            CheckReason(
                code=EXPIRED, message=f"the permit expired on {stored.valid_until.isoformat()}"
            )
        )
    if stored.document_type == "I":
        reasons.append(
            CheckReason(
                code=NOT_EXPORT,
                message="the permit is an import permit, not an export permit or "
                "re-export certificate",
            )
        )
    if stored.importer_country is not None and stored.importer_country != party:
        reasons.append(
            CheckReason(
                code=WRONG_IMPORTER,
                message=f"the permit is for import into {stored.importer_country}, not {party}",
            )
        )
    return reasons


def _species(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def _line(line: ApplicationLine, permitted: Decimal | None, *, sufficient: bool) -> CheckedLine:
    return CheckedLine(
        letter=line.letter,
        scientific_name=line.scientific_name,
        asked_quantity=line.quantity,
        unit_code=line.unit_code,
        permitted_quantity=permitted,
        sufficient=sufficient,
    )


def _totals(pairs: Iterable[tuple[Key, Decimal]]) -> dict[Key, Decimal]:
    totals: dict[Key, Decimal] = defaultdict(Decimal)
    for key, quantity in pairs:
        totals[key] += quantity
    return dict(totals)


def _sufficiency(
    asked_lines: Sequence[ApplicationLine], permit_lines: Sequence[PermitLine]
) -> tuple[list[CheckedLine], list[CheckReason]]:
    """Each application line against the permit lines of its species and unit. Lines of the
    application with the same species and unit are added up too: two lines of 10 need 20."""
    permitted = _totals(
        ((_species(p.scientific_name), p.unit or "NAR"), p.quantity or Decimal(0))
        for p in permit_lines
        if p.scientific_name
    )
    asked = _totals(((_species(a.scientific_name), a.unit_code), a.quantity) for a in asked_lines)
    units: dict[str, set[str]] = defaultdict(set)
    for species, unit in permitted:
        units[species].add(unit)
    letters: dict[Key, list[str]] = defaultdict(list)
    names: dict[Key, str] = {}
    for a in asked_lines:
        key = (_species(a.scientific_name), a.unit_code)
        letters[key].append(a.letter)
        names.setdefault(key, a.scientific_name)

    reasons: list[CheckReason] = []
    for key, asked_total in asked.items():
        species, unit = key
        which, name = "line " + ", ".join(letters[key]), names[key]
        if species not in units:
            reasons.append(
                CheckReason(code=SPECIES_MISSING, message=f"{which}: {name} is not on the permit")
            )
        elif key not in permitted:
            on_permit = ", ".join(sorted(units[species]))
            reasons.append(
                CheckReason(
                    code=UNIT_MISMATCH,
                    message=f"{which}: {name} is asked in {unit}; the permit gives it in "
                    f"{on_permit}",
                )
            )
        elif asked_total > permitted[key]:
            reasons.append(
                CheckReason(
                    code=QUANTITY_EXCEEDED,
                    message=f"{which}: {asked_total} {unit} of {name} asked; the permit allows "
                    f"{permitted[key]} {unit}",
                )
            )
    lines: list[CheckedLine] = []
    for a in asked_lines:
        key = (_species(a.scientific_name), a.unit_code)
        allowed = permitted.get(key)
        lines.append(_line(a, allowed, sufficient=allowed is not None and asked[key] <= allowed))
    return lines, reasons
