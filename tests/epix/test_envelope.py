"""Envelopes: build -> parse round trips, the embedded permit, and every refusal code."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from lxml import etree

import epix
import signing
from tests.epix.conftest import PERMIT_NUMBER, Registry, header

ENV = "urn:ecites:epix:envelope:1"
CITES = "urn:un:unece:uncefact:data:standard:CITESEPermit:2"
RAM = "urn:un:unece:uncefact:data:draft:ReusableAggregateBusinessInformationEntity:1"
DS = "http://www.w3.org/2000/09/xmldsig#"
NS = {"e": ENV, "cites": CITES, "ram": RAM, "ds": DS}


def issue_time(root: etree._Element) -> dt.datetime | None:
    value = root.findtext("cites:HeaderExchangedDocument/ram:IssueDateTime", namespaces=NS)
    return dt.datetime.fromisoformat(value) if value else None


def parse(data: bytes, schemas: epix.Schemas, registry: Registry, **kw: object) -> epix.Envelope:
    options: dict[str, object] = {"own_party": "FR"}
    options.update(kw)
    return epix.parse_envelope(data, schemas=schemas, trusted_for=registry, **options)  # type: ignore[arg-type]


def refused(data: bytes, schemas: epix.Schemas, registry: Registry, **kw: object) -> epix.ErrorCode:
    with pytest.raises(epix.EnvelopeError) as caught:
        parse(data, schemas, registry, **kw)
    return caught.value.code


def test_permit_issued_round_trip(schemas, registry, ch_key, signed_permit) -> None:
    sent = header(epix.MessageType.PERMIT_ISSUED)
    data = epix.build_envelope(sent, signed_permit, ch_key)

    received = parse(data, schemas, registry)

    assert received.header == sent
    assert received.status is None
    assert received.sha256 == hashlib.sha256(data).hexdigest()
    assert received.signer_fingerprint == signing.fingerprint(ch_key.certificate)
    assert received.permit is not None
    assert received.permit == signed_permit  # byte for byte what the issuer signed
    # The extracted permit still verifies on its own, with its own signature.
    doc = signing.verify(received.permit, trusted=[ch_key.certificate], signing_time=issue_time)
    assert doc.signed_root.findtext("cites:HeaderExchangedDocument/ram:ID", namespaces=NS) == (
        PERMIT_NUMBER
    )


def test_permit_travels_as_its_exact_bytes(ch_key, signed_permit) -> None:
    data = epix.build_envelope(header(epix.MessageType.PERMIT_ISSUED), signed_permit, ch_key)
    root = etree.fromstring(data)
    carried = root.findtext("e:Body/e:SignedPermit", namespaces=NS)
    assert carried is not None
    assert base64.b64decode(carried) == signed_permit
    assert root[-1].tag == f"{{{DS}}}Signature"  # the envelope has its own signature


def test_permit_issued_body_must_be_a_permit(ch_key) -> None:
    with pytest.raises(ValueError, match="CITESEPermit"):
        epix.build_envelope(
            header(epix.MessageType.PERMIT_ISSUED), b"<other xmlns='urn:x'/>", ch_key
        )


@pytest.mark.parametrize(
    ("carried", "code"),
    [
        ("not base64 at all!", epix.ErrorCode.SCHEMA_INVALID),
        (base64.b64encode(b"<unclosed>").decode(), epix.ErrorCode.RULE_VIOLATION),
        (base64.b64encode(b"<other xmlns='urn:x'/>").decode(), epix.ErrorCode.RULE_VIOLATION),
    ],
)
def test_carried_permit_must_decode_to_a_permit(schemas, registry, ch_key, carried, code) -> None:
    root = etree.Element(f"{{{ENV}}}Envelope", nsmap={None: ENV})
    head = etree.SubElement(root, f"{{{ENV}}}Header")
    sent = header(epix.MessageType.PERMIT_ISSUED)
    for name, value in (
        ("MessageId", str(sent.message_id)),
        ("Sender", sent.sender),
        ("Recipient", sent.recipient),
        ("MessageType", sent.message_type.value),
        ("CreatedAt", sent.created_at.isoformat()),
        ("PermitNumber", sent.permit_number),
    ):
        etree.SubElement(head, f"{{{ENV}}}{name}").text = value
    body = etree.SubElement(root, f"{{{ENV}}}Body")
    etree.SubElement(body, f"{{{ENV}}}SignedPermit").text = carried
    data = etree.tostring(signing.sign(root, ch_key))
    assert refused(data, schemas, registry) is code


def test_permit_status_round_trip(schemas, registry, ch_key) -> None:
    status = epix.PermitStatusBody(
        state=epix.PermitState.USED,
        reason="Shipment cleared at Basel",
        endorsed=(
            epix.EndorsedQuantity("1", Decimal("2"), "H87"),
            epix.EndorsedQuantity("2", Decimal("1.5"), "KGM"),
        ),
    )
    sent = header(epix.MessageType.PERMIT_STATUS)
    received = parse(epix.build_envelope(sent, status, ch_key), schemas, registry)
    assert received.header == sent
    assert received.status == status
    assert received.permit is None


def test_permit_status_replaced(schemas, registry, ch_key) -> None:
    status = epix.PermitStatusBody(epix.PermitState.REPLACED, replaced_by="26CH000124")
    data = epix.build_envelope(header(epix.MessageType.PERMIT_STATUS), status, ch_key)
    assert parse(data, schemas, registry).status == status


def test_permit_request_round_trip(schemas, registry, ch_key) -> None:
    sent = header(epix.MessageType.PERMIT_REQUEST)
    received = parse(epix.build_envelope(sent, None, ch_key), schemas, registry)
    assert received.header == sent
    assert received.permit is None
    assert received.status is None


@pytest.mark.parametrize("kind", list(epix.MessageType))
def test_built_envelopes_are_xsd_valid(schemas, ch_key, signed_permit, kind) -> None:
    bodies: dict[epix.MessageType, epix.Body] = {
        epix.MessageType.PERMIT_ISSUED: signed_permit,
        epix.MessageType.PERMIT_STATUS: epix.PermitStatusBody(epix.PermitState.CANCELLED),
        epix.MessageType.PERMIT_REQUEST: None,
    }
    data = epix.build_envelope(header(kind), bodies[kind], ch_key)
    schemas.envelope.assertValid(etree.fromstring(data))


def test_body_must_fit_the_type(ch_key, signed_permit) -> None:
    with pytest.raises(ValueError, match="cannot carry"):
        epix.build_envelope(header(epix.MessageType.PERMIT_REQUEST), signed_permit, ch_key)
    with pytest.raises(ValueError, match="cannot carry"):
        epix.build_envelope(header(epix.MessageType.PERMIT_ISSUED), None, ch_key)


def test_header_values_are_checked() -> None:
    with pytest.raises(ValueError, match="Party code"):
        header(epix.MessageType.PERMIT_REQUEST, sender="che")
    with pytest.raises(ValueError, match="timezone-aware"):
        header(epix.MessageType.PERMIT_REQUEST, created_at=dt.datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="characters"):
        header(epix.MessageType.PERMIT_REQUEST, permit_number="X" * 36)


# Refusals, one per code --------------------------------------------------------------------


def test_malformed(schemas, registry) -> None:
    assert refused(b"<Envelope", schemas, registry) is epix.ErrorCode.MALFORMED_XML


def test_doctype_and_xxe(schemas, registry, ch_key) -> None:
    good = epix.build_envelope(header(epix.MessageType.PERMIT_REQUEST), None, ch_key)
    xxe = good.replace(
        b"?>\n",
        b'?>\n<!DOCTYPE e:Envelope [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n',
        1,
    )
    assert xxe != good
    assert refused(xxe, schemas, registry) is epix.ErrorCode.MALFORMED_XML
    wide = '<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'.encode("utf-16")
    assert refused(wide, schemas, registry) is epix.ErrorCode.MALFORMED_XML


def test_oversized(schemas, registry, ch_key, signed_permit) -> None:
    data = epix.build_envelope(header(epix.MessageType.PERMIT_ISSUED), signed_permit, ch_key)
    code = refused(data, schemas, registry, max_bytes=len(data) - 1)
    assert code is epix.ErrorCode.MALFORMED_XML


def test_schema_invalid(schemas, registry, ch_key) -> None:
    root = etree.fromstring(
        epix.build_envelope(header(epix.MessageType.PERMIT_REQUEST), None, ch_key)
    )
    recipient = root.find("e:Header/e:Recipient", NS)
    assert recipient is not None
    recipient.text = "fra"
    assert refused(etree.tostring(root), schemas, registry) is epix.ErrorCode.SCHEMA_INVALID


def test_unknown_sender(schemas, ch_key) -> None:
    data = epix.build_envelope(header(epix.MessageType.PERMIT_REQUEST), None, ch_key)
    assert refused(data, schemas, Registry()) is epix.ErrorCode.UNKNOWN_SENDER


def test_untrusted_certificate(schemas, registry, fr_key) -> None:
    # Signed by FR's key while claiming to come from CH.
    data = epix.build_envelope(header(epix.MessageType.PERMIT_REQUEST), None, fr_key)
    assert refused(data, schemas, registry) is epix.ErrorCode.UNTRUSTED_CERTIFICATE


def test_revoked_certificate(schemas, registry, ch_key) -> None:
    registry.revoked["CH"] = {signing.fingerprint(ch_key.certificate)}
    data = epix.build_envelope(header(epix.MessageType.PERMIT_REQUEST), None, ch_key)
    assert refused(data, schemas, registry) is epix.ErrorCode.UNTRUSTED_CERTIFICATE


def test_tampered_header(schemas, registry, ch_key) -> None:
    data = epix.build_envelope(header(epix.MessageType.PERMIT_REQUEST), None, ch_key)
    tampered = data.replace(PERMIT_NUMBER.encode(), b"26CH999999")
    assert tampered != data
    assert refused(tampered, schemas, registry) is epix.ErrorCode.SIGNATURE_INVALID


def test_unsigned(schemas, registry, ch_key) -> None:
    root = etree.fromstring(
        epix.build_envelope(header(epix.MessageType.PERMIT_REQUEST), None, ch_key)
    )
    root.remove(root[-1])
    assert refused(etree.tostring(root), schemas, registry) is epix.ErrorCode.SIGNATURE_INVALID


def test_wrong_recipient(schemas, registry, ch_key) -> None:
    data = epix.build_envelope(header(epix.MessageType.PERMIT_REQUEST), None, ch_key)
    code = refused(data, schemas, registry, own_party="DE")
    assert code is epix.ErrorCode.WRONG_RECIPIENT


def test_unsupported_type(schemas, registry, ch_key) -> None:
    root = etree.fromstring(
        epix.build_envelope(header(epix.MessageType.PERMIT_REQUEST), None, ch_key)
    )
    root.remove(root[-1])
    kind = root.find("e:Header/e:MessageType", NS)
    assert kind is not None
    kind.text = "PERMIT_AMENDED"
    data = signing.sign_bytes(root, ch_key)
    assert refused(data, schemas, registry) is epix.ErrorCode.UNSUPPORTED_TYPE


def test_permit_number_must_match_header(schemas, registry, ch_key, signed_permit) -> None:
    sent = header(epix.MessageType.PERMIT_ISSUED, permit_number="26CH000999")
    data = epix.build_envelope(sent, signed_permit, ch_key)
    assert refused(data, schemas, registry) is epix.ErrorCode.RULE_VIOLATION


def test_wrapping_attack_reads_only_signed_content(schemas, registry, ch_key) -> None:
    """A forged header in front of a genuine signed envelope does not pass."""
    genuine = etree.fromstring(
        epix.build_envelope(header(epix.MessageType.PERMIT_REQUEST), None, ch_key)
    )
    forged = etree.fromstring(
        epix.build_envelope(header(epix.MessageType.PERMIT_REQUEST), None, ch_key)
    )
    forged.remove(forged[-1])
    forged.append(genuine[-1])  # the genuine signature, over other content
    assert refused(etree.tostring(forged), schemas, registry) is epix.ErrorCode.SIGNATURE_INVALID


def test_replaced_without_successor_is_a_rule_violation(schemas, registry, ch_key) -> None:
    root = etree.fromstring(
        epix.build_envelope(
            header(epix.MessageType.PERMIT_STATUS),
            epix.PermitStatusBody(epix.PermitState.CANCELLED),
            ch_key,
        )
    )
    root.remove(root[-1])
    state = root.find("e:Body/e:PermitStatus/e:Status", NS)
    assert state is not None
    state.text = "replaced"
    data = signing.sign_bytes(root, ch_key)
    assert refused(data, schemas, registry) is epix.ErrorCode.RULE_VIOLATION


def test_body_not_fitting_the_type_is_schema_invalid(schemas, registry, ch_key) -> None:
    root = etree.fromstring(
        epix.build_envelope(header(epix.MessageType.PERMIT_REQUEST), None, ch_key)
    )
    root.remove(root[-1])
    kind = root.find("e:Header/e:MessageType", NS)
    assert kind is not None
    kind.text = "PERMIT_ISSUED"
    data = signing.sign_bytes(root, ch_key)
    assert refused(data, schemas, registry) is epix.ErrorCode.SCHEMA_INVALID


def test_schemas_refuse_external_imports(tmp_path) -> None:
    source = epix.default_schema_dir()
    for name in ("EPIXEnvelope_1.xsd", "EPIXReceipt_1.xsd"):
        (tmp_path / name).write_bytes((source / name).read_bytes())
    envelope_xsd = tmp_path / "EPIXEnvelope_1.xsd"
    envelope_xsd.write_text(
        envelope_xsd.read_text().replace(
            'attributeFormDefault="unqualified">',
            'attributeFormDefault="unqualified">'
            '<xs:import namespace="urn:x" schemaLocation="http://example.invalid/x.xsd"/>',
            1,
        )
    )
    with pytest.raises(epix.SchemaLoadError, match="must not import"):
        epix.load_schemas(tmp_path)
