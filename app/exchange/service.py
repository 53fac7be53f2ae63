"""Receiving EPIX messages: verify, apply once, answer with a signed receipt.

Every answer is a signed receipt. A message that verified and applied is recorded in the
inbox with its receipt in the same transaction, so the same message again gets the same
receipt (DUPLICATE) and is never applied twice; the same id with other bytes is refused
(DUPLICATE_CONFLICT). A refused message changes nothing."""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from sqlalchemy.orm import Session

from app.core.clock import utcnow
from app.core.errors import DomainError
from app.exchange import repository
from app.exchange.foreign import PermitRefused, Receiver, record_permit, verify_pushed
from app.exchange.status import StatusRefused, apply_status
from app.permits import service as permits_service
from app.trust import service as trust_service
from app.trust.verification import PermitVerification
from app.xml.parser import parse_xml
from epix import (
    Envelope,
    EnvelopeError,
    ErrorCode,
    MessageType,
    Problem,
    Receipt,
    ReceiptStatus,
    build_receipt,
    parse_envelope,
)

UNKNOWN_PARTY = "XX"  # the receipt's sender when the claimed one cannot be read
HTTP_STATUS = {
    ErrorCode.MALFORMED_XML: 400,
    ErrorCode.SCHEMA_INVALID: 400,
    ErrorCode.SIGNATURE_INVALID: 403,
    ErrorCode.UNKNOWN_SENDER: 403,
    ErrorCode.UNTRUSTED_CERTIFICATE: 403,
    ErrorCode.WRONG_RECIPIENT: 421,
    ErrorCode.UNSUPPORTED_TYPE: 422,
    ErrorCode.DUPLICATE_CONFLICT: 409,
    ErrorCode.PERMIT_NOT_FOUND: 404,
    ErrorCode.RULE_VIOLATION: 422,
}


@dataclass(frozen=True)
class Answer:
    http_status: int
    receipt: bytes
    status: ReceiptStatus


def _receipt(
    receiver: Receiver,
    *,
    message_id: uuid.UUID,
    sha256: str,
    sender: str,
    status: ReceiptStatus,
    errors: tuple[Problem, ...] = (),
    answer: permits_service.Standing | None = None,
    now: datetime,
) -> bytes:
    return build_receipt(
        Receipt(
            message_id=message_id,
            sha256=sha256,
            received_at=now,
            receiver=receiver.party,
            sender=sender,
            status=status,
            errors=errors,
            permit=answer.signed_xml if answer else None,
            permit_state=answer.state if answer else None,
            replaced_by=answer.replaced_by if answer else None,
        ),
        receiver.key,
    )


def _rejected(
    receiver: Receiver,
    data: bytes,
    sha256: str,
    code: ErrorCode,
    message: str,
    envelope: Envelope | None,
    now: datetime,
) -> Answer:
    message_id, sender = (
        _claimed(data) if envelope is None else (envelope.header.message_id, envelope.header.sender)
    )
    receipt = _receipt(
        receiver,
        message_id=message_id,
        sha256=sha256,
        sender=sender,
        status=ReceiptStatus.REJECTED,
        errors=(Problem(code, message[:500]),),
        now=now,
    )
    return Answer(HTTP_STATUS[code], receipt, ReceiptStatus.REJECTED)


def _claimed(data: bytes) -> tuple[uuid.UUID, str]:
    """What a refused message claims to be (for addressing the receipt only)."""
    parsed = parse_xml(data)
    message_id, sender = uuid.UUID(int=0), UNKNOWN_PARTY
    if parsed.root is not None:
        header = parsed.root.find("{*}Header")
        if header is not None:
            with contextlib.suppress(ValueError):
                message_id = uuid.UUID(header.findtext("{*}MessageId") or "")
            claimed = (header.findtext("{*}Sender") or "").strip()
            if len(claimed) == 2 and claimed.isalpha() and claimed.isupper():
                sender = claimed
    return message_id, sender


@dataclass(frozen=True)
class _Checked:
    """A message that verified against the registry at ``version``: its envelope and, for a
    pushed permit, the permit's own verification."""

    envelope: Envelope
    permit: PermitVerification | None
    version: int | None


def _check(data: bytes, *, receiver: Receiver, registry: trust_service.RegistryView) -> _Checked:
    """Everything about a message that needs no database: the envelope's signature, schema and
    addressing, and a pushed permit's own signature. Raises EnvelopeError or PermitRefused."""

    def senders(party: str) -> tuple[list[x509.Certificate], frozenset[str]]:
        # a suspended peer's messages are refused (it may send them again once reactivated)
        if registry.is_suspended(party):
            raise EnvelopeError(ErrorCode.UNKNOWN_SENDER, f"Party {party} is suspended here")
        return registry.lookup(party)

    envelope = parse_envelope(
        data,
        schemas=receiver.schemas,
        trusted_for=senders,
        own_party=receiver.party,
        max_bytes=receiver.max_bytes,
    )
    header = envelope.header
    verdict = None
    if header.message_type is MessageType.PERMIT_ISSUED:
        try:
            verdict = verify_pushed(
                envelope.permit or b"",
                sender=header.sender,
                number=header.permit_number,
                receiver=receiver,
                registry=registry,
            )
        except PermitRefused as exc:
            exc.envelope = envelope  # the receipt answers the message it refuses
            raise
    return _Checked(envelope, verdict, registry.version)


def _check_current(session: Session, data: bytes, *, receiver: Receiver) -> _Checked:
    """:func:`_check` against the registry as this transaction sees it: first against the
    one last read (verifying before the first statement, so holding no lock), then, only if
    the registry's version has moved since, again against the current one."""
    registry = trust_service.last_registry(session)
    if registry is None:
        return _check(data, receiver=receiver, registry=trust_service.registry_view(session))
    try:
        checked = _check(data, receiver=receiver, registry=registry)
    except (EnvelopeError, PermitRefused):
        if trust_service.registry_version(session) == registry.version:
            raise
    else:
        if trust_service.registry_version(session) == registry.version:
            return checked
    return _check(data, receiver=receiver, registry=trust_service.registry_view(session))


def receive(
    session: Session, data: bytes, *, receiver: Receiver, now: datetime | None = None
) -> Answer:
    """Handle one POSTed message. Never raises on content.

    The signatures are verified before the transaction's first statement, so no lock is held
    while verifying (see :func:`_check_current`)."""
    now = now or utcnow()
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        checked = _check_current(session, data, receiver=receiver)
    except EnvelopeError as exc:
        return _rejected(receiver, data, sha256, exc.code, exc.message, None, now)
    except PermitRefused as exc:
        return _rejected(receiver, data, sha256, exc.code, exc.message, exc.envelope, now)
    envelope = checked.envelope
    header = envelope.header
    seen = repository.inbox_entry(session, str(header.message_id))
    if seen is not None:
        if seen.sha256 == sha256:
            return Answer(200, seen.receipt, ReceiptStatus.DUPLICATE)
        return _rejected(
            receiver,
            data,
            sha256,
            ErrorCode.DUPLICATE_CONFLICT,
            "this message id was received with other content",
            envelope,
            now,
        )
    try:
        answer = _apply(session, checked, receiver=receiver, now=now)
    except PermitRefused as exc:
        return _rejected(receiver, data, sha256, exc.code, exc.message, envelope, now)
    receipt = _receipt(
        receiver,
        message_id=header.message_id,
        sha256=sha256,
        sender=header.sender,
        status=ReceiptStatus.ACCEPTED,
        answer=answer,
        now=now,
    )
    # durable with the change it records, in the same transaction, before the receipt is sent
    repository.add_inbox_entry(
        session,
        message_id=str(header.message_id),
        sender=header.sender,
        message_type=header.message_type.value,
        permit_number=header.permit_number,
        sha256=sha256,
        status=ReceiptStatus.ACCEPTED.value,
        received_at=now,
        receipt=receipt,
    )
    return Answer(200, receipt, ReceiptStatus.ACCEPTED)


def _apply(
    session: Session, checked: _Checked, *, receiver: Receiver, now: datetime
) -> permits_service.Standing | None:
    header = checked.envelope.header
    if header.message_type is MessageType.PERMIT_ISSUED:
        assert checked.permit is not None  # verified in _check
        record_permit(
            session,
            sender=header.sender,
            number=header.permit_number,
            signed=checked.envelope.permit or b"",
            verdict=checked.permit,
            message_id=str(header.message_id),
            now=now,
        )
        return None
    if header.message_type is MessageType.PERMIT_STATUS:
        try:
            apply_status(session, checked.envelope, own_party=receiver.party, now=now)
        except StatusRefused as exc:
            raise PermitRefused(exc.code, exc.message) from None
        return None
    # PERMIT_REQUEST: our own permit, signed as issued, and its state now
    try:
        return permits_service.standing(
            session, party=receiver.party, number=header.permit_number, today=now.date()
        )
    except DomainError as exc:  # not found, or not signed: the peer learns it is not here
        raise PermitRefused(
            ErrorCode.PERMIT_NOT_FOUND, f"no permit {header.permit_number} here"
        ) from exc
