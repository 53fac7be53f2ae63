"""Shared verification step: run :func:`signing.verify` and map its codes to EPIX codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable

from cryptography import x509
from lxml import etree

import signing
from epix.messages import EnvelopeError, ErrorCode

_CERTIFICATE_CODES = frozenset(
    {
        signing.ErrorCode.UNTRUSTED_CERTIFICATE,
        signing.ErrorCode.CERTIFICATE_REVOKED,
        signing.ErrorCode.CERTIFICATE_EXPIRED_AT_SIGNING,
        signing.ErrorCode.CERTIFICATE_NOT_YET_VALID_AT_SIGNING,
    }
)


def verify(
    root: etree._Element,
    *,
    trusted: Iterable[x509.Certificate],
    revoked: Collection[str],
    signing_time: Callable[[etree._Element], dt.datetime | None],
    error: type[EnvelopeError],
) -> signing.VerifiedDocument:
    """Certificate problems (not pinned, revoked, not valid at the signing time) are
    ``UNTRUSTED_CERTIFICATE``; every other failure is ``SIGNATURE_INVALID``."""
    try:
        return signing.verify(
            root, trusted=trusted, revoked_fingerprints=revoked, signing_time=signing_time
        )
    except signing.VerificationError as exc:
        code = (
            ErrorCode.UNTRUSTED_CERTIFICATE
            if exc.code in _CERTIFICATE_CODES
            else ErrorCode.SIGNATURE_INVALID
        )
        raise error(code, f"{exc.code.value}: {exc.message}") from None
