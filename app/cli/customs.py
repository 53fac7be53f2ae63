"""`ecites customs`: what customs sees of a permit."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli.common import cli_session, group, settings_or_exit

customs_cli = group("customs", "Customs at the border: permit validity checks.")


@customs_cli.command("check")
def customs_check(
    country: Annotated[str, typer.Argument(help="The issuing Party (ISO 3166-1 alpha-2)")],
    number: Annotated[str, typer.Argument(help="The permit number")],
) -> None:
    """Print, as JSON, what customs sees of a permit now (the answer of
    GET /api/v1/customs/permits/COUNTRY/NUMBER): its state, dates, parties, lines with the
    quantities endorsed, and for a received permit whether its signature verifies."""
    from app.core.clock import utcnow
    from app.customs import service

    settings = settings_or_exit()
    with cli_session(settings) as session:
        view = service.check(
            session,
            country.strip().upper(),
            number.strip(),
            own_party=settings.party,
            max_bytes=settings.max_xml_bytes,
            now=utcnow(),
        )
    typer.echo(view.model_dump_json(indent=2))
    if view.state == "NOT_FOUND":
        raise typer.Exit(1)
