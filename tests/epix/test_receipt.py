"""Receipts: build -> parse round trip, a carried permit, XSD validity and refusals."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

import pytest
from lxml import etree

import epix
import signing

RECEIVED = dt.datetime(2026, 11, 24, 9, 31, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def receipt(**changes: object) -> epix.Receipt:
    values: dict[str, object] = {
        "message_id": uuid.uuid4(),
        "sha256": hashlib.sha256(b"the envelope").hexdigest(),
        "received_at": RECEIVED,
        "receiver": "FR",
        "sender": "CH",
        "status": epix.ReceiptStatus.ACCEPTED,
    }
    values.update(changes)
    return epix.Receipt(**values)  # type: ignore[arg-type]


def test_round_trip(schemas, fr_key) -> None:
    sent = receipt(
        status=epix.ReceiptStatus.REJECTED,
        errors=(
            epix.Problem(epix.ErrorCode.WRONG_RECIPIENT, "addressed to 'DE'"),
            epix.Problem(epix.ErrorCode.RULE_VIOLATION, "quantity <exceeds> & more"),
        ),
    )
    data = epix.build_receipt(sent, fr_key)
    schemas.receipt.assertValid(etree.fromstring(data))
    assert epix.parse_receipt(data, schemas=schemas, trusted=[fr_key.certificate]) == sent


def test_carries_a_signed_permit(schemas, fr_key, ch_key, signed_permit) -> None:
    sent = receipt(permit=signed_permit)
    data = epix.build_receipt(sent, fr_key)
    schemas.receipt.assertValid(etree.fromstring(data))
    received = epix.parse_receipt(data, schemas=schemas, trusted=[fr_key.certificate])
    assert received.permit is not None
    assert signing.verify(received.permit, trusted=[ch_key.certificate]).fingerprint == (
        signing.fingerprint(ch_key.certificate)
    )


def test_tampered_receipt_refused(schemas, fr_key) -> None:
    data = epix.build_receipt(receipt(), fr_key)
    tampered = data.replace(b">ACCEPTED<", b">REJECTED<")
    assert tampered != data
    with pytest.raises(epix.ReceiptError) as caught:
        epix.parse_receipt(tampered, schemas=schemas, trusted=[fr_key.certificate])
    assert caught.value.code is epix.ErrorCode.SIGNATURE_INVALID


def test_receipt_from_another_signer_refused(schemas, fr_key, ch_key) -> None:
    data = epix.build_receipt(receipt(), ch_key)
    with pytest.raises(epix.ReceiptError) as caught:
        epix.parse_receipt(data, schemas=schemas, trusted=[fr_key.certificate])
    assert caught.value.code is epix.ErrorCode.UNTRUSTED_CERTIFICATE


def test_schema_invalid_receipt_refused(schemas, fr_key) -> None:
    root = etree.fromstring(epix.build_receipt(receipt(), fr_key))
    root[1].text = "not-a-hash"
    with pytest.raises(epix.ReceiptError) as caught:
        epix.parse_receipt(etree.tostring(root), schemas=schemas, trusted=[fr_key.certificate])
    assert caught.value.code is epix.ErrorCode.SCHEMA_INVALID


def test_values_are_checked() -> None:
    with pytest.raises(ValueError, match="sha256"):
        receipt(sha256="ABC")
    with pytest.raises(ValueError, match="timezone-aware"):
        receipt(received_at=dt.datetime(2026, 1, 1))


def test_malformed_and_doctype_receipts_refused(schemas, fr_key) -> None:
    data = epix.build_receipt(receipt(), fr_key)
    doctype = data.replace(b"?>\n", b'?>\n<!DOCTYPE Receipt [<!ENTITY x "y">]>\n', 1)
    assert doctype != data
    for bad in (data[:-20], doctype):
        with pytest.raises(epix.ReceiptError) as caught:
            epix.parse_receipt(bad, schemas=schemas, trusted=[fr_key.certificate])
        assert caught.value.code is epix.ErrorCode.MALFORMED_XML
