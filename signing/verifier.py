"""Verification: accept a document only when it carries one enveloped XMLDSig over the whole
document, made with one of the caller's trusted certificates, with the accepted algorithms.

The rules of the design (docs: "Exchange, signing and XML safety", section 1), in order:

1. The bytes are parsed with the safe settings; any DOCTYPE is refused before signxml sees
   the document (``doctype_forbidden``; other parse failures ``malformed``).
2. Exactly one ``ds:Signature`` child of the root, and it is the root's last element
   (``no_signature``, ``signature_not_at_root``). No two ``Id``/``ID``/``id``/``xml:id``
   attributes anywhere share a value (``duplicate_id``).
3. Exactly one ``Reference``, with ``URI=""`` (``reference_not_whole_document``);
   ``SignatureMethod`` ecdsa-sha256 or rsa-sha256, ``DigestMethod`` sha256, exclusive c14n for
   ``SignedInfo``, and only the enveloped-signature and exclusive c14n transforms
   (``unsupported_algorithm``). signxml enforces the same again through its
   ``SignatureConfiguration``.
4. The signer is pinned: the certificate in ``KeyInfo/X509Data`` (the first one) must be,
   byte for byte (SHA-256 fingerprint), one of ``trusted`` (``certificate_missing``,
   ``certificate_revoked`` when its fingerprint is in ``revoked_fingerprints``,
   ``untrusted_certificate``), and signxml verifies with that trusted certificate's key, never
   with a chain to a system CA (``signature_invalid`` on any digest or signature mismatch).
5. Business data comes only from what signxml returns as signed (``signed_xml``: the
   canonical form of the document without its signature, re-parsed), which
   :attr:`VerifiedDocument.signed_root` is; never read the input tree after verifying.
6. The certificate must have been valid at the signing time, which the caller's
   ``signing_time`` function reads from the signed content (``signing_time_unknown``,
   ``certificate_expired_at_signing``, ``certificate_not_yet_valid_at_signing``). Without
   such a function the certificate must be valid now.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from lxml import etree
from signxml.algorithms import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConstructionMethod,
    SignatureMethod,
)
from signxml.exceptions import (
    InvalidCertificate,
    InvalidDigest,
    InvalidInput,
    InvalidSignature,
    SignXMLException,
)
from signxml.verifier import SignatureConfiguration, XMLVerifier

from signing._xml import DS_SIGNATURE, NSMAP, check_element, parse, thread_parser
from signing.errors import ErrorCode, VerificationError
from signing.keys import fingerprint as fingerprint_of
from signing.keys import normalize_fingerprint

SIGNATURE_METHODS = frozenset({SignatureMethod.ECDSA_SHA256, SignatureMethod.RSA_SHA256})
DIGEST_ALGORITHMS = frozenset({DigestAlgorithm.SHA256})
_EXC_C14N = CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0.value
_ALLOWED_TRANSFORMS = frozenset({SignatureConstructionMethod.enveloped.value, _EXC_C14N})
_SIGNATURE_METHOD_URIS = frozenset(m.value for m in SIGNATURE_METHODS)
_DIGEST_URIS = frozenset(d.value for d in DIGEST_ALGORITHMS)
_ID_VALUES = etree.XPath(  # Id, ID, id in any namespace, so xml:id too; this subtree only
    "descendant-or-self::*/@*[local-name()='Id' or local-name()='ID' or local-name()='id']"
)

SigningTime = Callable[[etree._Element], dt.datetime | None]


@dataclass(frozen=True, slots=True)
class VerifiedDocument:
    """A document that verified.

    ``signed_root`` is the signed content and the only tree to read business data from: the
    document as signed, without its ``ds:Signature``, comments (not covered by exclusive c14n)
    removed, re-parsed from its canonical form. ``certificate`` is the trusted certificate
    that verified it, ``fingerprint`` its SHA-256 fingerprint, ``signing_time`` the time the
    certificate's validity was checked at (what the caller's ``signing_time`` function
    returned; None when no function was given and it was checked at the current time).
    """

    signed_root: etree._Element
    certificate: x509.Certificate
    fingerprint: str
    signing_time: dt.datetime | None


def _fail(code: ErrorCode, message: str, fingerprint: str | None = None) -> VerificationError:
    return VerificationError(code, message, fingerprint=fingerprint)


def _find_signature(root: etree._Element) -> etree._Element:
    if root.tag == DS_SIGNATURE:
        raise _fail(ErrorCode.SIGNATURE_NOT_AT_ROOT, "the root is a ds:Signature (enveloping)")
    at_root = root.findall("ds:Signature", NSMAP)
    if not at_root:
        if next(root.iter(DS_SIGNATURE), None) is not None:
            raise _fail(
                ErrorCode.SIGNATURE_NOT_AT_ROOT,
                "the document's signature is not a child of the root element",
            )
        raise _fail(ErrorCode.NO_SIGNATURE, "the document is not signed")
    if len(at_root) > 1:
        raise _fail(ErrorCode.SIGNATURE_NOT_AT_ROOT, "the root has more than one ds:Signature")
    signature = at_root[0]
    last_element = next(root.iterchildren(tag=etree.Element, reversed=True))
    if last_element is not signature:
        raise _fail(ErrorCode.SIGNATURE_NOT_AT_ROOT, "ds:Signature is not the root's last element")
    return signature


def _check_ids(root: etree._Element) -> None:
    seen: set[str] = set()
    values = _ID_VALUES(root)
    assert isinstance(values, list)
    for value in values:
        text = str(value)
        if text in seen:
            raise _fail(ErrorCode.DUPLICATE_ID, f"the Id value {text!r} occurs more than once")
        seen.add(text)


def _algorithm(element: etree._Element | None, what: str) -> str:
    if element is None:
        raise _fail(ErrorCode.MALFORMED, f"the signature has no {what}")
    return element.get("Algorithm") or ""


def _check_signed_info(signature: etree._Element) -> SignatureMethod:
    # The first SignedInfo, as signxml reads it (a second one fails its schema check).
    signed_info = signature.find("ds:SignedInfo", NSMAP)
    if signed_info is None:
        raise _fail(ErrorCode.MALFORMED, "the signature has no SignedInfo")
    c14n = _algorithm(
        signed_info.find("ds:CanonicalizationMethod", NSMAP), "CanonicalizationMethod"
    )
    if c14n != _EXC_C14N:
        raise _fail(ErrorCode.UNSUPPORTED_ALGORITHM, f"canonicalization method {c14n!r}")
    method = _algorithm(signed_info.find("ds:SignatureMethod", NSMAP), "SignatureMethod")
    if method not in _SIGNATURE_METHOD_URIS:
        raise _fail(ErrorCode.UNSUPPORTED_ALGORITHM, f"signature method {method!r}")
    references = signed_info.findall("ds:Reference", NSMAP)
    if len(references) != 1:
        raise _fail(
            ErrorCode.REFERENCE_NOT_WHOLE_DOCUMENT,
            f"expected exactly one Reference, found {len(references)}",
        )
    reference = references[0]
    uri = reference.get("URI")
    if uri != "":
        raise _fail(
            ErrorCode.REFERENCE_NOT_WHOLE_DOCUMENT,
            f'the Reference URI must be "" (the whole document), not {uri!r}',
        )
    transforms = [
        _algorithm(t, "Transform") for t in reference.findall("ds:Transforms/ds:Transform", NSMAP)
    ]
    if SignatureConstructionMethod.enveloped.value not in transforms:
        raise _fail(ErrorCode.UNSUPPORTED_ALGORITHM, "the enveloped-signature transform is missing")
    for transform in transforms:
        if transform not in _ALLOWED_TRANSFORMS:
            raise _fail(ErrorCode.UNSUPPORTED_ALGORITHM, f"transform {transform!r}")
    digest = _algorithm(reference.find("ds:DigestMethod", NSMAP), "DigestMethod")
    if digest not in _DIGEST_URIS:
        raise _fail(ErrorCode.UNSUPPORTED_ALGORITHM, f"digest method {digest!r}")
    return SignatureMethod(method)


def _signer_certificate(signature: etree._Element) -> x509.Certificate:
    element = signature.find("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NSMAP)
    if element is None or not (element.text or "").strip():
        raise _fail(ErrorCode.CERTIFICATE_MISSING, "KeyInfo holds no X509Certificate")
    assert element.text is not None
    try:
        return x509.load_der_x509_certificate(base64.b64decode("".join(element.text.split())))
    except ValueError as exc:
        raise _fail(
            ErrorCode.CERTIFICATE_MISSING, f"the X509Certificate cannot be read: {exc!s:.120}"
        ) from None


def _key_matches(method: SignatureMethod, cert: x509.Certificate) -> bool:
    key = cert.public_key()
    if method is SignatureMethod.ECDSA_SHA256:
        return isinstance(key, ec.EllipticCurvePublicKey)
    return isinstance(key, rsa.RSAPublicKey)


def _as_utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("signing_time must return a timezone-aware datetime")
    return moment.astimezone(dt.UTC)


def _check_validity(cert: x509.Certificate, at: dt.datetime, fp: str, when: str) -> None:
    if at < cert.not_valid_before_utc:
        raise _fail(
            ErrorCode.CERTIFICATE_NOT_YET_VALID_AT_SIGNING,
            f"the certificate is valid from {cert.not_valid_before_utc.isoformat()}, "
            f"after the {when} {at.isoformat()}",
            fp,
        )
    if at > cert.not_valid_after_utc:
        raise _fail(
            ErrorCode.CERTIFICATE_EXPIRED_AT_SIGNING,
            f"the certificate expired at {cert.not_valid_after_utc.isoformat()}, "
            f"before the {when} {at.isoformat()}",
            fp,
        )


def verify(
    data: bytes | etree._Element,
    *,
    trusted: Iterable[x509.Certificate],
    revoked_fingerprints: Collection[str] = frozenset(),
    signing_time: SigningTime | None = None,
) -> VerifiedDocument:
    """Verify the enveloped signature of a document (bytes, or an element the caller parsed
    safely) against the ``trusted`` certificates, and return the signed content.

    ``revoked_fingerprints``: SHA-256 fingerprints (any case, colons allowed) to refuse with
    ``certificate_revoked`` rather than ``untrusted_certificate``; callers should not pass
    revoked certificates in ``trusted`` either. ``signing_time``: reads the signing time from
    the *signed* content (e.g. the permit's IssueDateTime); return None when there is none (a
    ValueError it raises counts the same); it must return an aware datetime.

    Raises :class:`VerificationError` with a :class:`ErrorCode` saying why not.
    """
    source: bytes | etree._Element
    if isinstance(data, bytes | bytearray | memoryview):
        # signxml parses the same bytes again with the same settings (cheaper than handing it
        # our tree, which it would serialize and parse anyway), so both see the same document.
        source = bytes(data)
        root = parse(source)
    elif isinstance(data, etree._Element):
        check_element(data)
        source = root = data
    else:
        raise TypeError("data must be bytes or an lxml element")

    signature = _find_signature(root)
    _check_ids(root)
    method = _check_signed_info(signature)
    claimed = _signer_certificate(signature)
    fp = fingerprint_of(claimed)
    if fp in {normalize_fingerprint(f) for f in revoked_fingerprints}:
        raise _fail(ErrorCode.CERTIFICATE_REVOKED, f"the certificate {fp} is revoked", fp)
    pinned = next((c for c in trusted if fingerprint_of(c) == fp), None)
    if pinned is None:
        raise _fail(
            ErrorCode.UNTRUSTED_CERTIFICATE, f"the certificate {fp} is not a trusted one", fp
        )
    if not _key_matches(method, pinned):
        raise _fail(
            ErrorCode.SIGNATURE_INVALID,
            "the signature method does not fit the certificate's key",
            fp,
        )

    config = SignatureConfiguration(
        require_x509=True,
        location="./",
        expect_references=1,
        signature_methods=SIGNATURE_METHODS,
        digest_algorithms=DIGEST_ALGORITHMS,
        # Validity is checked below at the signing time, read from the signed content; this
        # only keeps signxml's own check (at "now") from deciding it.
        verification_time=pinned.not_valid_before_utc,
    )
    try:
        result = XMLVerifier().verify(
            source, x509_cert=pinned, expect_config=config, parser=thread_parser()
        )
    except InvalidDigest as exc:
        raise _fail(
            ErrorCode.SIGNATURE_INVALID, f"the content was changed after signing ({exc})", fp
        ) from None
    except InvalidCertificate as exc:
        raise _fail(ErrorCode.UNTRUSTED_CERTIFICATE, str(exc), fp) from None
    except InvalidSignature as exc:
        raise _fail(
            ErrorCode.SIGNATURE_INVALID, f"the signature does not verify ({exc})", fp
        ) from None
    except InvalidInput as exc:
        raise _fail(ErrorCode.MALFORMED, f"the signature is not acceptable: {exc}", fp) from None
    except etree.DocumentInvalid as exc:
        raise _fail(
            ErrorCode.MALFORMED, f"ds:Signature does not follow the XMLDSig schema: {exc}", fp
        ) from None
    except (SignXMLException, etree.LxmlError, ValueError, TypeError, KeyError) as exc:
        raise _fail(
            ErrorCode.MALFORMED, f"the signature cannot be processed: {exc!s:.200}", fp
        ) from None
    if isinstance(result, list) or result.signed_xml is None:  # excluded by expect_references=1
        raise _fail(ErrorCode.MALFORMED, "the signed content is not XML", fp)
    signed_root = result.signed_xml

    if signing_time is None:
        _check_validity(pinned, dt.datetime.now(dt.UTC), fp, "current time")
        return VerifiedDocument(signed_root, pinned, fp, None)
    try:
        moment = signing_time(signed_root)
    except ValueError:
        moment = None
    if moment is None:
        raise _fail(ErrorCode.SIGNING_TIME_UNKNOWN, "the signed content gives no signing time", fp)
    moment = _as_utc(moment)
    _check_validity(pinned, moment, fp, "signing time")
    return VerifiedDocument(signed_root, pinned, fp, moment)
