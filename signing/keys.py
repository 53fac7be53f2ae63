"""Keys and certificates: generate, self-sign, load, dump, fingerprint, and write a private key
to disk with mode 0600.

Two key types are supported: ECDSA on P-256 (the default) and RSA with at least 2048 bits.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from pathlib import Path
from typing import Literal, TypeAlias

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

PrivateKey: TypeAlias = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
KeyAlgorithm: TypeAlias = Literal["ecdsa-p256", "rsa-2048"]

_COUNTRY = re.compile(r"[A-Z]{2}")
_HEX = re.compile(r"[0-9a-f]{64}")


def generate_key(algorithm: KeyAlgorithm = "ecdsa-p256") -> PrivateKey:
    """A new private key: ECDSA P-256 (default) or RSA-2048 (public exponent 65537)."""
    if algorithm == "ecdsa-p256":
        return ec.generate_private_key(ec.SECP256R1())
    if algorithm == "rsa-2048":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    raise ValueError(f"unknown key algorithm {algorithm!r}; use 'ecdsa-p256' or 'rsa-2048'")


def check_key(key: object) -> PrivateKey:
    """Return ``key`` when it is a supported private key, else raise ValueError."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise ValueError(f"ECDSA keys must be on P-256, not {key.curve.name}")
        return key
    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < 2048:
            raise ValueError(f"RSA keys must have at least 2048 bits, not {key.key_size}")
        return key
    raise ValueError(f"unsupported key type {type(key).__name__}; use ECDSA P-256 or RSA")


def self_signed_certificate(
    key: PrivateKey,
    common_name: str,
    country: str,
    valid_days: int = 730,
    not_before: dt.datetime | None = None,
) -> x509.Certificate:
    """A self-signed end-entity certificate for ``key`` (subject = issuer = CN, C), valid
    ``valid_days`` days from ``not_before`` (an aware datetime; default: now, to the second).
    Key usage: digital signature and non-repudiation; signature hash SHA-256."""
    check_key(key)
    if not common_name.strip():
        raise ValueError("common_name must not be empty")
    if not _COUNTRY.fullmatch(country):
        raise ValueError(f"country must be a two-letter upper-case code, not {country!r}")
    if valid_days < 1:
        raise ValueError("valid_days must be at least 1")
    if not_before is None:
        not_before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    elif not_before.tzinfo is None:
        raise ValueError("not_before must be timezone-aware")
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.COUNTRY_NAME, country),
        ]
    )
    public_key = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + dt.timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    return builder.sign(key, hashes.SHA256())


def load_private_key(pem: bytes, passphrase: bytes | None = None) -> PrivateKey:
    """Load a PEM private key (PKCS#8 or traditional, encrypted when ``passphrase`` is given).
    Raises ValueError for a wrong passphrase, bad data or an unsupported key type, and
    TypeError when a passphrase is given for an unencrypted key or missing for an encrypted one.
    """
    return check_key(serialization.load_pem_private_key(pem, password=passphrase))


def load_certificate(pem: bytes) -> x509.Certificate:
    """Load one PEM certificate (the first when there are several)."""
    return x509.load_pem_x509_certificate(pem)


def load_certificates(pem: bytes) -> tuple[x509.Certificate, ...]:
    """Load every PEM certificate in ``pem`` (a chain: signer first)."""
    return tuple(x509.load_pem_x509_certificates(pem))


def fingerprint(cert: x509.Certificate) -> str:
    """The certificate's SHA-256 fingerprint: 64 lower-case hex digits, no separators."""
    return cert.fingerprint(hashes.SHA256()).hex()


def normalize_fingerprint(value: str) -> str:
    """``AB:CD:...`` or ``abcd...`` to the form :func:`fingerprint` returns; ValueError when it
    is not a SHA-256 fingerprint."""
    normal = value.replace(":", "").replace(" ", "").lower()
    if not _HEX.fullmatch(normal):
        raise ValueError(f"not a SHA-256 fingerprint: {value!r}")
    return normal


def private_key_pem(key: PrivateKey, passphrase: bytes | None = None) -> bytes:
    """PKCS#8 PEM, encrypted with the best available scheme when ``passphrase`` is given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def certificate_pem(cert: x509.Certificate) -> bytes:
    """The certificate in PEM."""
    return cert.public_bytes(serialization.Encoding.PEM)


def _write_new_file(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` to a new file ``path`` created with ``mode``: a temporary file in the same
    directory is created with O_EXCL and that mode (never wider, whatever the umask), filled
    and synced, then hard-linked into place, which fails if ``path`` exists. Readers never see
    a partial file, and an existing file is never replaced (FileExistsError)."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    try:
        try:
            os.fchmod(fd, mode)  # a restrictive umask may have narrowed it; never widened
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def write_private_key(
    path: str | os.PathLike[str], key: PrivateKey, passphrase: bytes | None = None
) -> None:
    """Write ``key`` as PEM to a new file with mode 0600 (FileExistsError if it exists)."""
    _write_new_file(Path(path), private_key_pem(key, passphrase), 0o600)


def write_certificate(path: str | os.PathLike[str], cert: x509.Certificate) -> None:
    """Write ``cert`` as PEM to a new file with mode 0644 (FileExistsError if it exists)."""
    _write_new_file(Path(path), certificate_pem(cert), 0o644)
