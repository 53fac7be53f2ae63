"""Signing: an enveloped XMLDSig over the whole document.

Reference URI ``""`` with the enveloped-signature and exclusive c14n transforms, SHA-256 digest,
exclusive c14n of ``SignedInfo``, ``ecdsa-sha256`` or ``rsa-sha256`` by key type, the signer's
certificate (and chain) in ``KeyInfo/X509Data``, and the ``ds:Signature`` appended as the last
child of the root. The output is the same for the same input and key except for the signature
value (ECDSA signatures are randomised).
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from lxml import etree
from signxml.algorithms import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConstructionMethod,
    SignatureMethod,
)
from signxml.signer import XMLSigner

from signing._xml import DS_SIGNATURE, NSMAP
from signing.keys import PrivateKey, check_key, load_certificates, load_private_key

_SPKI = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
_ID_ATTRIBUTES = ("Id", "ID")  # signxml would turn these into a "#id" reference


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A private key and its certificate chain (the signer's certificate first, then any
    intermediates). Checked on construction: a supported key type, and the first certificate
    certifies this key."""

    private_key: PrivateKey
    certificates: tuple[x509.Certificate, ...]

    def __post_init__(self) -> None:
        check_key(self.private_key)
        chain = tuple(self.certificates)
        if not chain:
            raise ValueError("a signing key needs its certificate")
        object.__setattr__(self, "certificates", chain)
        if chain[0].public_key().public_bytes(*_SPKI) != self.private_key.public_key().public_bytes(
            *_SPKI
        ):
            raise ValueError("the first certificate does not certify this private key")

    @classmethod
    def from_pem(
        cls, key_pem: bytes, certificates_pem: bytes, passphrase: bytes | None = None
    ) -> SigningKey:
        """From a PEM private key and a PEM file with the certificate (then any chain)."""
        return cls(load_private_key(key_pem, passphrase), load_certificates(certificates_pem))

    @property
    def certificate(self) -> x509.Certificate:
        """The signer's certificate."""
        return self.certificates[0]

    @property
    def signature_method(self) -> SignatureMethod:
        """``ECDSA_SHA256`` for an EC key, ``RSA_SHA256`` for RSA."""
        if isinstance(self.private_key, ec.EllipticCurvePrivateKey):
            return SignatureMethod.ECDSA_SHA256
        return SignatureMethod.RSA_SHA256


def sign(root: etree._Element, key: SigningKey) -> etree._Element:
    """Return a signed copy of the document ``root`` (``root`` itself is left unchanged).

    Raises ValueError when ``root`` cannot be signed as specified: it carries an ``Id``/``ID``
    attribute (the reference must be ``""``, so none is used or added), is already signed (a
    ``ds:Signature`` child), or is itself a ``ds:Signature``. Signatures deeper in the document
    (a signed permit inside a signed envelope) are fine: they become part of the signed content.
    """
    if not isinstance(root.tag, str) or root.tag == DS_SIGNATURE:
        raise ValueError("the document root must be an element other than ds:Signature")
    if any(name in root.attrib for name in _ID_ATTRIBUTES):
        raise ValueError("the document root must not carry an Id or ID attribute")
    if root.find("ds:Signature", NSMAP) is not None:
        raise ValueError("the document is already signed")
    if root.find(".//ds:Signature[@Id='placeholder']", NSMAP) is not None:
        raise ValueError("the document contains a ds:Signature placeholder")
    signer = XMLSigner(
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm=key.signature_method,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed = signer.sign(root, key=key.private_key, cert=list(key.certificates))
    # Enforce what the format promises, whatever a future signxml does by default.
    last = signed[-1] if len(signed) else None
    reference = signed.find("ds:Signature/ds:SignedInfo/ds:Reference", NSMAP)
    if last is None or last.tag != DS_SIGNATURE or reference is None or reference.get("URI") != "":
        raise RuntimeError("signxml did not produce an enveloped signature over the document")
    return signed


def sign_bytes(root: etree._Element, key: SigningKey) -> bytes:
    """:func:`sign`, serialized as UTF-8 with an XML declaration."""
    return etree.tostring(sign(root, key), xml_declaration=True, encoding="UTF-8")
