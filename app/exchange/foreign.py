"""Permits other Parties sent: verified against the registry, stored once as their exact
signed bytes, found again by issuing Party and number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.exchange import repository
from app.exchange.models import ForeignPermit
from app.trust import service as trust_service
from app.trust.verification import PermitVerification, verify_permit
from epix import Envelope, ErrorCode, Schemas
from signing import SigningKey


@dataclass(frozen=True)
class Receiver:
    """This Party as a receiver: who it is and the key its receipts are signed with."""

    party: str
    key: SigningKey
    schemas: Schemas
    max_bytes: int


class PermitRefused(Exception):
    """Why a message (or a permit a peer sent) is refused, with its EPIX error code."""

    def __init__(self, code: ErrorCode, message: str, envelope: Envelope | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.envelope = code, message, envelope


def verify_pushed(
    signed: bytes,
    *,
    sender: str,
    number: str,
    receiver: Receiver,
    registry: trust_service.RegistryView,
) -> PermitVerification:
    """A permit ``sender`` sent: its own signature verifies against the registry, it was
    issued by ``sender`` and is numbered ``number``. Raises PermitRefused."""
    verdict = verify_permit(
        signed,
        own_party=receiver.party,
        own_certificates=(),
        registry=registry.lookup,
        max_bytes=receiver.max_bytes,
        issuer=sender,
    )
    if not verdict.authentic or verdict.party != sender:
        reason = verdict.reasons[0].message if verdict.reasons else "issued by another Party"
        raise PermitRefused(ErrorCode.SIGNATURE_INVALID, f"the permit does not verify: {reason}")
    document = verdict.document  # read from the signed content while verifying
    if document is not None and document.number and document.number != number:
        raise PermitRefused(
            ErrorCode.RULE_VIOLATION, f"the permit is numbered {document.number}, not {number}"
        )
    return verdict


def record_permit(
    session: Session,
    *,
    sender: str,
    number: str,
    signed: bytes,
    verdict: PermitVerification,
    message_id: str,
    now: datetime,
) -> bool:
    """Store a verified permit's exact bytes, once: False when these bytes are already stored;
    other bytes under the same number raise PermitRefused."""
    existing = repository.foreign_permit_bytes(session, sender, number)
    if existing is not None:
        if existing != signed:
            raise PermitRefused(
                ErrorCode.RULE_VIOLATION, f"permit {number} was received before, different"
            )
        return False
    document = verdict.document
    repository.add_foreign_permit(
        session,
        issuing_party=sender,
        number=number,
        document_type=document.type if document else None,
        valid_until=document.valid_until if document else None,
        importer_country=document.importer.country if document and document.importer else None,
        status="valid",
        signer_fingerprint=verdict.fingerprint or "",
        message_id=message_id,
        received_at=now,
        signed_xml=signed,
    )
    return True


def store_permit(
    session: Session,
    *,
    sender: str,
    number: str,
    signed: bytes,
    message_id: str,
    receiver: Receiver,
    now: datetime,
) -> ForeignPermit:
    """Verify a permit ``sender`` sent (its own signature, against the registry; issued by
    ``sender``; numbered ``number``) and store its exact bytes, once. The same bytes again
    return the stored permit; other bytes under the same number raise PermitRefused."""
    verdict = verify_pushed(
        signed,
        sender=sender,
        number=number,
        receiver=receiver,
        registry=trust_service.registry_view(session),
    )
    record_permit(
        session,
        sender=sender,
        number=number,
        signed=signed,
        verdict=verdict,
        message_id=message_id,
        now=now,
    )
    stored = repository.foreign_permit(session, sender, number)
    assert stored is not None  # just found or written
    return stored


def find_foreign(
    session: Session, party: str, number: str, *, for_update: bool = False
) -> ForeignPermit | None:
    """A received permit by issuing Party and number (locked for a change with
    ``for_update``)."""
    return repository.foreign_permit(session, party, number, for_update=for_update)


def foreign_permit_bytes(session: Session, party: str, number: str) -> bytes | None:
    return repository.foreign_permit_bytes(session, party, number)


def list_foreign_permits(
    session: Session,
    *,
    party: str | None = None,
    number: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ForeignPermit], int]:
    """Received permits, newest first, by issuing Party and number."""
    return repository.list_foreign(session, party=party, number=number, limit=limit, offset=offset)
