"""Test fixtures. Database tests run on every backend in ``--backends`` (default: SQLite and
PostgreSQL); the PostgreSQL cluster is started for the run and stopped after it. The schema
is built by running the Alembic migrations; every test starts from empty tables."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import GENESIS_HASH, AuditChainHead
from app.bootstrap import make_issuance, metadata
from app.cli import run_migrations
from app.core.config import Settings
from app.core.db import make_engine, make_session_factory
from app.permits.document import Issuance
from app.trust.models import TrustRegistryVersion
from app.trust.service import forget_cached_registries
from tests.factories import Api
from tests.pg import PostgresCluster

BACKENDS = ("sqlite", "postgresql")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backends",
        default=os.environ.get("ECITES_TEST_BACKENDS", ",".join(BACKENDS)),
        help="comma-separated database backends to run on",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        chosen = [b for b in metafunc.config.getoption("--backends").split(",") if b]
        unknown = set(chosen) - set(BACKENDS)
        if unknown:
            raise pytest.UsageError(f"unknown backends: {sorted(unknown)}")
        metafunc.parametrize("backend", chosen, scope="session")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def database_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> str:
    """A freshly migrated database for this backend, shared by the session."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'ecites.db'}"
    else:
        cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
        url = cluster.create_database("ecites_test")
    run_migrations(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _empty_tables(engine: Engine) -> None:
    tables = list(reversed(metadata().sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
        conn.execute(insert(AuditChainHead).values(id=1, last_seq=0, last_hash=GENESIS_HASH))
        conn.execute(insert(TrustRegistryVersion).values(id=1, version=0))
    forget_cached_registries()  # the rows changed under the cache: never reuse it


@pytest.fixture
def db(engine: Engine) -> Iterator[Engine]:
    """The backend's engine with empty tables (emptied again after the test)."""
    _empty_tables(engine)
    yield engine
    _empty_tables(engine)


@pytest.fixture
def session_factory(db: Engine) -> sessionmaker[Session]:
    return make_session_factory(db)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        party="CH",
        data_dir=tmp_path,
        database_url=database_url,
        secret_key="test-secret-key-0123456789-abcdefghijklmnop",
        max_body_bytes=64 * 1024,
        relay_enabled=False,  # in-process tests run the relay by hand (Relay.run_once)
    )


@pytest.fixture
def issuance(settings: Settings) -> Issuance:
    """Issuance as the service does it, with a key created in the test's data directory."""
    return make_issuance(settings)


@pytest.fixture
def app(settings: Settings, db: Engine):
    from app.main import create_app

    return create_app(settings, engine=db)


@pytest.fixture
def api(app, session_factory: sessionmaker[Session]) -> Iterator[Api]:
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        helper = Api(client=client, session_factory=session_factory)
        helper.bootstrap_admin()
        yield helper


def party_database(backend: str, request: pytest.FixtureRequest, name: str = "party") -> str:
    """A database URL for a LocalParty on ``backend``: "" is its embedded SQLite default; on
    PostgreSQL, a new database in the run's throwaway cluster."""
    if backend == "sqlite":
        return ""
    cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database(f"{name}_{uuid.uuid4().hex[:8]}")
