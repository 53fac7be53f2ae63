"""An envelope's signature verifies with an independent XMLDSig implementation (xmlsec1, as in
tests/signing), and so does the permit taken out of it.

The envelope holds two signatures (the permit's, deeper, and the envelope's at the root), so
xmlsec1 is pointed at the root's with ``--node-xpath``; by default it would take the first in
document order, the permit's, whose ``URI=""`` means the whole envelope there.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import epix
import signing
from tests.epix.conftest import Registry, header

ROOT_SIGNATURE = "/*/*[local-name()='Signature']"


def xmlsec1_verify(document: bytes, cert: bytes, tmp_path: Path, *extra: str) -> int:
    found = shutil.which("xmlsec1")
    if found is None:
        pytest.fail("xmlsec1 is not installed (apt-get install -y xmlsec1)")
    (tmp_path / "signed.xml").write_bytes(document)
    (tmp_path / "cert.pem").write_bytes(cert)
    command = [
        found,
        "--verify",
        "--enabled-reference-uris",
        "empty",
        "--enabled-key-data",
        "key-name",
        "--pubkey-cert-pem",
        "cert.pem",
        *extra,
        "signed.xml",
    ]
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    return result.returncode


def test_envelope_and_extracted_permit_verify_with_xmlsec1(
    tmp_path, schemas, ch_key, signed_permit
) -> None:
    data = epix.build_envelope(header(epix.MessageType.PERMIT_ISSUED), signed_permit, ch_key)
    cert = signing.certificate_pem(ch_key.certificate)
    assert xmlsec1_verify(data, cert, tmp_path, "--node-xpath", ROOT_SIGNATURE) == 0

    registry = Registry({"CH": [ch_key.certificate]})
    envelope = epix.parse_envelope(data, schemas=schemas, trusted_for=registry, own_party="FR")
    assert envelope.permit is not None
    assert xmlsec1_verify(envelope.permit, cert, tmp_path) == 0


def test_tampered_envelope_fails_xmlsec1(tmp_path, ch_key) -> None:
    data = epix.build_envelope(header(epix.MessageType.PERMIT_REQUEST), None, ch_key)
    tampered = data.replace(b"<Recipient>FR<", b"<Recipient>DE<")
    assert tampered != data
    cert = signing.certificate_pem(ch_key.certificate)
    assert xmlsec1_verify(tampered, cert, tmp_path, "--node-xpath", ROOT_SIGNATURE) != 0
