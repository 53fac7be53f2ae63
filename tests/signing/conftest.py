"""Keys for the signing tests, made once per session (RSA generation is slow)."""

from __future__ import annotations

import datetime as dt

import pytest

from signing import SigningKey, generate_key, self_signed_certificate

# Valid from before the sample's IssueDateTime (2026-11-24) until well after today.
NOT_BEFORE = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
VALID_DAYS = 20 * 365


def make_key(
    algorithm: str = "ecdsa-p256",
    *,
    name: str = "CITES Management Authority of Switzerland",
    not_before: dt.datetime = NOT_BEFORE,
    valid_days: int = VALID_DAYS,
) -> SigningKey:
    private_key = generate_key(algorithm)  # type: ignore[arg-type]
    cert = self_signed_certificate(private_key, name, "CH", valid_days, not_before)
    return SigningKey(private_key, (cert,))


@pytest.fixture(scope="session")
def ec_key() -> SigningKey:
    return make_key("ecdsa-p256")


@pytest.fixture(scope="session")
def rsa_key() -> SigningKey:
    return make_key("rsa-2048")


@pytest.fixture(scope="session")
def other_key() -> SigningKey:
    """An attacker's (or another Party's) key and self-signed certificate, same subject."""
    return make_key("ecdsa-p256")


@pytest.fixture(params=["ecdsa", "rsa"])
def key(request: pytest.FixtureRequest, ec_key: SigningKey, rsa_key: SigningKey) -> SigningKey:
    """Each test using it runs with both key types."""
    return ec_key if request.param == "ecdsa" else rsa_key
