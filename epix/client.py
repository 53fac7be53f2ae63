"""The sending side of EPIX over HTTP: POST one signed envelope, read the signed receipt, and say
what the outbox should do with the message.

* ``DELIVERED``: the peer answered 200 with a receipt it signed, for this message id and these
  exact bytes, ``ACCEPTED``, ``ACCEPTED_WITH_WARNINGS`` or ``DUPLICATE`` (it had it already).
* ``REJECTED``: the peer refused the message for good (a 4xx, with its signed ``REJECTED``
  receipt when it sent one): retrying the same bytes cannot succeed.
* ``RETRY``: anything that may pass later: no connection, a timeout, a 5xx, 408/425/429, or an
  answer whose receipt does not verify (a receipt is proof of delivery, or it is nothing).

Plain HTTP is refused unless the host is a loopback address (development and tests); production
uses HTTPS with mutual TLS (:func:`ssl_context`)."""

from __future__ import annotations

import hashlib
import ipaddress
import ssl
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from cryptography import x509

from epix.messages import Receipt, ReceiptError, ReceiptStatus
from epix.receipt import parse_receipt
from epix.schema import Schemas

MESSAGES_PATH = "/epix/v1/messages"
CONTENT_TYPE = "application/xml"
_RETRYABLE_4XX = frozenset({408, 425, 429})
_DELIVERED = frozenset(
    {ReceiptStatus.ACCEPTED, ReceiptStatus.ACCEPTED_WITH_WARNINGS, ReceiptStatus.DUPLICATE}
)


class Outcome(StrEnum):
    DELIVERED = "delivered"
    REJECTED = "rejected"
    RETRY = "retry"


@dataclass(frozen=True)
class Delivery:
    """What one attempt came to. ``receipt_bytes`` is the peer's signed receipt as received
    (the proof to archive) whenever it verified; ``error`` explains anything but DELIVERED."""

    outcome: Outcome
    http_status: int | None = None
    receipt: Receipt | None = None
    receipt_bytes: bytes | None = None
    error: str | None = None


class EndpointError(ValueError):
    """A peer endpoint this client will not send to (bad URL, plain HTTP off loopback)."""


def is_loopback(host: str) -> bool:
    if host.lower() in {"localhost", "localhost."}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_endpoint(url: str) -> str:
    """The base URL, checked: https anywhere, http only on loopback. Raises EndpointError."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise EndpointError(f"not an http(s) URL: {url!r}")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise EndpointError(
            f"plain HTTP is only allowed on loopback; use https for {parts.hostname}"
        )
    return url.rstrip("/")


def messages_url(base_url: str) -> str:
    return check_endpoint(base_url) + MESSAGES_PATH


def ssl_context(
    *, ca_file: Path | None, cert_file: Path | None = None, key_file: Path | None = None
) -> ssl.SSLContext:
    """The client's TLS: trust ``ca_file`` (the peers' CA bundle; the system store when None)
    and present ``cert_file``/``key_file`` as the client certificate (mutual TLS). Pass the
    context as httpx's ``verify=`` (httpx drops ``cert=`` when ``verify`` is a path)."""
    context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    if cert_file is not None:
        context.load_cert_chain(str(cert_file), str(key_file) if key_file else None)
    return context


def _mismatch(receipt: Receipt, data: bytes, message_id: str | None) -> str | None:
    """Why a verified receipt does not answer this message, or None."""
    if message_id is not None and str(receipt.message_id) != message_id:
        return f"the receipt is for message {receipt.message_id}, not {message_id}"
    if receipt.sha256 != hashlib.sha256(data).hexdigest():
        return "the peer received other bytes than were sent (altered in transit)"
    return None


def send(
    client: httpx.Client,
    base_url: str,
    data: bytes,
    *,
    schemas: Schemas,
    trusted: Iterable[x509.Certificate],
    revoked: Collection[str] = frozenset(),
    message_id: str | None = None,
    timeout: float | None = None,
) -> Delivery:
    """POST ``data`` (a signed envelope) to the peer at ``base_url`` and classify the answer.
    ``trusted``/``revoked``: the peer's certificates, which its receipts must verify with.
    Never raises for network or peer problems; EndpointError for a URL it refuses."""
    url = messages_url(base_url)
    try:
        response = client.post(
            url,
            content=data,
            headers={"Content-Type": CONTENT_TYPE, "Accept": CONTENT_TYPE},
            timeout=timeout if timeout is not None else client.timeout,
        )
    except httpx.TimeoutException as exc:
        return Delivery(Outcome.RETRY, error=f"timeout: {type(exc).__name__}")
    except httpx.HTTPError as exc:
        return Delivery(Outcome.RETRY, error=f"{type(exc).__name__}: {exc}"[:500])
    status = response.status_code
    if status >= 500 or status in _RETRYABLE_4XX:
        return Delivery(Outcome.RETRY, http_status=status, error=f"HTTP {status}")
    body = response.content
    try:
        receipt = parse_receipt(
            body, schemas=schemas, trusted=list(trusted), revoked_fingerprints=revoked
        )
    except ReceiptError as exc:
        if 400 <= status < 500:  # refused, without a receipt we can trust
            return Delivery(
                Outcome.REJECTED, http_status=status, error=f"HTTP {status}: {exc.message}"
            )
        return Delivery(
            Outcome.RETRY, http_status=status, error=f"unverifiable receipt: {exc.message}"
        )
    mismatch = _mismatch(receipt, data, message_id)
    if status == 200 and receipt.status in _DELIVERED:
        if mismatch is None:
            return Delivery(Outcome.DELIVERED, status, receipt, body)
        return Delivery(Outcome.RETRY, status, error=f"unusable receipt: {mismatch}")
    problems = "; ".join(f"{p.code.value}: {p.message}" for p in receipt.errors)
    error = f"{receipt.status.value} (HTTP {status}): {problems or 'no reason given'}"
    return Delivery(
        Outcome.REJECTED,
        status,
        receipt,
        body,
        error=error if mismatch is None else f"{error} ({mismatch})",
    )


def post(client: httpx.Client, url: str, data: bytes, *, timeout: float | None = None) -> Delivery:
    """POST ``data`` to a plain webhook (a customs system): any 2xx is delivery (its body is
    kept as the receipt), 4xx but 408/425/429 a permanent refusal, anything else a retry."""
    target = check_endpoint(url)
    try:
        response = client.post(
            target,
            content=data,
            headers={"Content-Type": CONTENT_TYPE},
            timeout=timeout if timeout is not None else client.timeout,
        )
    except httpx.TimeoutException as exc:
        return Delivery(Outcome.RETRY, error=f"timeout: {type(exc).__name__}")
    except httpx.HTTPError as exc:
        return Delivery(Outcome.RETRY, error=f"{type(exc).__name__}: {exc}"[:500])
    status = response.status_code
    if 200 <= status < 300:
        return Delivery(Outcome.DELIVERED, http_status=status, receipt_bytes=response.content)
    if 400 <= status < 500 and status not in _RETRYABLE_4XX:
        return Delivery(
            Outcome.REJECTED, http_status=status, error=f"HTTP {status}: {response.text[:300]}"
        )
    return Delivery(Outcome.RETRY, http_status=status, error=f"HTTP {status}")
