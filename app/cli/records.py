"""`ecites audit` and `permits`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import cli_session, fail, group, settings_or_exit
from app.core.errors import DomainError

audit_cli = group("audit", "The hash-chained audit trail.")
permits_cli = group("permits", "Permit housekeeping.")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Re-walk the hash chain; exit 1 and name the first broken link if it is broken."""
    from app.audit import service as audit_service

    with cli_session() as session:
        report = audit_service.verify_chain(session)
    if report.ok:
        typer.echo(f"audit chain intact: {report.events_checked} events")
        return
    typer.echo(
        f"audit chain BROKEN at event {report.first_broken_seq}: {report.reason} "
        f"({report.events_checked} events verified before it)",
        err=True,
    )
    raise typer.Exit(1)


@permits_cli.command("expire")
def permits_expire() -> None:
    """Mark valid permits past their validity date as expired."""
    from app.workflow import service as workflow_service

    with cli_session() as session:
        count = workflow_service.expire_due_permits(session)
    typer.echo(f"{count} permit(s) expired")


@permits_cli.command("export")
def permits_export(
    number: Annotated[str, typer.Argument(help="The permit number")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the signed XML")],
) -> None:
    """Write a permit's signed CITESEPermit XML, exactly as issued."""
    from app.permits import service as permits_service

    settings = settings_or_exit()
    try:
        with cli_session(settings) as session:
            data = permits_service.signed_document(session, party=settings.party, number=number)
    except DomainError as exc:
        fail(exc)
        return
    out.write_bytes(data)
    typer.echo(f"permit {number} ({len(data)} bytes) written to {out}")
