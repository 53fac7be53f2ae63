"""Signing: the round trip, the shape of the signature, and that a signed permit stays valid."""

from __future__ import annotations

from functools import cache

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from lxml import etree

from app.xml.schema import SchemaRegistry
from signing import SigningKey, fingerprint, sign, sign_bytes, verify
from tests.signing.helpers import (
    DS,
    ECDSA_SHA256,
    GENUINE_NUMBER,
    ISSUED,
    NS,
    RSA_SHA256,
    SHA256,
    exc_c14n,
    issue_time,
    number,
    one,
    sample_root,
    signature_of,
    to_bytes,
)

EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"


@cache
def registry() -> SchemaRegistry:
    return SchemaRegistry.load()


@pytest.mark.parametrize("as_bytes", [True, False], ids=["bytes", "element"])
def test_round_trip(key: SigningKey, as_bytes: bool) -> None:
    original = sample_root()
    signed = sign(original, key)
    result = verify(
        to_bytes(signed) if as_bytes else signed, trusted=[key.certificate], signing_time=issue_time
    )
    assert result.certificate == key.certificate
    assert result.fingerprint == fingerprint(key.certificate)
    assert result.signing_time == ISSUED
    assert number(result.signed_root) == GENUINE_NUMBER
    # The signed content is exactly the document that was signed, without the signature.
    assert result.signed_root.find("ds:Signature", NS) is None
    assert exc_c14n(result.signed_root) == exc_c14n(original)


def test_signature_shape(key: SigningKey) -> None:
    signed = sign(sample_root(), key)
    signature = signature_of(signed)
    assert signed[-1] is signature  # the root's last child
    assert len(signed.findall(".//ds:Signature", NS)) == 1
    assert signed.attrib == sample_root().attrib  # no Id added to the root
    signed_info = one(signature, "ds:SignedInfo")
    assert one(signed_info, "ds:CanonicalizationMethod").get("Algorithm") == EXC_C14N
    expected_method = (
        ECDSA_SHA256 if isinstance(key.private_key, ec.EllipticCurvePrivateKey) else RSA_SHA256
    )
    assert one(signed_info, "ds:SignatureMethod").get("Algorithm") == expected_method
    references = signed_info.findall("ds:Reference", NS)
    assert len(references) == 1
    assert references[0].get("URI") == ""
    transforms = [
        t.get("Algorithm") for t in references[0].findall("ds:Transforms/ds:Transform", NS)
    ]
    assert transforms == [ENVELOPED, EXC_C14N]
    assert one(references[0], "ds:DigestMethod").get("Algorithm") == SHA256
    certs = signature.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS)
    assert len(certs) == 1
    assert signature.find("ds:KeyInfo/ds:KeyValue", NS) is None


def test_signature_method_follows_the_key(ec_key: SigningKey, rsa_key: SigningKey) -> None:
    for key, method in ((ec_key, ECDSA_SHA256), (rsa_key, RSA_SHA256)):
        signed = sign(sample_root(), key)
        assert (
            one(signed, "ds:Signature/ds:SignedInfo/ds:SignatureMethod").get("Algorithm") == method
        )


def test_signing_is_deterministic_but_for_the_signature_value(key: SigningKey) -> None:
    def without_value(root: etree._Element) -> bytes:
        one(root, "ds:Signature/ds:SignatureValue").text = ""
        return to_bytes(root)

    assert without_value(sign(sample_root(), key)) == without_value(sign(sample_root(), key))


def test_sign_leaves_the_input_unchanged(ec_key: SigningKey) -> None:
    original = sample_root()
    before = to_bytes(original)
    sign(original, ec_key)
    assert to_bytes(original) == before


def test_signed_permit_still_validates_against_the_xsd(key: SigningKey) -> None:
    signed = sign(sample_root(), key)
    assert registry().validate(signed) == []
    assert registry().validate(etree.fromstring(sign_bytes(sample_root(), key))) == []


def test_sign_bytes_has_a_declaration_and_verifies(ec_key: SigningKey) -> None:
    data = sign_bytes(sample_root(), ec_key)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert number(verify(data, trusted=[ec_key.certificate]).signed_root) == GENUINE_NUMBER


def test_sign_refuses_a_root_with_an_id(ec_key: SigningKey) -> None:
    root = sample_root()
    root.set("Id", "permit")
    with pytest.raises(ValueError, match="Id"):
        sign(root, ec_key)


def test_sign_refuses_a_signed_document(ec_key: SigningKey) -> None:
    with pytest.raises(ValueError, match="already signed"):
        sign(sign(sample_root(), ec_key), ec_key)


def test_sign_refuses_a_signature_as_root(ec_key: SigningKey) -> None:
    with pytest.raises(ValueError, match=r"ds:Signature"):
        sign(etree.Element(f"{{{DS}}}Signature"), ec_key)


def test_a_signed_document_inside_a_signed_envelope_verifies_twice(
    ec_key: SigningKey, other_key: SigningKey
) -> None:
    """The EPIX case: a signed permit in the body of an envelope signed by another key.
    Exclusive c14n makes the inner signature verifiable on its own after extraction."""
    envelope = etree.Element("{urn:example:envelope}Envelope", nsmap={"e": "urn:example:envelope"})
    body = etree.SubElement(envelope, "{urn:example:envelope}Body")
    body.append(sign(sample_root(), ec_key))
    signed_envelope = sign(envelope, other_key)

    outer = verify(to_bytes(signed_envelope), trusted=[other_key.certificate])
    inner_element = outer.signed_root.find("{urn:example:envelope}Body/cites:CITESEPermit", NS)
    assert inner_element is not None
    inner = verify(inner_element, trusted=[ec_key.certificate], signing_time=issue_time)
    assert number(inner.signed_root) == GENUINE_NUMBER
    assert inner.fingerprint == fingerprint(ec_key.certificate)
