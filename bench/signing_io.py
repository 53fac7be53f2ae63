"""Signing on one core, for a 3-line permit: sign (enveloped XMLDSig, exclusive c14n,
SHA-256, ECDSA P-256 and RSA-2048) and verify (pinned certificate, signing time read from
the signed content). Targets: 3,000 signed and 2,000 verified per second.

The document is built once; signing is timed from the tree to the signed bytes, verifying
from the bytes to the verified, re-read signed content, as the service does both."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from app.trust.verification import issue_time
from app.xml.reader import read_permit_bytes
from app.xml.writer import to_xml
from bench.report import progress
from bench.xml_io import OURS, ROUNDS, _per_second
from signing import KeyAlgorithm, SigningKey, generate_key, self_signed_certificate, sign_bytes
from signing import verify as verify_signature

SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "samples"
VALID_FROM = datetime(2020, 1, 1, tzinfo=UTC)  # before the sample permit's issue date
SIGN_TARGET = 3_000.0
VERIFY_TARGET = 2_000.0
ALGORITHMS: tuple[KeyAlgorithm, ...] = ("ecdsa-p256", "rsa-2048")


def run(*, count: int) -> dict[str, Any]:
    document = read_permit_bytes((SAMPLES / OURS).read_bytes()).document
    if document is None:
        raise RuntimeError(f"sample {OURS} did not read")
    root = to_xml(document)
    figures: dict[str, Any] = {}
    verified_ok = True
    for algorithm in ALGORITHMS:
        key = generate_key(algorithm)
        certificate = self_signed_certificate(
            key, "Bench MA", "CH", valid_days=3650, not_before=VALID_FROM
        )
        signing_key = SigningKey(key, (certificate,))
        signed = sign_bytes(root, signing_key)
        trusted = [signing_key.certificate]

        def sign_once(key: SigningKey = signing_key) -> bytes:
            return sign_bytes(root, key)

        def verify_once(data: bytes = signed, certs: list[Any] = trusted) -> object:
            return verify_signature(data, trusted=certs, signing_time=issue_time)

        progress(f"[signing] {algorithm}: sign, {ROUNDS} rounds of {count:,}")
        sign_rate = _per_second(sign_once, count)
        progress(f"[signing] {algorithm}: verify, {ROUNDS} rounds of {count:,}")
        verify_rate = _per_second(verify_once, count)
        result = verify_once()
        verified_ok = verified_ok and etree.iselement(getattr(result, "signed_root", None))
        figures[algorithm] = {
            "sign_per_second": round(sign_rate, 1),
            "verify_per_second": round(verify_rate, 1),
            "sign_ratio_to_target": round(sign_rate / SIGN_TARGET, 2),
            "verify_ratio_to_target": round(verify_rate / VERIFY_TARGET, 2),
            "signed_bytes": len(signed),
        }
    return {
        "benchmark": "signing",
        "backend": "-",
        "document": {"sample": OURS, "lines": len(document.lines)},
        "algorithms": figures,
        "checks": {"verified": verified_ok},
    }
