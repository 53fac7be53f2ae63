"""Where this Party's signing key comes from: the key store, or PEM files in production."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.bootstrap import issuing_authority, own_keys
from app.core.config import Settings
from app.trust.keys import KeyStoreError
from signing import (
    fingerprint,
    generate_key,
    private_key_pem,
    self_signed_certificate,
    write_certificate,
)

SECRET = "production-secret-key-0123456789-abcdefgh"


def _pem_files(tmp_path: Path, passphrase: bytes | None) -> tuple[Path, Path, str]:
    key = generate_key("rsa-2048")
    certificate = self_signed_certificate(key, "MA Switzerland", "CH")
    key_file, cert_file = tmp_path / "ma.key.pem", tmp_path / "ma.cert.pem"
    key_file.write_bytes(private_key_pem(key, passphrase))
    write_certificate(cert_file, certificate)
    return key_file, cert_file, fingerprint(certificate)


def test_production_loads_an_encrypted_key_from_pem_files(tmp_path: Path) -> None:
    key_file, cert_file, expected = _pem_files(tmp_path, b"correct horse")
    settings = Settings(
        profile="production",
        secret_key=SECRET,
        data_dir=tmp_path / "data",
        signing_key_file=key_file,
        signing_cert_file=cert_file,
        signing_key_passphrase="correct horse",
    )
    keys = own_keys(settings, issuing_authority(settings))
    assert keys.fingerprint == expected
    assert not (tmp_path / "data" / "keys").exists()  # nothing generated


def test_a_wrong_passphrase_is_a_clear_start_up_error(tmp_path: Path) -> None:
    key_file, cert_file, _ = _pem_files(tmp_path, b"correct horse")
    settings = Settings(
        profile="production",
        secret_key=SECRET,
        data_dir=tmp_path,
        signing_key_file=key_file,
        signing_cert_file=cert_file,
        signing_key_passphrase="wrong",
    )
    with pytest.raises(KeyStoreError, match="cannot be loaded"):
        own_keys(settings, issuing_authority(settings))


def test_production_never_invents_a_key(tmp_path: Path) -> None:
    settings = Settings(profile="production", secret_key=SECRET, data_dir=tmp_path)
    with pytest.raises(KeyStoreError, match="ECITES_SIGNING_KEY_FILE"):
        own_keys(settings, issuing_authority(settings))


def test_embedded_creates_the_key_once(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    first = own_keys(settings, issuing_authority(settings))
    again = own_keys(settings, issuing_authority(settings))
    assert first.fingerprint == again.fingerprint
    [key_file] = (tmp_path / "keys").glob("*.key.pem")
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_key_and_certificate_files_go_together(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="both"):
        Settings(signing_key_file=tmp_path / "k.pem")
