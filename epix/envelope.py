"""Build and parse EPIX envelopes.

An envelope is ``Envelope/Header`` + ``Envelope/Body`` + an enveloped XMLDSig over the whole
envelope made with the sending Management Authority's key (:func:`signing.sign`). For
PERMIT_ISSUED the body holds the signed ``CITESEPermit`` as base64 of its exact bytes
(``SignedPermit``): the receiver stores byte for byte what the issuer signed, and verifies the
permit's own signature separately.

Parsing runs the layers in order and stops at the first failure, raising
:class:`EnvelopeError`: size and well-formedness (``MALFORMED_XML``), XSD
(``SCHEMA_INVALID``), the claimed sender's certificates (``UNKNOWN_SENDER``), the signature
(``UNTRUSTED_CERTIFICATE``, ``SIGNATURE_INVALID``), then, read from the signed content only,
recipient (``WRONG_RECIPIENT``), type (``UNSUPPORTED_TYPE``) and body consistency
(``SCHEMA_INVALID``, ``RULE_VIOLATION``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Collection, Sequence
from decimal import Decimal, InvalidOperation
from typing import TypeAlias

from cryptography import x509
from lxml import etree

import signing
from epix import _verify
from epix._xml import (
    CITES,
    ENVELOPE_NS,
    RAM,
    decode_permit,
    encode_permit,
    format_time,
    optional_text,
    parse,
    parse_time,
    serialize,
    sub,
    text,
)
from epix.messages import (
    EndorsedQuantity,
    Envelope,
    EnvelopeError,
    EnvelopeHeader,
    ErrorCode,
    MessageType,
    PermitState,
    PermitStatusBody,
)
from epix.schema import Schemas

DEFAULT_MAX_BYTES = 2 * 1024 * 1024

TrustedFor: TypeAlias = Callable[[str], tuple[Sequence[x509.Certificate], Collection[str]]]
"""Party code -> (its trusted certificates, revoked fingerprints); ``((), ())`` when unknown."""

Body: TypeAlias = bytes | PermitStatusBody | None

_E = f"{{{ENVELOPE_NS}}}"
_HEADER_FIELDS = ("MessageId", "Sender", "Recipient", "MessageType", "CreatedAt", "PermitNumber")


def _q(name: str) -> str:
    return f"{_E}{name}"


def _status_element(parent: etree._Element, body: PermitStatusBody) -> None:
    status = sub(parent, _q("PermitStatus"))
    sub(status, _q("Status"), body.state.value)
    if body.replaced_by is not None:
        sub(status, _q("ReplacedBy"), body.replaced_by)
    if body.reason is not None:
        sub(status, _q("Reason"), body.reason)
    for line in body.endorsed:
        element = sub(status, _q("EndorsedLine"))
        sub(element, _q("LineID"), line.line_id)
        quantity = sub(element, _q("Quantity"), str(line.quantity))
        if line.unit_code:
            quantity.set("unitCode", line.unit_code)


def build_envelope(header: EnvelopeHeader, body: Body, key: signing.SigningKey) -> bytes:
    """The signed envelope as UTF-8 bytes. ``body``: the signed permit's exact bytes for
    PERMIT_ISSUED, a :class:`PermitStatusBody` for PERMIT_STATUS, None for PERMIT_REQUEST.
    ValueError when the body does not fit the message type."""
    root = etree.Element(_q("Envelope"), nsmap={None: ENVELOPE_NS})
    head = sub(root, _q("Header"))
    values = (
        str(header.message_id),
        header.sender,
        header.recipient,
        header.message_type.value,
        format_time(header.created_at),
        header.permit_number,
    )
    for name, value in zip(_HEADER_FIELDS, values, strict=True):
        sub(head, _q(name), value)
    container = sub(root, _q("Body"))
    kind = header.message_type
    if kind is MessageType.PERMIT_ISSUED and isinstance(body, bytes):
        sub(container, _q("SignedPermit"), encode_permit(body))
    elif kind is MessageType.PERMIT_STATUS and isinstance(body, PermitStatusBody):
        _status_element(container, body)
    elif kind is MessageType.PERMIT_REQUEST and body is None:
        sub(container, _q("PermitRequest"))
    else:
        raise ValueError(f"a {kind.value} envelope cannot carry a {type(body).__name__} body")
    return serialize(signing.sign(root, key))


def _created_at(root: etree._Element) -> dt.datetime | None:
    value = root.findtext(f"{_q('Header')}/{_q('CreatedAt')}")
    return parse_time(value) if value else None


def _read_header(head: etree._Element) -> EnvelopeHeader:
    try:
        return EnvelopeHeader(
            message_id=uuid.UUID(text(head, _q("MessageId"))),
            sender=text(head, _q("Sender")),
            recipient=text(head, _q("Recipient")),
            message_type=MessageType(text(head, _q("MessageType"))),
            created_at=parse_time(text(head, _q("CreatedAt"))),
            permit_number=text(head, _q("PermitNumber")),
        )
    except (KeyError, ValueError) as exc:  # excluded by the XSD; kept as a second line
        raise EnvelopeError(ErrorCode.SCHEMA_INVALID, f"bad header: {exc}") from None


def _endorsed(line: etree._Element) -> EndorsedQuantity:
    quantity = line.find(_q("Quantity"))
    if quantity is None:
        raise KeyError("Quantity")
    return EndorsedQuantity(
        line_id=text(line, _q("LineID")),
        quantity=Decimal(quantity.text or ""),
        unit_code=quantity.get("unitCode", ""),
    )


def _read_status(element: etree._Element) -> PermitStatusBody:
    try:
        lines = tuple(_endorsed(line) for line in element.findall(_q("EndorsedLine")))
        return PermitStatusBody(
            state=PermitState(text(element, _q("Status"))),
            replaced_by=optional_text(element, _q("ReplacedBy")),
            reason=optional_text(element, _q("Reason")),
            endorsed=lines,
        )
    except (KeyError, ValueError, InvalidOperation) as exc:
        raise EnvelopeError(ErrorCode.RULE_VIOLATION, f"bad PermitStatus: {exc}") from None


_Content = tuple[bytes | None, PermitStatusBody | None]


def _read_body(header: EnvelopeHeader, body: etree._Element, max_bytes: int) -> _Content:
    content = next(body.iterchildren(tag=etree.Element), None)
    kind = header.message_type
    expected = {
        MessageType.PERMIT_ISSUED: _q("SignedPermit"),
        MessageType.PERMIT_STATUS: _q("PermitStatus"),
        MessageType.PERMIT_REQUEST: _q("PermitRequest"),
    }[kind]
    if content is None or content.tag != expected:
        found = "nothing" if content is None else etree.QName(content).localname
        raise EnvelopeError(
            ErrorCode.SCHEMA_INVALID,
            f"a {kind.value} body must hold {etree.QName(expected).localname}, not {found}",
        )
    if kind is MessageType.PERMIT_ISSUED:
        permit = decode_permit(content.text, max_bytes=max_bytes)
        root = parse(permit, max_bytes=max_bytes)
        number = root.findtext(f"{{{CITES}}}HeaderExchangedDocument/{{{RAM}}}ID")
        if number != header.permit_number:
            raise EnvelopeError(
                ErrorCode.RULE_VIOLATION,
                f"the permit's number {number!r} is not the header's {header.permit_number!r}",
            )
        return permit, None
    if kind is MessageType.PERMIT_STATUS:
        return None, _read_status(content)
    return None, None


def parse_envelope(
    data: bytes,
    *,
    schemas: Schemas,
    trusted_for: TrustedFor,
    own_party: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Envelope:
    """Check a received envelope layer by layer and return what it says, read from its signed
    content only. Raises :class:`EnvelopeError` with the first failing layer's code."""
    root = parse(data, max_bytes=max_bytes)
    errors = schemas.envelope_errors(root)
    if errors:
        raise EnvelopeError(ErrorCode.SCHEMA_INVALID, "; ".join(errors[:5]))
    # The claimed sender only selects the certificates to verify with; it is read again,
    # from the signed content, after verification.
    claimed = root.findtext(f"{_q('Header')}/{_q('Sender')}") or ""
    certificates, revoked = trusted_for(claimed)
    if not certificates and not revoked:
        raise EnvelopeError(ErrorCode.UNKNOWN_SENDER, f"no certificates for Party {claimed!r}")
    verified = _verify.verify(
        root, trusted=certificates, revoked=revoked, signing_time=_created_at, error=EnvelopeError
    )
    signed = verified.signed_root
    head = signed.find(_q("Header"))
    body = signed.find(_q("Body"))
    if signed.tag != _q("Envelope") or head is None or body is None:
        raise EnvelopeError(ErrorCode.SCHEMA_INVALID, "the signed content is not an envelope")
    if head.findtext(_q("Sender")) != claimed:
        raise EnvelopeError(ErrorCode.SIGNATURE_INVALID, "the signed sender is not the claimed one")
    recipient = head.findtext(_q("Recipient"))
    if recipient != own_party:
        raise EnvelopeError(
            ErrorCode.WRONG_RECIPIENT, f"addressed to {recipient!r}, this is {own_party!r}"
        )
    kind = head.findtext(_q("MessageType")) or ""
    if kind not in MessageType.__members__:
        raise EnvelopeError(ErrorCode.UNSUPPORTED_TYPE, f"message type {kind!r} is not supported")
    header = _read_header(head)
    permit, status = _read_body(header, body, max_bytes)
    return Envelope(
        header=header,
        permit=permit,
        status=status,
        sha256=hashlib.sha256(data).hexdigest(),
        signer_fingerprint=verified.fingerprint,
    )
