"""A throwaway PostgreSQL cluster for the test run: initdb + pg_ctl in a temporary directory,
listening only on a Unix socket in that directory, removed afterwards. As root, the cluster is
run by the ``postgres`` user (initdb refuses root)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def _find(binary: str) -> str:
    found = shutil.which(binary)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{binary}"))
    if not candidates:
        raise RuntimeError(f"PostgreSQL's {binary} was not found: run `make postgres`")
    return candidates[-1]


class PostgresCluster:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="ecites-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root
        self.port = 5432
        self.as_postgres = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, text=True)

    def start(self) -> None:
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            _find("initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "ecites",
            "-E",
            "UTF8",
            "--no-sync",
        )
        options = (
            f"-k {self.socket_dir} -p {self.port} -c listen_addresses='' "
            "-c fsync=off -c full_page_writes=off -c max_connections=60"
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
            "start",
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://ecites@/{database}?host={self.socket_dir}&port={self.port}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user="ecites",
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(_find("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
