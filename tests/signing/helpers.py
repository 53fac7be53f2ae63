"""Test helpers: the sample permit, reading it, and forging signatures the way an attacker
would (recomputing digest and signature value after changing what is signed)."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import hmac
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from lxml import etree

SAMPLE = Path(__file__).parent.parent / "samples" / "ours-export-3-lines.xml"
CITES = "urn:un:unece:uncefact:data:standard:CITESEPermit:2"
RAM = "urn:un:unece:uncefact:data:draft:ReusableAggregateBusinessInformationEntity:1"
DS = "http://www.w3.org/2000/09/xmldsig#"
NS = {"cites": CITES, "ram": RAM, "ds": DS}
GENUINE_NUMBER = "26CH000123"
ISSUED = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)

RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
HMAC_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"
SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
C14N_INCLUSIVE = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
XSLT = "http://www.w3.org/TR/1999/REC-xslt-19991116"


def sample_root() -> etree._Element:
    """A fresh copy of the sample permit (unsigned)."""
    return etree.fromstring(SAMPLE.read_bytes())


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def one(root: etree._Element, path: str) -> etree._Element:
    found = root.find(path, NS)
    assert found is not None, path
    return found


def number(root: etree._Element) -> str | None:
    return one(root, "cites:HeaderExchangedDocument/ram:ID").text


def issue_time(root: etree._Element) -> dt.datetime | None:
    """What the service passes as ``signing_time``: the permit's IssueDateTime."""
    element = root.find("cites:HeaderExchangedDocument/ram:IssueDateTime", NS)
    if element is None or not element.text:
        return None
    return dt.datetime.fromisoformat(element.text)


def set_issue_time(root: etree._Element, moment: dt.datetime) -> None:
    one(root, "cites:HeaderExchangedDocument/ram:IssueDateTime").text = moment.isoformat()


def signature_of(root: etree._Element) -> etree._Element:
    return one(root, "ds:Signature")


def set_algorithm(root: etree._Element, path: str, uri: str) -> None:
    one(signature_of(root), path).set("Algorithm", uri)


def exc_c14n(element: etree._Element) -> bytes:
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False)


def resign(root: etree._Element, key: object) -> etree._Element:
    """Recompute the Reference digest (with the DigestMethod the signature names) and the
    signature value (with the SignatureMethod it names) over the document as it now is, in
    place, with ``key``: a private key, or bytes for HMAC. What an attacker holding ``key``
    can do to make a changed document consistent again."""
    signature = signature_of(root)
    signed_info = one(signature, "ds:SignedInfo")
    reference = one(signed_info, "ds:Reference")
    unsigned = copy.deepcopy(root)
    unsigned.remove(one(unsigned, "ds:Signature"))
    digest_name = {SHA1: "sha1", SHA256: "sha256"}[
        one(reference, "ds:DigestMethod").get("Algorithm", "")
    ]
    one(reference, "ds:DigestValue").text = base64.b64encode(
        hashlib.new(digest_name, exc_c14n(unsigned)).digest()
    ).decode()
    data = exc_c14n(signed_info)
    method = one(signed_info, "ds:SignatureMethod").get("Algorithm")
    if method == HMAC_SHA256:
        assert isinstance(key, bytes)
        value = hmac.new(key, data, hashlib.sha256).digest()
    elif method == ECDSA_SHA256:
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        value = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    else:
        assert isinstance(key, rsa.RSAPrivateKey)
        algorithm = hashes.SHA1() if method == RSA_SHA1 else hashes.SHA256()  # noqa: S303
        value = key.sign(data, padding.PKCS1v15(), algorithm)
    one(signature, "ds:SignatureValue").text = base64.b64encode(value).decode()
    return root
