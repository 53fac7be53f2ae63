"""The `ecites` command. Each module adds its sub-commands to the root command."""

from __future__ import annotations

from app.cli import (  # noqa: F401  (register commands)
    accounts,
    customs,
    demo,
    keys,
    measures,
    outbox,
    peers,
    records,
    reports,
    sessions,
    setup,
    species,
    xml,
)
from app.cli.common import cli, run_migrations

__all__ = ["cli", "main", "run_migrations"]


def main() -> None:
    cli()
