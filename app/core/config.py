"""One typed settings object, read from ``ECITES_*`` environment variables.

Nothing reads the environment at import time: callers build ``Settings()`` and pass it on.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Literal

import pycountry
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "placeholder"})
Profile = Literal["embedded", "production"]


class Settings(BaseSettings):
    """Service configuration. Every field is an ``ECITES_<NAME>`` environment variable."""

    model_config = SettingsConfigDict(
        env_prefix="ECITES_", env_nested_delimiter="__", extra="ignore", frozen=True
    )

    profile: Profile = Field(
        "embedded",
        description="'embedded' (SQLite, generated secrets) or 'production' (explicit secrets).",
    )
    party: str = Field("CH", description="ISO 3166-1 alpha-2 code of this Management Authority.")
    data_dir: Path = Field(Path("var"), description="Where the SQLite database and keys live.")
    database_url: str = Field(
        "", description="SQLAlchemy URL; empty means SQLite at <data_dir>/ecites.db."
    )
    secret_key: str = Field("change-me", description="Signs login tokens (JWT, HS256).")
    max_body_bytes: int = Field(2 * 1024 * 1024, ge=1024, description="Largest request body.")
    token_minutes: int = Field(60, ge=1, le=24 * 60, description="Login token lifetime.")
    sign_in_max_failures: int = Field(
        5,
        ge=1,
        le=1000,
        description="Failed sign-ins for one account name within the window, after which its "
        "sign-ins are refused (429) for one window.",
    )
    sign_in_address_max_failures: int = Field(
        20,
        ge=1,
        le=100_000,
        description="Failed sign-ins from one client address within the window, whatever the "
        "account, after which sign-ins from it are refused (429) for one window.",
    )
    sign_in_window_minutes: int = Field(
        15, ge=1, le=24 * 60, description="The window of the sign-in limits, in minutes."
    )
    permit_number_format: str = Field(
        "{yy}{party}{serial:06d}",
        description="Permit number template; fields: yy, yyyy, party, serial.",
    )
    admin_username: str = Field("admin", description="First administrator's user name.")
    admin_password: str = Field(
        "", description="First administrator's password; empty means generate and print once."
    )
    authority_name: str = Field(
        "", description="This Management Authority's name (Box 6); empty: a generic name."
    )
    authority_address: str = Field("", description="This Management Authority's address.")
    place_of_issue: str = Field("", description="Place of issue printed on permits (Box 13).")
    schema_dir: Path = Field(
        Path(__file__).resolve().parents[2] / "schemas",
        description="Directory of the XSDs (CITES ePermit); the source tree's schemas/.",
    )
    signing_algorithm: Literal["ecdsa-p256", "rsa-2048"] = Field(
        "ecdsa-p256", description="Key type for keys this service generates."
    )
    signing_key_file: Path | None = Field(
        None, description="Production: the signing key (PEM); empty: the key store in data_dir."
    )
    signing_cert_file: Path | None = Field(
        None, description="Production: the signing key's certificate (PEM)."
    )
    signing_key_passphrase: SecretStr | None = Field(
        None, description="Passphrase of an encrypted signing key file."
    )
    max_xml_bytes: int = Field(
        2 * 1024 * 1024, ge=1024, description="Largest XML document read or validated."
    )
    relay_enabled: bool = Field(
        True, description="Run the EPIX outbox relay inside the service (one per SQLite database)."
    )
    access_log: bool = Field(
        True,
        description="Log every HTTP request (uvicorn's access log, on stdout). Turn it off "
        "when a reverse proxy in front logs the requests: it costs about 5% of the CPU of a "
        "short request.",
    )
    relay_interval_seconds: float = Field(
        1.0, gt=0, le=300, description="How often the relay looks for due messages when idle."
    )
    relay_batch: int = Field(20, ge=1, le=500, description="Messages the relay claims at once.")
    relay_concurrency: int = Field(
        4, ge=1, le=64, description="Messages the relay sends at the same time."
    )
    relay_lease_seconds: float = Field(
        60.0,
        gt=0,
        le=3600,
        description="A claimed message returns to the queue after this if its relay died.",
    )
    relay_timeout_seconds: float = Field(
        10.0, gt=0, le=300, description="Timeout of one delivery attempt (connect and answer)."
    )
    retry_base_seconds: float = Field(
        2.0, gt=0, le=3600, description="First retry delay; doubles per attempt, with jitter."
    )
    retry_cap_seconds: float = Field(
        3600.0, gt=0, le=86400, description="Longest delay between two delivery attempts."
    )
    delivery_deadline_hours: float = Field(
        48.0, gt=0, le=24 * 60, description="After this, an undelivered message is dead."
    )
    tls_cert_file: Path | None = Field(
        None, description="mTLS: this service's certificate (PEM), served and shown to peers."
    )
    tls_key_file: Path | None = Field(None, description="mTLS: the key of tls_cert_file (PEM).")
    tls_ca_file: Path | None = Field(
        None, description="mTLS: CA bundle (PEM) peers' server and client certificates chain to."
    )

    public_base_url: str = Field(
        "http://localhost:8000",
        description="This service's public address, printed in the permits' QR codes "
        "({public_base_url}/verify/...): the embedded default suits a local trial only.",
    )
    pdf_font_file: Path | None = Field(
        None,
        description="TrueType font for printed permits; empty: the system's DejaVu Sans.",
    )
    verify_rate_per_minute: float = Field(
        30.0,
        gt=0,
        le=60_000,
        description="Public verification page: requests per minute and "
        "client address, on average (a token bucket).",
    )
    verify_burst: int = Field(
        20,
        ge=1,
        le=10_000,
        description="Public verification page: requests a client may make "
        "at once before the rate applies.",
    )

    @field_validator("public_base_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
            raise ValueError(
                "ECITES_PUBLIC_BASE_URL must be an http(s) address without query, "
                "such as 'https://permits.example.org'"
            )
        return value

    @field_validator("party")
    @classmethod
    def _party_code(cls, value: str) -> str:
        value = value.strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", value) or (
            value != "EU" and pycountry.countries.get(alpha_2=value) is None
        ):
            raise ValueError("ECITES_PARTY must be an ISO 3166-1 alpha-2 code such as 'CH'")
        return value

    @field_validator("permit_number_format")
    @classmethod
    def _number_format(cls, value: str) -> str:
        try:
            sample = value.format(yy="26", yyyy="2026", party="CH", serial=999999)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"invalid permit number template: {exc}") from exc
        if "{serial" not in value:
            raise ValueError("the permit number template must contain {serial}")
        if "{yy}" not in value and "{yyyy}" not in value:
            raise ValueError(
                "the permit number template must contain {yy} or {yyyy}: serials restart "
                "every year, so numbers without the year would repeat"
            )
        if len(sample) > 35:
            raise ValueError("permit numbers are at most 35 characters")
        return value

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.profile != "embedded" and self.secret_key.strip().lower() in PLACEHOLDER_SECRETS:
            raise ValueError(
                "ECITES_SECRET_KEY is a placeholder; set a long random value in production"
            )
        if (self.signing_key_file is None) != (self.signing_cert_file is None):
            raise ValueError(
                "set both ECITES_SIGNING_KEY_FILE and ECITES_SIGNING_CERT_FILE, or neither"
            )
        if self.profile != "embedded" and len(self.secret_key) < 32:
            raise ValueError("ECITES_SECRET_KEY must be at least 32 characters in production")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'ecites.db').resolve()}"

    def resolved_secret_key(self) -> str:
        """The JWT key. In the embedded profile a placeholder is replaced by a generated key
        kept in ``<data_dir>/secret_key`` (mode 0600), so tokens survive restarts."""
        if self.secret_key.strip().lower() not in PLACEHOLDER_SECRETS:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.touch(mode=0o600)
        path.write_text(key)
        return key
