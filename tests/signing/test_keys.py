"""Keys and certificates: generation, self-signed certificates, PEM, fingerprints, key files."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from signing import (
    SigningKey,
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


def test_generate_ecdsa_p256_by_default() -> None:
    key = generate_key()
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert isinstance(key.curve, ec.SECP256R1)


def test_generate_rsa_2048() -> None:
    key = generate_key("rsa-2048")
    assert isinstance(key, rsa.RSAPrivateKey)
    assert key.key_size == 2048


def test_generate_refuses_an_unknown_algorithm() -> None:
    with pytest.raises(ValueError, match="unknown key algorithm"):
        generate_key("dsa-1024")  # type: ignore[arg-type]


def test_self_signed_certificate() -> None:
    key = generate_key()
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    cert = self_signed_certificate(key, "CITES MA of Switzerland", "CH", 365, start)
    assert cert.subject == cert.issuer
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        "CITES MA of Switzerland"
    )
    assert cert.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "CH"
    assert cert.not_valid_before_utc == start
    assert cert.not_valid_after_utc == start + dt.timedelta(days=365)
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.content_commitment
    assert not usage.key_cert_sign
    cert.verify_directly_issued_by(cert)


def test_self_signed_certificate_starts_now_by_default() -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    cert = self_signed_certificate(generate_key(), "MA", "CH")
    assert before <= cert.not_valid_before_utc <= dt.datetime.now(dt.UTC)
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == dt.timedelta(days=730)


@pytest.mark.parametrize(
    ("common_name", "country", "valid_days", "not_before", "message"),
    [
        ("MA", "ch", 1, None, "country"),
        ("MA", "CHE", 1, None, "country"),
        (" ", "CH", 1, None, "common_name"),
        ("MA", "CH", 0, None, "valid_days"),
        ("MA", "CH", 1, dt.datetime(2026, 1, 1), "timezone"),
    ],
)
def test_self_signed_certificate_checks_its_arguments(
    common_name: str, country: str, valid_days: int, not_before: dt.datetime | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        self_signed_certificate(generate_key(), common_name, country, valid_days, not_before)


@pytest.mark.parametrize("passphrase", [None, b"correct horse"])
def test_private_key_pem_round_trip(passphrase: bytes | None) -> None:
    key = generate_key()
    pem = private_key_pem(key, passphrase)
    assert (b"ENCRYPTED" in pem) == (passphrase is not None)
    loaded = load_private_key(pem, passphrase)
    assert loaded.private_numbers() == key.private_numbers()


def test_load_private_key_with_a_wrong_passphrase() -> None:
    pem = private_key_pem(generate_key(), b"right")
    with pytest.raises(ValueError):  # noqa: PT011 (cryptography's message varies)
        load_private_key(pem, b"wrong")


def test_load_private_key_refuses_other_key_types() -> None:
    pem = private_key_pem(ed25519.Ed25519PrivateKey.generate())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unsupported key type"):
        load_private_key(pem)


def test_load_private_key_refuses_other_curves_and_small_rsa() -> None:
    with pytest.raises(ValueError, match="P-256"):
        load_private_key(private_key_pem(ec.generate_private_key(ec.SECP384R1())))
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 (refused below)
    with pytest.raises(ValueError, match="2048"):
        load_private_key(private_key_pem(small))


def test_certificate_pem_round_trip_and_chains() -> None:
    first = self_signed_certificate(generate_key(), "A", "CH")
    second = self_signed_certificate(generate_key(), "B", "FR")
    assert load_certificate(certificate_pem(first)) == first
    assert load_certificates(certificate_pem(first) + certificate_pem(second)) == (first, second)


def test_fingerprint_is_lower_case_sha256_hex() -> None:
    cert = self_signed_certificate(generate_key(), "MA", "CH")
    value = fingerprint(cert)
    assert len(value) == 64
    assert value == value.lower()
    assert bytes.fromhex(value) == cert.fingerprint(hashes.SHA256())
    colons = ":".join(value[i : i + 2] for i in range(0, 64, 2)).upper()
    assert normalize_fingerprint(colons) == value
    with pytest.raises(ValueError, match="fingerprint"):
        normalize_fingerprint("abc")


def test_write_private_key_creates_a_0600_file(tmp_path: Path) -> None:
    key = generate_key()
    path = tmp_path / "signing.key"
    old = os.umask(0)  # even with a permissive umask
    try:
        write_private_key(path, key, b"secret")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_private_key(path.read_bytes(), b"secret").private_numbers() == key.private_numbers()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["signing.key"]  # no temporary left


def test_write_private_key_never_replaces_a_file(tmp_path: Path) -> None:
    path = tmp_path / "signing.key"
    path.write_bytes(b"existing")
    with pytest.raises(FileExistsError):
        write_private_key(path, generate_key())
    assert path.read_bytes() == b"existing"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["signing.key"]


def test_write_private_key_does_not_follow_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    (tmp_path / "signing.key").symlink_to(target)
    with pytest.raises(FileExistsError):
        write_private_key(tmp_path / "signing.key", generate_key())
    assert not target.exists()


def test_write_certificate(tmp_path: Path) -> None:
    cert = self_signed_certificate(generate_key(), "MA", "CH")
    path = tmp_path / "signing.crt"
    write_certificate(path, cert)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert load_certificate(path.read_bytes()) == cert


def test_signing_key_checks_the_certificate_matches() -> None:
    key = generate_key()
    other = self_signed_certificate(generate_key(), "MA", "CH")
    with pytest.raises(ValueError, match="does not certify"):
        SigningKey(key, (other,))
    with pytest.raises(ValueError, match="needs its certificate"):
        SigningKey(key, ())


def test_signing_key_from_pem_and_chain_as_list() -> None:
    key = generate_key("rsa-2048")
    cert = self_signed_certificate(key, "MA", "CH")
    loaded = SigningKey.from_pem(private_key_pem(key, b"pw"), certificate_pem(cert), b"pw")
    assert loaded.certificate == cert
    as_list = SigningKey(key, [cert])  # type: ignore[arg-type]
    assert as_list.certificates == (cert,)
