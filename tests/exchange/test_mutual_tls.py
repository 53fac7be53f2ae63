"""EPIX over HTTPS with mutual TLS, between two real services: the TLS settings are used for
serving and for sending, a client without a certificate of the peers' CA is refused at the
handshake, and plain HTTP is refused off loopback."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from app.cli.parties import LocalParty, delivered, issue_export_permit, wait_for
from epix import EndpointError, check_endpoint

SENDER = {"relay_interval_seconds": "0.2", "retry_base_seconds": "0.3"}


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write(path: Path, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate) -> None:
    path.with_suffix(".key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.with_suffix(".pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _issue(
    ca_key: ec.EllipticCurvePrivateKey, ca: x509.Certificate, common_name: str, out: Path
) -> None:
    """A TLS certificate for a Party's service: 127.0.0.1, server and client use."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write(out, key, cert)


@pytest.fixture
def pki(tmp_path: Path) -> Path:
    """A throwaway CA (the peers' CA bundle) and one TLS certificate per Party."""
    directory = tmp_path / "pki"
    directory.mkdir()
    ca_key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("EPIX test CA"))
        .issuer_name(_name("EPIX test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write(directory / "ca", ca_key, ca)
    for party in ("ch", "fr"):
        _issue(ca_key, ca, f"eCITES {party.upper()}", directory / party)
    return directory


def _tls(pki: Path, party: str) -> dict[str, str]:
    return {
        "tls_cert_file": str(pki / f"{party}.pem"),
        "tls_key_file": str(pki / f"{party}.key"),
        "tls_ca_file": str(pki / "ca.pem"),
    }


@pytest.fixture
def parties(tmp_path: Path, pki: Path) -> Iterator[tuple[LocalParty, LocalParty]]:
    ch = LocalParty("CH", tmp_path / "CH", options=SENDER | _tls(pki, "ch"))
    fr = LocalParty("FR", tmp_path / "FR", options=_tls(pki, "fr"))
    for party in (ch, fr):
        party.prepare()
    ch.trust(fr)
    fr.trust(ch)
    try:
        yield ch, fr
    finally:
        ch.kill()
        fr.kill()


def test_a_permit_is_pushed_over_mutual_tls(
    parties: tuple[LocalParty, LocalParty], pki: Path
) -> None:
    ch, fr = parties
    fr.start()
    ch.start()
    assert fr.base_url.startswith("https://")
    number = issue_export_permit(ch, "FR")["number"]
    [message] = wait_for("delivered over mTLS", lambda: delivered(ch, number))
    assert message["attempts"] == 1
    listed = fr.call("GET", "/api/v1/foreign-permits").json()["items"]
    assert [p["number"] for p in listed] == [number]

    # the server checks the certificate; without one of the peers' CA, no TLS at all
    no_client_cert = ssl.create_default_context(cafile=str(pki / "ca.pem"))
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{fr.base_url}/epix/v1/status", verify=no_client_cert, timeout=5).read()
    # and a client that does not know the peers' CA does not trust the server
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{fr.base_url}/epix/v1/status", timeout=5)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8000/", True),
        ("http://[::1]:8000", True),
        ("https://epix.example.org", True),
        ("http://epix.example.org", False),
        ("http://10.0.0.5:8000", False),
        ("ftp://127.0.0.1", False),
        ("not a url", False),
    ],
)
def test_plain_http_only_on_loopback(url: str, allowed: bool) -> None:
    if allowed:
        assert check_endpoint(url) == url.rstrip("/")
    else:
        with pytest.raises(EndpointError):
            check_endpoint(url)
