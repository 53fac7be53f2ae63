"""This Party's own signing keys.

Embedded profile: a key store under ``<data_dir>/keys``: ``<fingerprint>.key.pem`` (mode
0600) and ``<fingerprint>.cert.pem`` per key, and ``current`` naming the one that signs. A
rotation adds a key and makes it current; older certificates stay to verify what they
signed. Production: the key and certificate come from PEM files (the key's passphrase from
the environment); certificates in the key store directory still verify older permits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from signing import (
    KeyAlgorithm,
    SigningKey,
    certificate_pem,
    fingerprint,
    generate_key,
    load_certificate,
    self_signed_certificate,
    write_certificate,
    write_private_key,
)

CURRENT = "current"


class KeyStoreError(Exception):
    """No usable signing key (a deployment problem, not bad input)."""


@dataclass(frozen=True)
class OwnKeys:
    """The key that signs now and every own certificate that still verifies."""

    current: SigningKey
    certificates: tuple[x509.Certificate, ...]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.current.certificate)


class KeyStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _key_path(self, fp: str) -> Path:
        return self.directory / f"{fp}.key.pem"

    def _cert_path(self, fp: str) -> Path:
        return self.directory / f"{fp}.cert.pem"

    def current_fingerprint(self) -> str | None:
        marker = self.directory / CURRENT
        return marker.read_text().strip() if marker.exists() else None

    def certificates(self) -> tuple[x509.Certificate, ...]:
        """Every certificate in the store, oldest first."""
        if not self.directory.is_dir():
            return ()
        certs = [
            load_certificate(p.read_bytes()) for p in sorted(self.directory.glob("*.cert.pem"))
        ]
        return tuple(sorted(certs, key=lambda c: c.not_valid_before_utc))

    def generate(
        self,
        *,
        party: str,
        authority_name: str,
        algorithm: KeyAlgorithm = "ecdsa-p256",
        valid_days: int = 730,
    ) -> SigningKey:
        """A new key and self-signed certificate; it becomes the current key."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = generate_key(algorithm)
        certificate = self_signed_certificate(key, authority_name[:64], party, valid_days)
        fp = fingerprint(certificate)
        write_private_key(self._key_path(fp), key)
        write_certificate(self._cert_path(fp), certificate)
        marker = self.directory / f"{CURRENT}.tmp"
        marker.write_text(fp + "\n")
        marker.replace(self.directory / CURRENT)
        return SigningKey(key, (certificate,))

    def load(self) -> OwnKeys:
        fp = self.current_fingerprint()
        if fp is None:
            raise KeyStoreError(f"no signing key in {self.directory}: run `ecites keys generate`")
        try:
            current = SigningKey.from_pem(
                self._key_path(fp).read_bytes(), self._cert_path(fp).read_bytes()
            )
        except (OSError, ValueError) as exc:
            raise KeyStoreError(f"the current signing key {fp} cannot be loaded: {exc}") from exc
        return OwnKeys(current, self.certificates())


def load_configured(
    key_file: Path, cert_file: Path, passphrase: bytes | None, store: KeyStore
) -> OwnKeys:
    """The production key from PEM files, plus the store's certificates for older permits."""
    try:
        current = SigningKey.from_pem(key_file.read_bytes(), cert_file.read_bytes(), passphrase)
    except (OSError, ValueError, TypeError) as exc:
        raise KeyStoreError(f"the signing key {key_file} cannot be loaded: {exc}") from exc
    older = tuple(
        c for c in store.certificates() if fingerprint(c) != fingerprint(current.certificate)
    )
    return OwnKeys(current, (*older, current.certificate))


def published(keys: OwnKeys) -> list[dict[str, object]]:
    """This Party's certificates as peers fetch them: PEM, fingerprint, validity, and
    whether it is the one signing now."""
    return [
        {
            "fingerprint": fingerprint(c),
            "not_before": c.not_valid_before_utc,
            "not_after": c.not_valid_after_utc,
            "current": fingerprint(c) == keys.fingerprint,
            "pem": certificate_pem(c).decode(),
        }
        for c in keys.certificates
    ]
