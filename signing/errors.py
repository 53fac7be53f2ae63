"""The typed verification error and its closed set of codes."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Why a document did not verify. The set is closed: callers may map every member."""

    MALFORMED = "malformed"
    """Not well-formed XML, or a ``ds:Signature`` that does not follow the XMLDSig schema."""
    DOCTYPE_FORBIDDEN = "doctype_forbidden"
    """A DOCTYPE (and so any entity declaration, internal or external) is present."""
    NO_SIGNATURE = "no_signature"
    """The document carries no ``ds:Signature`` at all."""
    SIGNATURE_NOT_AT_ROOT = "signature_not_at_root"
    """The signature is not the last child of the root, or there is more than one there."""
    DUPLICATE_ID = "duplicate_id"
    """Two ``Id`` / ``ID`` / ``id`` / ``xml:id`` attributes share a value."""
    REFERENCE_NOT_WHOLE_DOCUMENT = "reference_not_whole_document"
    """The signature has other than exactly one ``Reference``, or its ``URI`` is not ``""``."""
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm"
    """A signature method, digest, canonicalization or transform outside the accepted set."""
    CERTIFICATE_MISSING = "certificate_missing"
    """``KeyInfo`` holds no ``X509Data/X509Certificate``, or one that cannot be read."""
    CERTIFICATE_REVOKED = "certificate_revoked"
    """The signer's certificate is in the caller's revoked set."""
    UNTRUSTED_CERTIFICATE = "untrusted_certificate"
    """The signer's certificate is not one of the trusted (pinned) certificates."""
    SIGNATURE_INVALID = "signature_invalid"
    """Digest or signature value mismatch: the document was changed after signing, or the
    signature was not made with the key of the certificate it names."""
    SIGNING_TIME_UNKNOWN = "signing_time_unknown"
    """The caller's ``signing_time`` function found no usable time in the signed content."""
    CERTIFICATE_EXPIRED_AT_SIGNING = "certificate_expired_at_signing"
    """The certificate's validity had ended at the signing time."""
    CERTIFICATE_NOT_YET_VALID_AT_SIGNING = "certificate_not_yet_valid_at_signing"
    """The certificate's validity had not begun at the signing time."""


class VerificationError(Exception):
    """A document did not verify. ``code`` says why (stable, for programs); ``message`` says
    it for people. ``fingerprint`` is the signer certificate's SHA-256 fingerprint when it was
    read before the failure (for audit records), else None."""

    def __init__(self, code: ErrorCode, message: str, *, fingerprint: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.fingerprint = fingerprint

    def __repr__(self) -> str:
        return f"VerificationError({self.code.value!r}, {self.message!r})"
