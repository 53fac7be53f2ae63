"""A signed permit verifies with an independent, standards-conforming XMLDSig implementation:
xmlsec1 (libxmlsec1 on OpenSSL; Debian package ``xmlsec1``), neither our code nor signxml.

Two ways, both with references restricted to the whole document (``--enabled-reference-uris
empty``):

- pinned key: ``--pubkey-cert-pem cert.pem`` with ``--enabled-key-data key-name``, so the key
  comes only from the certificate given on the command line, never from the document;
- trusted certificate: ``--trusted-pem cert.pem``, so xmlsec1 takes the certificate from
  ``KeyInfo/X509Data`` and checks it against the trusted one (chain and validity now).

If xmlsec1 is missing the tests fail (CI installs it): they must not pass silently.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from signing import SigningKey, certificate_pem, sign_bytes
from tests.signing.helpers import sample_root

XMLSEC1 = "xmlsec1"


def xmlsec1() -> str:
    found = shutil.which(XMLSEC1)
    if found is None:
        pytest.fail(
            "xmlsec1 is not installed: the independent XMLDSig check needs it "
            "(apt-get install -y xmlsec1)"
        )
    return found


def run_xmlsec1(
    document: bytes, cert: bytes, mode: str, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "signed.xml").write_bytes(document)
    (tmp_path / "cert.pem").write_bytes(cert)
    key_options = (
        ["--enabled-key-data", "key-name", "--pubkey-cert-pem", "cert.pem"]
        if mode == "pinned-key"
        else ["--trusted-pem", "cert.pem"]
    )
    command = [
        xmlsec1(),
        "--verify",
        "--enabled-reference-uris",
        "empty",
        *key_options,
        "signed.xml",
    ]
    return subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )


MODES = ["pinned-key", "trusted-certificate"]


@pytest.mark.parametrize("mode", MODES)
def test_xmlsec1_verifies_a_signed_permit(key: SigningKey, mode: str, tmp_path: Path) -> None:
    result = run_xmlsec1(
        sign_bytes(sample_root(), key), certificate_pem(key.certificate), mode, tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0] == "OK", result.stderr


@pytest.mark.parametrize("mode", MODES)
def test_xmlsec1_rejects_a_tampered_permit(key: SigningKey, mode: str, tmp_path: Path) -> None:
    signed = sign_bytes(sample_root(), key)
    tampered = signed.replace(b'unitCode="NAR">10<', b'unitCode="NAR">100<', 1)
    assert tampered != signed
    result = run_xmlsec1(tampered, certificate_pem(key.certificate), mode, tmp_path)
    assert result.returncode != 0
    assert "FAIL" in result.stderr


@pytest.mark.parametrize("mode", MODES)
def test_xmlsec1_rejects_another_key(
    key: SigningKey, other_key: SigningKey, mode: str, tmp_path: Path
) -> None:
    signed = sign_bytes(sample_root(), key)
    result = run_xmlsec1(signed, certificate_pem(other_key.certificate), mode, tmp_path)
    assert result.returncode != 0
