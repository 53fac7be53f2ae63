"""EPIX: Party-to-Party exchange of CITES permits (the message layer).

Envelopes and receipts as typed values, built as signed XML and parsed back only after
verification against the sending Party's pinned certificates. Transport-agnostic and a
library: it reads no environment and knows nothing of the service.

    schemas = load_schemas(default_schema_dir())
    data = build_envelope(header, signed_permit_bytes, key)
    envelope = parse_envelope(data, schemas=schemas, trusted_for=registry, own_party="FR")
    receipt_bytes = build_receipt(Receipt(...), key)
    receipt = parse_receipt(receipt_bytes, schemas=schemas, trusted=[peer_cert])

Refusals raise :class:`EnvelopeError` / :class:`ReceiptError` with an :class:`ErrorCode`.
"""

from epix.client import (
    Delivery,
    EndpointError,
    Outcome,
    check_endpoint,
    is_loopback,
    post,
    send,
    ssl_context,
)
from epix.envelope import DEFAULT_MAX_BYTES, Body, TrustedFor, build_envelope, parse_envelope
from epix.messages import (
    EndorsedQuantity,
    Envelope,
    EnvelopeError,
    EnvelopeHeader,
    ErrorCode,
    MessageType,
    PermitState,
    PermitStatusBody,
    Problem,
    Receipt,
    ReceiptError,
    ReceiptStatus,
)
from epix.receipt import build_receipt, parse_receipt
from epix.schema import SchemaLoadError, Schemas, default_schema_dir, load_schemas

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Body",
    "Delivery",
    "EndorsedQuantity",
    "EndpointError",
    "Envelope",
    "EnvelopeError",
    "EnvelopeHeader",
    "ErrorCode",
    "MessageType",
    "Outcome",
    "PermitState",
    "PermitStatusBody",
    "Problem",
    "Receipt",
    "ReceiptError",
    "ReceiptStatus",
    "SchemaLoadError",
    "Schemas",
    "TrustedFor",
    "build_envelope",
    "build_receipt",
    "check_endpoint",
    "default_schema_dir",
    "is_loopback",
    "load_schemas",
    "parse_envelope",
    "parse_receipt",
    "post",
    "send",
    "ssl_context",
]
