"""Verification: every rule of the design, each rejection with its own reason.

Rules (docs "Exchange, signing and XML safety", section 1): pin the signer to the trusted
certificates; accept only ECDSA-SHA256 / RSA-SHA256 with SHA-256 and exclusive c14n; the
signature at the root, no duplicate Ids, Reference URI ""; business data only from the signed
content; the certificate valid at the signing time. Plus the safe parser: no DOCTYPE.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from cryptography import x509
from lxml import etree
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.signer import XMLSigner

from signing import (
    ErrorCode,
    SigningKey,
    VerificationError,
    certificate_pem,
    fingerprint,
    sign,
    verify,
)
from tests.signing.conftest import make_key
from tests.signing.helpers import (
    C14N_INCLUSIVE,
    CITES,
    DS,
    GENUINE_NUMBER,
    HMAC_SHA256,
    ISSUED,
    NS,
    RSA_SHA1,
    RSA_SHA256,
    SHA1,
    XSLT,
    issue_time,
    number,
    one,
    resign,
    sample_root,
    set_algorithm,
    set_issue_time,
    signature_of,
    to_bytes,
)

FORGED_NUMBER = "26CH999999"
LINES = "cites:SpecifiedSupplyChainConsignment/ram:IncludedSupplyChainConsignmentItem"
IMPORTER_COUNTRY = (
    "cites:SpecifiedSupplyChainConsignment/ram:ConsigneeTradeParty/ram:PostalTradeAddress/"
    "ram:CountryID"
)
QUANTITY = f"{LINES}/ram:TransportLogisticsPackage/ram:ItemQuantity"


def rejection(
    data: bytes | etree._Element,
    trusted: Iterable[x509.Certificate],
    **kwargs: Any,
) -> VerificationError:
    with pytest.raises(VerificationError) as info:
        verify(data, trusted=trusted, **kwargs)
    return info.value


def code_of(
    data: bytes | etree._Element, trusted: Iterable[x509.Certificate], **kwargs: Any
) -> ErrorCode:
    return rejection(data, trusted, **kwargs).code


def test_the_error_codes_are_a_closed_set() -> None:
    assert {code.value for code in ErrorCode} == {
        "malformed",
        "doctype_forbidden",
        "no_signature",
        "signature_not_at_root",
        "duplicate_id",
        "reference_not_whole_document",
        "unsupported_algorithm",
        "certificate_missing",
        "certificate_revoked",
        "untrusted_certificate",
        "signature_invalid",
        "signing_time_unknown",
        "certificate_expired_at_signing",
        "certificate_not_yet_valid_at_signing",
    }


def test_the_error_says_why(ec_key: SigningKey, other_key: SigningKey) -> None:
    error = rejection(to_bytes(sign(sample_root(), ec_key)), [other_key.certificate])
    assert error.code is ErrorCode.UNTRUSTED_CERTIFICATE
    assert error.fingerprint == fingerprint(ec_key.certificate)
    assert error.fingerprint in error.message
    assert str(error).startswith("untrusted_certificate: ")


# -- tampering: any change to what was signed ----------------------------------------------


def _change_quantity(root: etree._Element) -> None:
    one(root, QUANTITY).text = "100"


def _change_unit(root: etree._Element) -> None:
    one(root, QUANTITY).set("unitCode", "KGM")


def _change_number(root: etree._Element) -> None:
    one(root, "cites:HeaderExchangedDocument/ram:ID").text = "26CH000124"


def _change_importer_country(root: etree._Element) -> None:
    one(root, IMPORTER_COUNTRY).text = "FR"


def _change_species(root: etree._Element) -> None:
    one(root, f"{LINES}//ram:ScientificName").text = "Python bivittatus"


def _change_expiry(root: etree._Element) -> None:
    path = "cites:HeaderExchangedDocument/ram:EffectiveSpecifiedPeriod/ram:EndDateTime"
    one(root, path).text = "2028-05-24T00:00:00+00:00"


def _add_whitespace(root: etree._Element) -> None:
    element = one(root, "cites:HeaderExchangedDocument/ram:ID")
    element.text = f" {element.text}"


@pytest.mark.parametrize(
    "change",
    [
        _change_quantity,
        _change_unit,
        _change_number,
        _change_importer_country,
        _change_species,
        _change_expiry,
        _add_whitespace,
    ],
)
def test_a_changed_box_is_rejected(
    key: SigningKey, change: Callable[[etree._Element], None]
) -> None:
    signed = sign(sample_root(), key)
    change(signed)
    assert code_of(to_bytes(signed), [key.certificate]) is ErrorCode.SIGNATURE_INVALID


def test_a_removed_line_is_rejected(key: SigningKey) -> None:
    signed = sign(sample_root(), key)
    lines = signed.findall(LINES, NS)
    assert len(lines) == 3
    lines[2].getparent().remove(lines[2])  # type: ignore[union-attr]
    assert code_of(to_bytes(signed), [key.certificate]) is ErrorCode.SIGNATURE_INVALID


def test_an_added_line_is_rejected(key: SigningKey) -> None:
    signed = sign(sample_root(), key)
    lines = signed.findall(LINES, NS)
    extra = copy.deepcopy(lines[0])
    one(extra, "ram:ID").text = "D"
    lines[2].addnext(extra)
    assert code_of(to_bytes(signed), [key.certificate]) is ErrorCode.SIGNATURE_INVALID


def test_a_changed_signature_value_is_rejected(key: SigningKey) -> None:
    signed = sign(sample_root(), key)
    value = one(signed, "ds:Signature/ds:SignatureValue")
    assert value.text is not None
    value.text = ("B" if value.text[0] == "A" else "A") + value.text[1:]
    assert code_of(to_bytes(signed), [key.certificate]) is ErrorCode.SIGNATURE_INVALID


# -- rule 1: pin the signer -----------------------------------------------------------------


def _strip_signature(root: etree._Element) -> etree._Element:
    root.remove(signature_of(root))
    return root


def test_a_resignature_with_another_key_is_rejected(
    ec_key: SigningKey, other_key: SigningKey
) -> None:
    """An attacker changes the permit and signs it again with a key of their own."""
    tampered = _strip_signature(sign(sample_root(), ec_key))
    _change_quantity(tampered)
    resigned = sign(tampered, other_key)
    error = rejection(to_bytes(resigned), [ec_key.certificate])
    assert error.code is ErrorCode.UNTRUSTED_CERTIFICATE
    assert error.fingerprint == fingerprint(other_key.certificate)


def test_a_resignature_with_another_key_naming_the_trusted_certificate_is_rejected(
    ec_key: SigningKey, other_key: SigningKey
) -> None:
    """The same, keeping the genuine certificate in KeyInfo: the pinned key does not verify."""
    signed = sign(sample_root(), ec_key)
    _change_quantity(signed)
    resign(signed, other_key.private_key)
    assert code_of(to_bytes(signed), [ec_key.certificate]) is ErrorCode.SIGNATURE_INVALID


def test_a_certificate_not_in_the_trusted_set_is_rejected(
    key: SigningKey, other_key: SigningKey
) -> None:
    data = to_bytes(sign(sample_root(), key))
    assert code_of(data, [other_key.certificate]) is ErrorCode.UNTRUSTED_CERTIFICATE
    assert code_of(data, []) is ErrorCode.UNTRUSTED_CERTIFICATE


def test_a_certificate_with_the_same_subject_and_key_type_is_not_trusted_by_name(
    ec_key: SigningKey,
) -> None:
    impostor = make_key("ecdsa-p256")  # same subject, issuer, validity: only the key differs
    assert impostor.certificate.subject == ec_key.certificate.subject
    data = to_bytes(sign(sample_root(), impostor))
    assert code_of(data, [ec_key.certificate]) is ErrorCode.UNTRUSTED_CERTIFICATE


def test_any_of_several_trusted_certificates_verifies(
    ec_key: SigningKey, rsa_key: SigningKey, other_key: SigningKey
) -> None:
    """Rotation with overlap: a Party has several valid certificates at once."""
    trusted = [other_key.certificate, rsa_key.certificate, ec_key.certificate]
    for key in (ec_key, rsa_key):
        result = verify(to_bytes(sign(sample_root(), key)), trusted=trusted)
        assert result.certificate == key.certificate


def test_a_revoked_certificate_is_rejected(key: SigningKey) -> None:
    data = to_bytes(sign(sample_root(), key))
    fp = fingerprint(key.certificate)
    colons = ":".join(fp[i : i + 2] for i in range(0, len(fp), 2)).upper()
    for revoked in ({fp}, frozenset({colons})):
        error = rejection(data, [key.certificate], revoked_fingerprints=revoked)
        assert error.code is ErrorCode.CERTIFICATE_REVOKED
        assert error.fingerprint == fp
    # The caller normally drops revoked certificates from the trusted set: still revoked.
    assert code_of(data, [], revoked_fingerprints=[fp]) is ErrorCode.CERTIFICATE_REVOKED


def test_a_missing_certificate_is_rejected(ec_key: SigningKey) -> None:
    signed = sign(sample_root(), ec_key)
    signature = signature_of(signed)
    signature.remove(one(signature, "ds:KeyInfo"))
    assert code_of(to_bytes(signed), [ec_key.certificate]) is ErrorCode.CERTIFICATE_MISSING


def test_an_unreadable_certificate_is_rejected(ec_key: SigningKey) -> None:
    signed = sign(sample_root(), ec_key)
    one(signed, "ds:Signature/ds:KeyInfo/ds:X509Data/ds:X509Certificate").text = "AAAA"
    assert code_of(to_bytes(signed), [ec_key.certificate]) is ErrorCode.CERTIFICATE_MISSING


def test_a_signature_method_that_does_not_fit_the_key_is_rejected(ec_key: SigningKey) -> None:
    signed = sign(sample_root(), ec_key)
    set_algorithm(signed, "ds:SignedInfo/ds:SignatureMethod", RSA_SHA256)
    assert code_of(to_bytes(signed), [ec_key.certificate]) is ErrorCode.SIGNATURE_INVALID


# -- rule 2: restrict the methods -------------------------------------------------------------


def test_an_hmac_signature_is_rejected(ec_key: SigningKey) -> None:
    """Key confusion: HMAC keyed with the (public) certificate, which anyone has."""
    signed = sign(sample_root(), ec_key)
    _change_quantity(signed)
    set_algorithm(signed, "ds:SignedInfo/ds:SignatureMethod", HMAC_SHA256)
    resign(signed, certificate_pem(ec_key.certificate))
    error = rejection(to_bytes(signed), [ec_key.certificate])
    assert error.code is ErrorCode.UNSUPPORTED_ALGORITHM
    assert "hmac-sha256" in error.message


def test_an_hmac_signature_made_by_signxml_is_rejected(ec_key: SigningKey) -> None:
    signer = XMLSigner(
        signature_algorithm=SignatureMethod.HMAC_SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed = signer.sign(sample_root(), key=b"shared secret")
    assert code_of(to_bytes(signed), [ec_key.certificate]) is ErrorCode.UNSUPPORTED_ALGORITHM


def test_an_rsa_sha1_signature_is_rejected(rsa_key: SigningKey) -> None:
    signed = sign(sample_root(), rsa_key)
    set_algorithm(signed, "ds:SignedInfo/ds:SignatureMethod", RSA_SHA1)
    resign(signed, rsa_key.private_key)  # a genuine RSA-SHA1 signature by the trusted key
    error = rejection(to_bytes(signed), [rsa_key.certificate])
    assert error.code is ErrorCode.UNSUPPORTED_ALGORITHM
    assert "rsa-sha1" in error.message


def test_a_sha1_digest_is_rejected(key: SigningKey) -> None:
    signed = sign(sample_root(), key)
    set_algorithm(signed, "ds:SignedInfo/ds:Reference/ds:DigestMethod", SHA1)
    resign(signed, key.private_key)
    assert code_of(to_bytes(signed), [key.certificate]) is ErrorCode.UNSUPPORTED_ALGORITHM


def test_inclusive_canonicalization_is_rejected(ec_key: SigningKey) -> None:
    signed = sign(sample_root(), ec_key)
    set_algorithm(signed, "ds:SignedInfo/ds:CanonicalizationMethod", C14N_INCLUSIVE)
    assert code_of(to_bytes(signed), [ec_key.certificate]) is ErrorCode.UNSUPPORTED_ALGORITHM


def test_an_xslt_transform_is_rejected(ec_key: SigningKey) -> None:
    signed = sign(sample_root(), ec_key)
    transforms = one(signed, "ds:Signature/ds:SignedInfo/ds:Reference/ds:Transforms")
    etree.SubElement(transforms, f"{{{DS}}}Transform", Algorithm=XSLT)
    resign(signed, ec_key.private_key)
    assert code_of(to_bytes(signed), [ec_key.certificate]) is ErrorCode.UNSUPPORTED_ALGORITHM


def test_a_reference_without_the_enveloped_transform_is_rejected(ec_key: SigningKey) -> None:
    signed = sign(sample_root(), ec_key)
    transforms = one(signed, "ds:Signature/ds:SignedInfo/ds:Reference/ds:Transforms")
    transforms.remove(transforms[0])
    assert code_of(to_bytes(signed), [ec_key.certificate]) is ErrorCode.UNSUPPORTED_ALGORITHM


# -- rule 3: signature at the root, no duplicate Ids, Reference URI "" ---------------------


def test_an_unsigned_document_is_rejected(ec_key: SigningKey) -> None:
    assert code_of(to_bytes(sample_root()), [ec_key.certificate]) is ErrorCode.NO_SIGNATURE


def test_a_signature_that_is_not_the_last_child_is_rejected(ec_key: SigningKey) -> None:
    signed = sign(sample_root(), ec_key)
    signed.insert(0, signature_of(signed))  # digest unaffected: the enveloped transform
    assert code_of(to_bytes(signed), [ec_key.certificate]) is ErrorCode.SIGNATURE_NOT_AT_ROOT


def test_a_signature_below_the_root_is_rejected(ec_key: SigningKey) -> None:
    signed = sign(sample_root(), ec_key)
    one(signed, LINES).append(signature_of(signed))
    assert code_of(to_bytes(signed), [ec_key.certificate]) is ErrorCode.SIGNATURE_NOT_AT_ROOT


def test_two_signatures_at_the_root_are_rejected(ec_key: SigningKey) -> None:
    signed = sign(sample_root(), ec_key)
    signed.append(copy.deepcopy(signature_of(signed)))
    assert code_of(to_bytes(signed), [ec_key.certificate]) is ErrorCode.SIGNATURE_NOT_AT_ROOT


def test_an_enveloping_signature_is_rejected(ec_key: SigningKey) -> None:
    signed = sign(sample_root(), ec_key)
    wrapper = copy.deepcopy(signature_of(signed))
    etree.SubElement(wrapper, f"{{{DS}}}Object").append(_strip_signature(signed))
    assert code_of(to_bytes(wrapper), [ec_key.certificate]) is ErrorCode.SIGNATURE_NOT_AT_ROOT


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Id", "Id"),
        ("Id", "ID"),
        ("id", "{http://www.w3.org/XML/1998/namespace}id"),
    ],
)
def test_duplicate_ids_are_rejected(ec_key: SigningKey, first: str, second: str) -> None:
    root = sample_root()
    lines = root.findall(LINES, NS)
    lines[0].set(first, "line")
    lines[2].set(second, "line")
    signed = sign(root, ec_key)  # a genuine signature: only the Id rule rejects it
    error = rejection(to_bytes(signed), [ec_key.certificate])
    assert error.code is ErrorCode.DUPLICATE_ID
    assert "'line'" in error.message


def test_distinct_ids_are_accepted(ec_key: SigningKey) -> None:
    root = sample_root()
    for index, line in enumerate(root.findall(LINES, NS)):
        line.set("Id", f"line-{index}")
    verify(to_bytes(sign(root, ec_key)), trusted=[ec_key.certificate])


def test_a_reference_to_an_id_is_rejected(ec_key: SigningKey) -> None:
    """A valid signature over the root by Id (what signxml makes when the root has an Id)."""
    root = sample_root()
    root.set("Id", "permit")
    signer = XMLSigner(
        signature_algorithm=SignatureMethod.ECDSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed = signer.sign(root, key=ec_key.private_key, cert=[ec_key.certificate])
    assert one(signed, "ds:Signature/ds:SignedInfo/ds:Reference").get("URI") == "#permit"
    error = rejection(to_bytes(signed), [ec_key.certificate])
    assert error.code is ErrorCode.REFERENCE_NOT_WHOLE_DOCUMENT


def test_two_references_are_rejected(ec_key: SigningKey) -> None:
    signed = sign(sample_root(), ec_key)
    reference = one(signed, "ds:Signature/ds:SignedInfo/ds:Reference")
    reference.addnext(copy.deepcopy(reference))
    error = rejection(to_bytes(signed), [ec_key.certificate])
    assert error.code is ErrorCode.REFERENCE_NOT_WHOLE_DOCUMENT


def test_a_reference_without_a_uri_is_rejected(ec_key: SigningKey) -> None:
    signed = sign(sample_root(), ec_key)
    del one(signed, "ds:Signature/ds:SignedInfo/ds:Reference").attrib["URI"]
    error = rejection(to_bytes(signed), [ec_key.certificate])
    assert error.code is ErrorCode.REFERENCE_NOT_WHOLE_DOCUMENT


# -- rule 4: business data only from the signed content (signature wrapping) ---------------


def _forged_permit() -> etree._Element:
    forged = sample_root()
    one(forged, "cites:HeaderExchangedDocument/ram:ID").text = FORGED_NUMBER
    one(forged, IMPORTER_COUNTRY).text = "US"
    one(forged, QUANTITY).text = "1000"
    return forged


def _never_forged(data: bytes, trusted: list[x509.Certificate]) -> ErrorCode | None:
    """Verify a wrapping document: it must fail, or return the genuine content only."""
    try:
        result = verify(data, trusted=trusted, signing_time=issue_time)
    except VerificationError as error:
        return error.code
    assert number(result.signed_root) == GENUINE_NUMBER
    assert FORGED_NUMBER.encode() not in etree.tostring(result.signed_root)
    return None


def test_wrapping_genuine_permit_hidden_in_an_extension_of_a_forged_root(
    ec_key: SigningKey,
) -> None:
    forged = _forged_permit()
    hidden = etree.SubElement(forged, f"{{{CITES}}}Extension")
    hidden.append(sign(sample_root(), ec_key))
    code = _never_forged(to_bytes(forged), [ec_key.certificate])
    assert code is ErrorCode.SIGNATURE_NOT_AT_ROOT


def test_wrapping_genuine_signature_moved_under_a_forged_root(ec_key: SigningKey) -> None:
    genuine = sign(sample_root(), ec_key)
    forged = _forged_permit()
    forged.append(copy.deepcopy(signature_of(genuine)))
    assert _never_forged(to_bytes(forged), [ec_key.certificate]) is ErrorCode.SIGNATURE_INVALID


def test_wrapping_genuine_permit_in_the_signature_object_of_a_forged_root(
    ec_key: SigningKey,
) -> None:
    genuine = sign(sample_root(), ec_key)
    forged = _forged_permit()
    signature = copy.deepcopy(signature_of(genuine))
    etree.SubElement(signature, f"{{{DS}}}Object").append(genuine)
    forged.append(signature)
    assert _never_forged(to_bytes(forged), [ec_key.certificate]) is ErrorCode.SIGNATURE_INVALID


def test_wrapping_forged_permit_in_the_genuine_signature_object_is_never_returned(
    ec_key: SigningKey,
) -> None:
    """ds:Object is outside what the enveloped signature covers, so this document verifies;
    only the signed content is returned, and the forged permit is not in it."""
    signed = sign(sample_root(), ec_key)
    etree.SubElement(signature_of(signed), f"{{{DS}}}Object").append(_forged_permit())
    data = to_bytes(signed)
    assert _never_forged(data, [ec_key.certificate]) is None
    # Why rule 4 matters: a naive read of the received tree finds the forged permit.
    received = etree.fromstring(data)
    numbers = [number(p) for p in received.iter(f"{{{CITES}}}CITESEPermit")]
    assert FORGED_NUMBER in numbers


def test_comments_are_not_signed_and_not_returned(ec_key: SigningKey) -> None:
    """Exclusive c14n without comments: an injected comment keeps the signature valid, splits
    the text in the received tree, and is gone from the signed content."""
    data = to_bytes(sign(sample_root(), ec_key)).replace(
        b"<ram:ID>26CH000123</ram:ID>", b"<ram:ID>26CH<!-- -->000123</ram:ID>"
    )
    received = etree.fromstring(data)
    assert number(received) == "26CH"
    result = verify(received, trusted=[ec_key.certificate])
    assert number(result.signed_root) == GENUINE_NUMBER
    assert not list(result.signed_root.iter(etree.Comment))


# -- rule 5: the certificate at the signing time ---------------------------------------------


def test_a_certificate_expired_at_signing_time_is_rejected() -> None:
    expired = make_key(not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), valid_days=366)
    data = to_bytes(sign(sample_root(), expired))  # IssueDateTime 2026-11-24
    error = rejection(data, [expired.certificate], signing_time=issue_time)
    assert error.code is ErrorCode.CERTIFICATE_EXPIRED_AT_SIGNING
    assert "2026-11-24" in error.message


def test_a_certificate_not_yet_valid_at_signing_time_is_rejected() -> None:
    future = make_key(not_before=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    data = to_bytes(sign(sample_root(), future))
    error = rejection(data, [future.certificate], signing_time=issue_time)
    assert error.code is ErrorCode.CERTIFICATE_NOT_YET_VALID_AT_SIGNING


def test_an_archived_permit_verifies_after_its_certificate_expired() -> None:
    old = make_key(not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), valid_days=366)
    root = sample_root()
    issued = dt.datetime(2020, 6, 1, 12, 0, tzinfo=dt.UTC)
    set_issue_time(root, issued)
    data = to_bytes(sign(root, old))
    result = verify(data, trusted=[old.certificate], signing_time=issue_time)
    assert result.signing_time == issued
    # Without a signing time the certificate is checked now, and has long expired.
    assert code_of(data, [old.certificate]) is ErrorCode.CERTIFICATE_EXPIRED_AT_SIGNING


def test_the_signing_time_is_read_from_the_signed_content(ec_key: SigningKey) -> None:
    seen: list[etree._Element] = []

    def recording(root: etree._Element) -> dt.datetime | None:
        seen.append(root)
        return issue_time(root)

    result = verify(
        to_bytes(sign(sample_root(), ec_key)), trusted=[ec_key.certificate], signing_time=recording
    )
    assert seen == [result.signed_root]
    assert result.signing_time == ISSUED


def test_a_signing_time_offset_is_normalised_to_utc(ec_key: SigningKey) -> None:
    zurich = dt.timezone(dt.timedelta(hours=1))
    result = verify(
        to_bytes(sign(sample_root(), ec_key)),
        trusted=[ec_key.certificate],
        signing_time=lambda _: dt.datetime(2026, 11, 24, 10, 0, tzinfo=zurich),
    )
    assert result.signing_time == ISSUED
    assert result.signing_time is not None
    assert result.signing_time.tzinfo is dt.UTC


def test_an_unknown_signing_time_is_rejected(ec_key: SigningKey) -> None:
    data = to_bytes(sign(sample_root(), ec_key))

    def unreadable(_: etree._Element) -> dt.datetime:
        return dt.datetime.fromisoformat("not a time")

    for reader in (lambda _: None, unreadable):
        error = rejection(data, [ec_key.certificate], signing_time=reader)
        assert error.code is ErrorCode.SIGNING_TIME_UNKNOWN


def test_a_naive_signing_time_is_a_programming_error(ec_key: SigningKey) -> None:
    data = to_bytes(sign(sample_root(), ec_key))
    with pytest.raises(ValueError, match="timezone-aware"):
        verify(data, trusted=[ec_key.certificate], signing_time=lambda _: dt.datetime(2026, 11, 24))


# -- the safe parser ------------------------------------------------------------------------


def _with_doctype(signed: bytes, doctype: bytes, entity: bytes = b"") -> bytes:
    body = signed.split(b"?>", 1)[1]
    if entity:
        body = body.replace(b"<ram:Value>CITES PERMITTING", b"<ram:Value>" + entity, 1)
    return b"<?xml version='1.0' encoding='UTF-8'?>\n" + doctype + body


def test_an_external_entity_is_rejected(ec_key: SigningKey) -> None:
    data = _with_doctype(
        to_bytes(sign(sample_root(), ec_key)),
        b'<!DOCTYPE cites:CITESEPermit [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        b"&xxe;",
    )
    assert code_of(data, [ec_key.certificate]) is ErrorCode.DOCTYPE_FORBIDDEN


def test_entity_expansion_is_rejected(ec_key: SigningKey) -> None:
    laughs = b'<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    data = _with_doctype(
        to_bytes(sign(sample_root(), ec_key)),
        b"<!DOCTYPE cites:CITESEPermit [" + laughs + b"]>",
        b"&b;",
    )
    assert code_of(data, [ec_key.certificate]) is ErrorCode.DOCTYPE_FORBIDDEN


def test_a_plain_doctype_is_rejected(ec_key: SigningKey) -> None:
    data = _with_doctype(to_bytes(sign(sample_root(), ec_key)), b"<!DOCTYPE cites:CITESEPermit>")
    assert code_of(data, [ec_key.certificate]) is ErrorCode.DOCTYPE_FORBIDDEN


def test_a_utf16_doctype_is_rejected(ec_key: SigningKey) -> None:
    text = _with_doctype(
        to_bytes(sign(sample_root(), ec_key)), b"<!DOCTYPE cites:CITESEPermit>"
    ).decode()
    data = text.replace("encoding='UTF-8'", "encoding='UTF-16'").encode("utf-16")
    assert code_of(data, [ec_key.certificate]) is ErrorCode.DOCTYPE_FORBIDDEN


def test_an_element_with_a_doctype_is_rejected(ec_key: SigningKey) -> None:
    data = _with_doctype(to_bytes(sign(sample_root(), ec_key)), b"<!DOCTYPE cites:CITESEPermit>")
    element = etree.fromstring(data, etree.XMLParser(resolve_entities=False))
    assert code_of(element, [ec_key.certificate]) is ErrorCode.DOCTYPE_FORBIDDEN


@pytest.mark.parametrize("data", [b"", b"   ", b"not xml", b"<cites:CITESEPermit", b"<a></b>"])
def test_malformed_input_is_rejected(ec_key: SigningKey, data: bytes) -> None:
    assert code_of(data, [ec_key.certificate]) is ErrorCode.MALFORMED


def test_a_signature_that_breaks_the_xmldsig_schema_is_rejected(ec_key: SigningKey) -> None:
    signed = sign(sample_root(), ec_key)
    etree.SubElement(one(signed, "ds:Signature/ds:SignedInfo"), f"{{{DS}}}Unexpected")
    assert code_of(to_bytes(signed), [ec_key.certificate]) is ErrorCode.MALFORMED


def test_other_input_types_are_a_programming_error(ec_key: SigningKey) -> None:
    with pytest.raises(TypeError):
        verify(to_bytes(sample_root()).decode(), trusted=[ec_key.certificate])  # type: ignore[arg-type]


def test_ids_outside_the_verified_element_do_not_count(ec_key: SigningKey) -> None:
    root = sample_root()
    one(root, LINES).set("Id", "shared")
    wrapper = etree.Element("{urn:example:envelope}Body", Id="shared")
    wrapper.append(sign(root, ec_key))
    verify(wrapper[0], trusted=[ec_key.certificate])
