"""The EPIX message model: typed, immutable values for envelopes and receipts."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

_PARTY = re.compile(r"[A-Z]{2}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
PERMIT_NUMBER_MAX = 35
PERMIT_STATES = frozenset({"valid", "expired", "exported", "used", "cancelled", "replaced"})


class MessageType(StrEnum):
    """What an envelope carries (version 1)."""

    PERMIT_ISSUED = "PERMIT_ISSUED"
    """The signed ``CITESEPermit`` of an issued document."""
    PERMIT_STATUS = "PERMIT_STATUS"
    """A permit changed state (cancelled, replaced, used)."""
    PERMIT_REQUEST = "PERMIT_REQUEST"
    """Asks the recipient for its signed permit with the header's number."""


class ReceiptStatus(StrEnum):
    ACCEPTED = "ACCEPTED"
    ACCEPTED_WITH_WARNINGS = "ACCEPTED_WITH_WARNINGS"
    DUPLICATE = "DUPLICATE"
    """Same message id, same bytes: the original receipt again."""
    REJECTED = "REJECTED"


class ErrorCode(StrEnum):
    """The closed list of EPIX error codes (receipts and :class:`EnvelopeError`)."""

    MALFORMED_XML = "MALFORMED_XML"
    SCHEMA_INVALID = "SCHEMA_INVALID"
    SIGNATURE_INVALID = "SIGNATURE_INVALID"
    UNKNOWN_SENDER = "UNKNOWN_SENDER"
    UNTRUSTED_CERTIFICATE = "UNTRUSTED_CERTIFICATE"
    WRONG_RECIPIENT = "WRONG_RECIPIENT"
    UNSUPPORTED_TYPE = "UNSUPPORTED_TYPE"
    DUPLICATE_CONFLICT = "DUPLICATE_CONFLICT"
    PERMIT_NOT_FOUND = "PERMIT_NOT_FOUND"
    RULE_VIOLATION = "RULE_VIOLATION"


class PermitState(StrEnum):
    """The new state a ``PERMIT_STATUS`` message reports. ``exported``: the issuer's customs
    endorsed it at export; ``used``: cleared at import (both with the endorsed quantities)."""

    EXPORTED = "exported"
    CANCELLED = "cancelled"
    REPLACED = "replaced"
    USED = "used"


class EnvelopeError(Exception):
    """A received envelope was refused. ``code`` (stable, for the receipt) says why,
    ``message`` says it for people."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code.value!r}, {self.message!r})"


class ReceiptError(EnvelopeError):
    """A received receipt was refused (same codes as :class:`EnvelopeError`)."""


def _check_party(value: str, what: str) -> None:
    if not _PARTY.fullmatch(value):
        raise ValueError(f"{what} must be an ISO 3166-1 alpha-2 Party code, not {value!r}")


def _check_aware(value: dt.datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware")


def _check_permit_number(value: str, what: str) -> None:
    if not value or value != value.strip() or len(value) > PERMIT_NUMBER_MAX:
        raise ValueError(f"{what} must be 1 to {PERMIT_NUMBER_MAX} characters, not {value!r}")


@dataclass(frozen=True, slots=True)
class EnvelopeHeader:
    message_id: uuid.UUID
    sender: str
    recipient: str
    message_type: MessageType
    created_at: dt.datetime
    permit_number: str

    def __post_init__(self) -> None:
        _check_party(self.sender, "sender")
        _check_party(self.recipient, "recipient")
        _check_aware(self.created_at, "created_at")
        _check_permit_number(self.permit_number, "permit_number")
        object.__setattr__(self, "message_type", MessageType(self.message_type))


@dataclass(frozen=True, slots=True)
class EndorsedQuantity:
    """The quantity customs endorsed for one permit line (``unit_code`` "" when the quantity
    is a number of specimens)."""

    line_id: str
    quantity: Decimal
    unit_code: str

    def __post_init__(self) -> None:
        if self.quantity < 0:
            raise ValueError("quantity must not be negative")


@dataclass(frozen=True, slots=True)
class PermitStatusBody:
    state: PermitState
    replaced_by: str | None = None
    reason: str | None = None
    endorsed: tuple[EndorsedQuantity, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "state", PermitState(self.state))
        object.__setattr__(self, "endorsed", tuple(self.endorsed))
        if self.replaced_by is not None:
            _check_permit_number(self.replaced_by, "replaced_by")
        if (self.state is PermitState.REPLACED) != (self.replaced_by is not None):
            raise ValueError("replaced_by is given exactly when the state is 'replaced'")


@dataclass(frozen=True, slots=True)
class Envelope:
    """A received envelope that verified, read from its signed content only.

    ``permit`` is the carried signed ``CITESEPermit`` (PERMIT_ISSUED), the exact bytes the
    issuer signed: verify it with its own signature before trusting it. ``status`` is set
    for PERMIT_STATUS.
    ``sha256`` is the hash of the bytes received (for the receipt and the inbox), and
    ``signer_fingerprint`` the trusted certificate that verified the envelope."""

    header: EnvelopeHeader
    permit: bytes | None
    status: PermitStatusBody | None
    sha256: str
    signer_fingerprint: str


@dataclass(frozen=True, slots=True)
class Problem:
    """One error in a receipt."""

    code: ErrorCode
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", ErrorCode(self.code))


@dataclass(frozen=True, slots=True)
class Receipt:
    """The signed answer to a message. ``permit`` is the signed ``CITESEPermit`` answering a
    PERMIT_REQUEST (its exact signed bytes), else None."""

    message_id: uuid.UUID
    sha256: str
    received_at: dt.datetime
    receiver: str
    sender: str
    status: ReceiptStatus
    errors: tuple[Problem, ...] = ()
    permit: bytes | None = None
    permit_state: str | None = None
    """With ``permit``: its state at the issuer now (valid, expired, exported, used,
    cancelled, replaced); ``replaced_by`` names the replacement."""
    replaced_by: str | None = None

    def __post_init__(self) -> None:
        if self.permit_state is not None and self.permit_state not in PERMIT_STATES:
            raise ValueError(f"permit_state must be one of {sorted(PERMIT_STATES)}")
        if self.replaced_by is not None:
            _check_permit_number(self.replaced_by, "replaced_by")
        if not _SHA256.fullmatch(self.sha256):
            raise ValueError("sha256 must be 64 lower-case hex digits")
        _check_aware(self.received_at, "received_at")
        _check_party(self.receiver, "receiver")
        _check_party(self.sender, "sender")
        object.__setattr__(self, "status", ReceiptStatus(self.status))
        object.__setattr__(self, "errors", tuple(self.errors))
