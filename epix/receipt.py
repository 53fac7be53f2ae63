"""Build and parse EPIX receipts: the signed answer to every message, and the sender's proof
of delivery. The receipt is signed by the receiving Party (``Receiver``) with an enveloped
XMLDSig over the whole receipt."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterable

from cryptography import x509
from lxml import etree

import signing
from epix import _verify
from epix._xml import (
    RECEIPT_NS,
    decode_permit,
    encode_permit,
    format_time,
    parse,
    parse_time,
    serialize,
    sub,
    text,
)
from epix.messages import ErrorCode, Problem, Receipt, ReceiptError, ReceiptStatus
from epix.schema import Schemas

DEFAULT_MAX_BYTES = 2 * 1024 * 1024

_R = f"{{{RECEIPT_NS}}}"


def _q(name: str) -> str:
    return f"{_R}{name}"


def build_receipt(receipt: Receipt, key: signing.SigningKey) -> bytes:
    """The receipt signed with the receiver's ``key``, as UTF-8 bytes."""
    root = etree.Element(_q("Receipt"), nsmap={None: RECEIPT_NS})
    sub(root, _q("MessageId"), str(receipt.message_id))
    sub(root, _q("Sha256"), receipt.sha256)
    sub(root, _q("ReceivedAt"), format_time(receipt.received_at))
    sub(root, _q("Receiver"), receipt.receiver)
    sub(root, _q("Sender"), receipt.sender)
    sub(root, _q("Status"), receipt.status.value)
    errors = sub(root, _q("Errors"))
    for problem in receipt.errors:
        error = sub(errors, _q("Error"))
        sub(error, _q("Code"), problem.code.value)
        sub(error, _q("Message"), problem.message)
    if receipt.permit is not None:
        sub(root, _q("Permit"), encode_permit(receipt.permit))
    if receipt.permit_state is not None:
        sub(root, _q("PermitState"), receipt.permit_state)
    if receipt.replaced_by is not None:
        sub(root, _q("ReplacedBy"), receipt.replaced_by)
    return serialize(signing.sign(root, key))


def _received_at(root: etree._Element) -> dt.datetime | None:
    value = root.findtext(_q("ReceivedAt"))
    return parse_time(value) if value else None


def parse_receipt(
    data: bytes,
    *,
    schemas: Schemas,
    trusted: Iterable[x509.Certificate],
    revoked_fingerprints: Collection[str] = frozenset(),
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Receipt:
    """Check a receipt (well-formed, XSD-valid, signed by one of ``trusted``: the receiving
    Party's certificates) and return it, read from its signed content only. Raises
    :class:`ReceiptError`."""
    root = parse(data, max_bytes=max_bytes, error=ReceiptError)
    errors = schemas.receipt_errors(root)
    if errors:
        raise ReceiptError(ErrorCode.SCHEMA_INVALID, "; ".join(errors[:5]))
    verified = _verify.verify(
        root,
        trusted=trusted,
        revoked=revoked_fingerprints,
        signing_time=_received_at,
        error=ReceiptError,
    )
    signed = verified.signed_root
    if signed.tag != _q("Receipt"):
        raise ReceiptError(ErrorCode.SCHEMA_INVALID, "the signed content is not a receipt")
    permit_element = signed.find(_q("Permit"))
    permit = (
        None
        if permit_element is None
        else decode_permit(permit_element.text, max_bytes=max_bytes, error=ReceiptError)
    )
    try:
        return Receipt(
            message_id=uuid.UUID(text(signed, _q("MessageId"))),
            sha256=text(signed, _q("Sha256")),
            received_at=parse_time(text(signed, _q("ReceivedAt"))),
            receiver=text(signed, _q("Receiver")),
            sender=text(signed, _q("Sender")),
            status=ReceiptStatus(text(signed, _q("Status"))),
            errors=tuple(
                Problem(ErrorCode(text(e, _q("Code"))), text(e, _q("Message")))
                for e in signed.iterfind(f"{_q('Errors')}/{_q('Error')}")
            ),
            permit=permit,
            permit_state=signed.findtext(_q("PermitState")),
            replaced_by=signed.findtext(_q("ReplacedBy")),
        )
    except (KeyError, ValueError) as exc:  # excluded by the XSD; kept as a second line
        raise ReceiptError(ErrorCode.SCHEMA_INVALID, f"bad receipt: {exc}") from None
