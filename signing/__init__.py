"""XMLDSig signing and verification of whole XML documents (eCITES permits, EPIX envelopes).

Enveloped signature over the whole document (Reference URI ``""``), exclusive c14n, SHA-256,
ECDSA P-256 by default or RSA-2048, the signer's certificate in ``KeyInfo``; verification
pinned to the caller's trusted certificates. Built on signxml (lxml + cryptography). A library:
it reads no environment and knows nothing of the service.

    key = SigningKey(generate_key(), ...)            # or SigningKey.from_pem(key_pem, cert_pem)
    signed = sign(permit_root, key)
    doc = verify(data, trusted=[cert], signing_time=issue_time)   # VerifiedDocument
    doc.signed_root                                  # read business data from here only

Failures raise :class:`VerificationError` with an :class:`ErrorCode`.
"""

from signing._xml import has_doctype, safe_parser, thread_parser
from signing.errors import ErrorCode, VerificationError
from signing.keys import (
    KeyAlgorithm,
    PrivateKey,
    certificate_pem,
    fingerprint,
    generate_key,
    load_certificate,
    load_certificates,
    load_private_key,
    normalize_fingerprint,
    private_key_pem,
    self_signed_certificate,
    write_certificate,
    write_private_key,
)
from signing.signer import SigningKey, sign, sign_bytes
from signing.verifier import SigningTime, VerifiedDocument, verify

__all__ = [
    "ErrorCode",
    "KeyAlgorithm",
    "PrivateKey",
    "SigningKey",
    "SigningTime",
    "VerificationError",
    "VerifiedDocument",
    "certificate_pem",
    "fingerprint",
    "generate_key",
    "has_doctype",
    "load_certificate",
    "load_certificates",
    "load_private_key",
    "normalize_fingerprint",
    "private_key_pem",
    "safe_parser",
    "self_signed_certificate",
    "sign",
    "sign_bytes",
    "thread_parser",
    "verify",
    "write_certificate",
    "write_private_key",
]
