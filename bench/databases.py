"""The databases a benchmark runs on: a SQLite file in a temporary directory, or a database in
a throwaway PostgreSQL cluster (tests/pg.py) started once for the whole run. The schema is
built by the Alembic migrations, as in production."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from app.cli import run_migrations
from app.core.config import Settings
from app.core.db import make_engine, make_session_factory
from bench.report import progress
from tests.pg import PostgresCluster, _find

BACKENDS = ("sqlite", "postgresql")
PARTY = "CH"
SECRET_KEY = "bench-secret-key-0123456789-abcdefghijkl"
SQLITE_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")


@dataclass(frozen=True)
class Database:
    backend: str
    url: str
    engine: Engine
    session_factory: sessionmaker[Session]
    settings: Settings
    facts: dict[str, str]  # server version, durability settings, filesystem: for the report


class BenchCluster(PostgresCluster):
    """The test suite's cluster, optionally restarted with fsync on (the tests turn it off
    for speed; a benchmark of commits should see what production pays)."""

    def __init__(self, *, fsync: bool) -> None:
        super().__init__()
        self.fsync = fsync

    def start(self) -> None:
        super().start()
        if self.fsync:
            options = (
                f"-k {self.socket_dir} -p {self.port} -c listen_addresses='' -c max_connections=60"
            )
            self._run(
                _find("pg_ctl"),
                "-D",
                str(self.data),
                "-o",
                options,
                "-w",
                "-l",
                str(self.root / "log"),
                "restart",
            )


class Databases:
    """Opens benchmark databases; owns the PostgreSQL cluster (started on first use)."""

    def __init__(
        self, *, work_dir: Path | None, sqlite_synchronous: str | None, pg_fsync: bool
    ) -> None:
        self.work_dir = work_dir
        self.sqlite_synchronous = sqlite_synchronous
        self.pg_fsync = pg_fsync
        self._cluster: BenchCluster | None = None

    def __enter__(self) -> Databases:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._cluster is not None:
            progress("stopping PostgreSQL")
            self._cluster.stop()
            self._cluster = None

    @contextmanager
    def open(self, backend: str, name: str) -> Iterator[Database]:
        """A freshly migrated, empty database named after the benchmark."""
        directory = Path(tempfile.mkdtemp(prefix=f"ecites-bench-{name}-", dir=self.work_dir))
        try:
            url = self._create(backend, name, directory)
            run_migrations(url)
            engine = make_engine(url)
            if backend == "sqlite" and self.sqlite_synchronous:
                _override_synchronous(engine, self.sqlite_synchronous)
            try:
                yield Database(
                    backend=backend,
                    url=url,
                    engine=engine,
                    session_factory=make_session_factory(engine),
                    settings=Settings(
                        party=PARTY, data_dir=directory, database_url=url, secret_key=SECRET_KEY
                    ),
                    facts=_facts(engine, directory),
                )
            finally:
                engine.dispose()
        finally:
            shutil.rmtree(directory, ignore_errors=True)

    def _create(self, backend: str, name: str, directory: Path) -> str:
        if backend == "sqlite":
            return f"sqlite:///{directory / 'ecites.db'}"
        if self._cluster is None:
            progress(f"starting PostgreSQL (fsync {'on' if self.pg_fsync else 'off'})")
            cluster = BenchCluster(fsync=self.pg_fsync)
            cluster.start()
            self._cluster = cluster
        return self._cluster.create_database(f"bench_{name}")


def _override_synchronous(engine: Engine, level: str) -> None:
    """A what-if for the report: runs after the service's own connect hook (app/core/db.py),
    so it replaces its ``synchronous=FULL`` on this benchmark's engine only."""

    @event.listens_for(engine, "connect")
    def _set(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA synchronous={level}")
        cursor.close()


def _facts(engine: Engine, directory: Path) -> dict[str, str]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            levels = dict(enumerate(SQLITE_SYNCHRONOUS))
            synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar_one()
            return {
                "server_version": str(conn.exec_driver_sql("SELECT sqlite_version()").scalar()),
                "journal_mode": str(conn.exec_driver_sql("PRAGMA journal_mode").scalar()),
                "synchronous": levels.get(int(synchronous), str(synchronous)),
                "filesystem": _filesystem(directory),
            }
        names = ("server_version", "fsync", "synchronous_commit", "full_page_writes")
        return {name: str(conn.execute(text(f"SHOW {name}")).scalar()) for name in names}


def _filesystem(path: Path) -> str:
    """The type of the filesystem holding ``path`` (fsync costs depend on it)."""
    best, kind = "", "unknown"
    try:
        with open("/proc/mounts") as mounts:
            for line in mounts:
                _device, mount_point, fs_type, *_rest = line.split()
                inside = os.path.commonpath([str(path), mount_point]) == mount_point
                if inside and len(mount_point) > len(best):
                    best, kind = mount_point, fs_type
    except OSError:
        pass
    return kind
