"""The composition root: the one place that builds adapters from settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import httpx
import pycountry
from sqlalchemy import Engine, MetaData
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import Settings
from app.core.db import Base, make_engine, make_session_factory
from app.exchange.foreign import Receiver
from app.exchange.relay import Relay, RelayConfig
from app.outbox.announce import Announcer
from app.outbox.backoff import Backoff
from app.permits.document import Issuance, IssuingAuthority, Sealer
from app.trust.keys import KeyStore, KeyStoreError, OwnKeys, load_configured
from app.xml.schema import SchemaRegistry
from epix import load_schemas as load_epix_schemas
from epix import ssl_context


@dataclass(frozen=True)
class Container:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    secret_key: str
    schema: SchemaRegistry
    authority: IssuingAuthority
    own_keys: OwnKeys
    issuance: Issuance
    receiver: Receiver
    announcer: Announcer


def issuing_authority(settings: Settings) -> IssuingAuthority:
    """This Management Authority as its permits name it (a generic name unless configured)."""
    country = pycountry.countries.get(alpha_2=settings.party)
    name = settings.authority_name or (
        f"CITES Management Authority of {country.name if country else settings.party}"
    )
    return IssuingAuthority(
        party=settings.party,
        name=name,
        address=settings.authority_address or None,
        place_of_issue=settings.place_of_issue or None,
    )


def build(settings: Settings, *, engine: Engine | None = None) -> Container:
    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = engine or make_engine(settings.effective_database_url)
    schema = SchemaRegistry.load(settings.schema_dir)
    authority = issuing_authority(settings)
    keys = own_keys(settings, authority)
    issuance = Issuance(authority, settings.permit_number_format, Sealer(schema, keys.current))
    return Container(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        secret_key=settings.resolved_secret_key(),
        schema=schema,
        authority=authority,
        own_keys=keys,
        issuance=issuance,
        receiver=Receiver(
            settings.party,
            keys.current,
            load_epix_schemas(settings.schema_dir),
            settings.max_xml_bytes,
        ),
        announcer=make_announcer(settings, issuance),
    )


def make_announcer(settings: Settings, issuance: Issuance) -> Announcer:
    """This Party as an EPIX sender: envelopes signed with the key that signs its permits."""
    return Announcer.of(issuance, timedelta(hours=settings.delivery_deadline_hours))


def http_client(settings: Settings) -> httpx.Client:
    """The client that talks to peers: mutual TLS when a client certificate is configured,
    the configured CA bundle (else the system's) for their servers."""
    verify: bool | object = True
    if settings.tls_ca_file or settings.tls_cert_file:
        verify = ssl_context(
            ca_file=settings.tls_ca_file,
            cert_file=settings.tls_cert_file,
            key_file=settings.tls_key_file,
        )
    return httpx.Client(
        verify=verify,  # type: ignore[arg-type]
        timeout=settings.relay_timeout_seconds,
        follow_redirects=False,
        headers={"User-Agent": f"eCITES/{settings.party}"},
    )


def make_relay(
    settings: Settings, session_factory: sessionmaker[Session], *, worker: str | None = None
) -> Relay:
    """The outbox relay for this service's settings (see app/exchange/relay.py)."""
    config = RelayConfig(
        batch=settings.relay_batch,
        timeout_seconds=settings.relay_timeout_seconds,
        interval_seconds=settings.relay_interval_seconds,
        lease=timedelta(seconds=settings.relay_lease_seconds),
        concurrency=settings.relay_concurrency,
        backoff=Backoff(settings.retry_base_seconds, settings.retry_cap_seconds),
    )
    return Relay(
        session_factory,
        schemas=load_epix_schemas(settings.schema_dir),
        client=http_client(settings),
        config=config,
        worker=worker,
    )


def make_issuance(settings: Settings) -> Issuance:
    """Issuance for jobs and tools outside the web app (the CLI, benchmarks, workers)."""
    authority = issuing_authority(settings)
    keys = own_keys(settings, authority)
    schema = SchemaRegistry.load(settings.schema_dir)
    return Issuance(authority, settings.permit_number_format, Sealer(schema, keys.current))


def key_store(settings: Settings) -> KeyStore:
    return KeyStore(settings.data_dir / "keys")


def own_keys(settings: Settings, authority: IssuingAuthority) -> OwnKeys:
    """This Party's signing key: from the configured PEM files (production), else from the key
    store in the data directory, created there on first start in the embedded profile."""
    store = key_store(settings)
    if settings.signing_key_file and settings.signing_cert_file:
        passphrase = settings.signing_key_passphrase
        return load_configured(
            settings.signing_key_file,
            settings.signing_cert_file,
            passphrase.get_secret_value().encode() if passphrase else None,
            store,
        )
    if store.current_fingerprint() is None:
        if settings.profile != "embedded":
            raise KeyStoreError(
                "no signing key: set ECITES_SIGNING_KEY_FILE and ECITES_SIGNING_CERT_FILE, "
                "or create one with `ecites keys generate`"
            )
        store.generate(
            party=settings.party,
            authority_name=authority.name,
            algorithm=settings.signing_algorithm,
        )
    return store.load()


def metadata() -> MetaData:
    """Every table, for Alembic and the model/migration agreement check."""
    from app.applications import models as _applications  # noqa: F401
    from app.audit import models as _audit  # noqa: F401
    from app.auth import models as _auth  # noqa: F401
    from app.checks import models as _checks  # noqa: F401
    from app.exchange import models as _exchange  # noqa: F401
    from app.outbox import models as _outbox  # noqa: F401
    from app.permits import models as _permits  # noqa: F401
    from app.species import models as _species  # noqa: F401
    from app.trust import models as _trust  # noqa: F401

    return Base.metadata
