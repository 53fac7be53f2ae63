"""Keys, schemas and a signed permit for the EPIX tests (made once per session)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography import x509
from lxml import etree

import epix
import signing

SAMPLE = Path(__file__).parent.parent / "samples" / "ours-export-3-lines.xml"
NOT_BEFORE = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
PERMIT_NUMBER = "26CH000123"
CREATED = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)


def make_key(name: str, country: str) -> signing.SigningKey:
    private_key = signing.generate_key()
    cert = signing.self_signed_certificate(
        private_key, name, country, valid_days=20 * 365, not_before=NOT_BEFORE
    )
    return signing.SigningKey(private_key, (cert,))


@dataclass
class Registry:
    """A trust registry double: Party code -> certificates and revoked fingerprints."""

    certificates: dict[str, list[x509.Certificate]] = field(default_factory=dict)
    revoked: dict[str, set[str]] = field(default_factory=dict)

    def __call__(self, party: str) -> tuple[Sequence[x509.Certificate], Collection[str]]:
        return self.certificates.get(party, []), self.revoked.get(party, set())


@pytest.fixture(scope="session")
def ch_key() -> signing.SigningKey:
    return make_key("MA CH", "CH")


@pytest.fixture(scope="session")
def fr_key() -> signing.SigningKey:
    return make_key("MA FR", "FR")


@pytest.fixture(scope="session")
def schemas() -> epix.Schemas:
    return epix.load_schemas(epix.default_schema_dir())


@pytest.fixture(scope="session")
def signed_permit(ch_key: signing.SigningKey) -> bytes:
    return signing.sign_bytes(etree.fromstring(SAMPLE.read_bytes()), ch_key)


@pytest.fixture
def registry(ch_key: signing.SigningKey, fr_key: signing.SigningKey) -> Registry:
    return Registry({"CH": [ch_key.certificate], "FR": [fr_key.certificate]})


def header(kind: epix.MessageType, **changes: object) -> epix.EnvelopeHeader:
    values: dict[str, object] = {
        "message_id": uuid.uuid4(),
        "sender": "CH",
        "recipient": "FR",
        "message_type": kind,
        "created_at": CREATED,
        "permit_number": PERMIT_NUMBER,
    }
    values.update(changes)
    return epix.EnvelopeHeader(**values)  # type: ignore[arg-type]
