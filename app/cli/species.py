"""`ecites species` and `ecites checks`: reference data and the compliance checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import CLI_ACTOR, cli_session, fail, group, read_file
from app.core.errors import DomainError

species_cli = group("species", "Species reference data: import, search.")
checks_cli = group("checks", "Compliance checks on an intended trade.")


@species_cli.command("import")
def species_import(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Species+-shaped JSON and measures CSV; none: the shipped dataset"),
    ] = None,
) -> None:
    """Import reference data as a new snapshot; every bad row is reported, nothing imported."""
    from app.species import importing

    try:
        with cli_session() as session:
            snapshot = importing.import_reference(session, paths or None, actor=CLI_ACTOR)
            typer.echo(
                f"snapshot {snapshot.id} from {snapshot.imported_at:%Y-%m-%d %H:%M} "
                f"({snapshot.source}): {snapshot.counts}"
            )
    except DomainError as exc:
        for problem in exc.details.get("problems", []) if isinstance(exc.details, dict) else []:
            typer.echo(f"  {problem}", err=True)
        fail(exc)


@species_cli.command("search")
def species_search(
    name: Annotated[str, typer.Argument(help="The start of a scientific or common name")],
    limit: Annotated[int, typer.Option(help="At most this many")] = 20,
) -> None:
    """Print the matching taxa as JSON: accepted name, matched synonym, appendix, notes."""
    from app.core.clock import utcnow
    from app.species import service

    with cli_session() as session:
        today = utcnow().date()
        found = service.describe_many(session, service.search(session, name, limit=limit), on=today)
    typer.echo(json.dumps(found, indent=2, ensure_ascii=False))


@checks_cli.command("run")
def checks_run(
    path: Annotated[Path, typer.Argument(help="The intended trade (JSON, as POST /api/v1/checks)")],
) -> None:
    """Run the compliance checks on an intended trade and print the results as JSON (exit 1
    when a result blocks)."""
    from pydantic import ValidationError

    from app.checks import service
    from app.checks.schemas import IntendedTradeIn
    from app.core.clock import utcnow

    try:
        data = IntendedTradeIn.model_validate_json(read_file(path, 1024 * 1024))
    except ValidationError as exc:
        typer.echo(f"error [validation_error]: {exc}", err=True)
        raise typer.Exit(2) from None
    with cli_session() as session:
        results = service.dry_run(session, data, today=utcnow().date())
    typer.echo(results.model_dump_json(indent=2))
    if results.blocked:
        raise typer.Exit(1)
