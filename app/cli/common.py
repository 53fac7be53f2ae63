"""Shared pieces of the `ecites` command: the root command, settings, sessions, errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from sqlalchemy.orm import Session

from app.core.actor import Actor, Role
from app.core.config import Settings
from app.core.db import make_engine, make_session_factory, unit_of_work
from app.core.errors import DomainError

cli = typer.Typer(
    help="eCITES: electronic CITES permits for a Management Authority.",
    no_args_is_help=True,
    add_completion=False,
)
CLI_ACTOR = Actor(user_id=None, username="cli", role=Role.ADMIN)


def group(name: str, help_text: str) -> typer.Typer:
    """A sub-command group of `ecites` (``ecites NAME ...``)."""
    sub = typer.Typer(help=help_text, no_args_is_help=True)
    cli.add_typer(sub, name=name)
    return sub


def settings_or_exit() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # pydantic's ValidationError: show it plainly
        typer.echo(f"configuration error: {exc}", err=True)
        raise typer.Exit(2) from exc


@contextmanager
def cli_session(settings: Settings | None = None) -> Iterator[Session]:
    """One unit of work on the configured database; the engine is closed afterwards."""
    settings = settings or settings_or_exit()
    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def fail(exc: DomainError) -> None:
    typer.echo(f"error [{exc.code}]: {exc.message}", err=True)
    raise typer.Exit(1)


def read_file(path: Path, limit: int) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(limit + 1)  # one byte more than allowed: the parser reports it
    except OSError as exc:
        typer.echo(f"error: cannot read {path}: {exc.strerror}", err=True)
        raise typer.Exit(2) from exc


def run_migrations(url: str) -> None:
    from alembic import command
    from alembic.config import Config

    import migrations

    # The migrations ship as the `migrations` package, beside `app` (source tree or install).
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    engine = make_engine(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    engine.dispose()


def redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
