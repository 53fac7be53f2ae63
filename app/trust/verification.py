"""Is this signed permit authentic? Verified against the signer this service trusts for the
Party the permit names: its own keys for its own permits, the trust registry for peers'."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography import x509
from lxml import etree

from app.xml.document import PermitDocument
from app.xml.parser import MAX_BYTES, parse_xml
from app.xml.reader import read_permit
from signing import VerificationError, verify

RegistryLookup = Callable[[str], tuple[list[x509.Certificate], frozenset[str]]]


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass(frozen=True)
class PermitVerification:
    authentic: bool
    party: str | None = None
    fingerprint: str | None = None
    number: str | None = None
    signed_at: datetime | None = None
    reasons: list[Reason] = field(default_factory=list)
    document: PermitDocument | None = field(default=None, compare=False, repr=False)
    """The permit read from its signed content (when authentic): no need to read it again."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "authentic": self.authentic,
            "party": self.party,
            "fingerprint": self.fingerprint,
            "number": self.number,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "reasons": [{"code": r.code, "message": r.message} for r in self.reasons],
        }


def _not_authentic(code: str, message: str, party: str | None = None) -> PermitVerification:
    return PermitVerification(False, party=party, reasons=[Reason(code, message)])


def issue_time(signed_root: etree._Element) -> datetime | None:
    """The signing time: the permit's issue date and time, read from the signed content."""
    document = read_permit(signed_root).document
    return document.issued_at if document else None


def verify_permit(
    data: bytes,
    *,
    own_party: str,
    own_certificates: Sequence[x509.Certificate],
    registry: RegistryLookup,
    certificates: Sequence[x509.Certificate] | None = None,
    max_bytes: int = MAX_BYTES,
    issuer: str | None = None,
) -> PermitVerification:
    """Verify a signed ``CITESEPermit``. ``certificates``, when given, replace the registry
    (an offline check against a certificate someone handed over). ``issuer``, when the caller
    knows which Party must have issued it (the sender of an EPIX message), selects the signer
    to expect without reading the unsigned document; the result's ``party`` is still read from
    the signed content, for the caller to compare. Never raises on content."""
    parsed = parse_xml(data, max_bytes=max_bytes)
    if parsed.root is None:
        first = parsed.problems[0]
        return _not_authentic(first.code, first.message)
    party = issuer
    if party is None:
        # Which Party's signer to expect is taken from the document as claimed; nothing else
        # is read from it before the signature is verified.
        claimed = read_permit(parsed.root).document
        party = claimed.issuing_country if claimed else None
    revoked: frozenset[str] = frozenset()
    if certificates is not None:
        trusted = list(certificates)
    elif party is None:
        return _not_authentic("unknown_signer", "the permit does not name its issuing Party")
    elif party == own_party:
        trusted = list(own_certificates)
    else:
        trusted, revoked = registry(party)
        if not trusted and not revoked:
            return _not_authentic(
                "unknown_sender", f"no certificate is trusted for Party {party}", party
            )
    signed: list[PermitDocument | None] = []

    def signing_time(signed_root: etree._Element) -> datetime | None:
        # the signed content is read once: for the signing time here, for the result below
        signed.append(read_permit(signed_root).document)
        return signed[0].issued_at if signed[0] else None

    try:
        verified = verify(
            parsed.root, trusted=trusted, revoked_fingerprints=revoked, signing_time=signing_time
        )
    except VerificationError as exc:
        return _not_authentic(exc.code.value, exc.message, party)
    document = signed[0] if signed else read_permit(verified.signed_root).document
    return PermitVerification(
        True,
        party=document.issuing_country if document else None,
        fingerprint=verified.fingerprint,
        number=document.number if document else None,
        signed_at=verified.signing_time,
        document=document,
    )
