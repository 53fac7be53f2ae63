"""Confirming a printed permit: this Party's permit ``number`` whose signed XML has the
digest ``d`` the QR code carries. The state is the customs check's (the same rules at the
border and on this page: the record first, then the validity dates)."""

from __future__ import annotations

import hmac
import re
from datetime import datetime

from sqlalchemy.orm import Session

from app.core.errors import NotFound
from app.customs import service as customs_service
from app.permits import service as permits_service
from app.printing.qr import DIGEST_CHARS, short_digest
from app.verify.schemas import State, VerificationRead, VerifiedLine
from app.xml.reader import read_permit_bytes

_DIGEST = re.compile(f"[0-9a-fA-F]{{{DIGEST_CHARS}}}")


class NotConfirmed(NotFound):
    """No permit with this number and digest was issued here. Deliberately one answer for an
    unknown number, another Party's, a permit never signed and a wrong digest."""

    code = "permit_not_confirmed"

    def __init__(self) -> None:
        super().__init__(
            "this Management Authority cannot confirm a permit with this number and "
            "verification code"
        )


def verify_permit(
    session: Session,
    *,
    party: str,
    number: str,
    digest: str,
    own_party: str,
    now: datetime,
    max_bytes: int,
) -> VerificationRead:
    """The permit confirmed and its state at ``now``; ``NotConfirmed`` otherwise."""
    party = party.strip().upper()
    if party != own_party or not _DIGEST.fullmatch(digest):
        raise NotConfirmed()
    found = customs_service.find_document(
        session, party, number, own_party=own_party, max_bytes=max_bytes
    )
    if found is None:
        raise NotConfirmed()
    try:
        signed = permits_service.signed_document(session, party=party, number=number)
    except NotFound:
        raise NotConfirmed() from None
    if not hmac.compare_digest(short_digest(signed), digest.lower()):
        raise NotConfirmed()
    document = read_permit_bytes(signed, max_bytes=max_bytes).document
    if document is None:  # it validated when issued; never expected
        raise NotConfirmed()
    state = customs_service.customs_state(
        found.status, found.valid_from, found.valid_until, now.date()
    )
    authority = document.issuing_authority
    return VerificationRead(
        party=party,
        number=number,
        document_type=document.type,
        document_name=document.name,
        issuing_authority=authority.name if authority else None,
        issued_on=document.issue_date,
        valid_from=found.valid_from,
        valid_until=found.valid_until,
        state=_state(state.value),
        replaced_by=found.replaced_by,
        lines=[
            VerifiedLine(
                line=x.id,
                scientific_name=x.scientific_name,
                term_code=x.term_code,
                quantity=x.quantity,
                unit=x.unit,
                appendix=x.appendix,
                source_code=x.source_code,
            )
            for x in document.lines
        ],
        checked_at=now,
    )


def _state(value: str) -> State:
    states: dict[str, State] = {
        "VALID": "valid",
        "NOT_YET_VALID": "not_yet_valid",
        "EXPIRED": "expired",
        "CANCELLED": "cancelled",
        "REPLACED": "replaced",
        "EXPORTED": "exported",
        "USED": "used",
    }
    return states[value]
