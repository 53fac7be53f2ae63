"""`ecites xml`: CITES ePermit XML documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import (
    group,
    read_file,
    settings_or_exit,
)

xml_cli = group("xml", "CITES ePermit XML documents.")


@xml_cli.command("validate")
def xml_validate(
    file: Annotated[Path, typer.Argument(help="The CITESEPermit XML file")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Validate a permit document layer by layer (well-formed, XSD, CITES rules).
    Exit status 0 when valid, 1 when not."""
    from app.xml.schema import SchemaRegistry
    from app.xml.validation import validate_xml

    settings = settings_or_exit()
    report = validate_xml(
        read_file(file, settings.max_xml_bytes),
        schema=SchemaRegistry.load(settings.schema_dir),
        max_bytes=settings.max_xml_bytes,
    )
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        for layer in report.layers:
            typer.echo(f"{layer.layer:<11} {layer.status}")
            for problem in layer.problems:
                where = f" at {problem.path}" if problem.path else ""
                line = f" (line {problem.line})" if problem.line else ""
                typer.echo(f"  {problem.severity}: [{problem.code}] {problem.message}{where}{line}")
        typer.echo("valid" if report.valid else "NOT valid")
    if not report.valid:
        raise typer.Exit(1)


@xml_cli.command("parse")
def xml_parse(file: Annotated[Path, typer.Argument(help="The CITESEPermit XML file")]) -> None:
    """Read a permit document leniently and print it as JSON, with the problems found.
    Exit status 0 when a permit was read without errors, 1 otherwise."""
    from app.xml.problems import has_errors
    from app.xml.reader import read_permit_bytes
    from app.xml.summary import document_summary

    settings = settings_or_exit()
    result = read_permit_bytes(
        read_file(file, settings.max_xml_bytes), max_bytes=settings.max_xml_bytes
    )
    summary = document_summary(result.document, result.problems)
    typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    if result.document is None or has_errors(result.problems):
        raise typer.Exit(1)


@xml_cli.command("verify")
def xml_verify(
    file: Annotated[Path, typer.Argument(help="The signed CITESEPermit XML file")],
    cert: Annotated[
        Path | None,
        typer.Option(help="Verify against this certificate (PEM) instead of the registry"),
    ] = None,
) -> None:
    """Is this signed permit authentic? Exit status 0 authentic, 1 not."""
    from app.bootstrap import issuing_authority, own_keys
    from app.core.db import make_engine, make_session_factory, read_only_session
    from app.trust import service as trust_service
    from app.trust.verification import verify_permit
    from signing import load_certificates

    settings = settings_or_exit()
    data = read_file(file, settings.max_xml_bytes)
    given = load_certificates(read_file(cert, 1024 * 1024)) if cert else None
    own = own_keys(settings, issuing_authority(settings)).certificates if not given else ()
    engine = make_engine(settings.effective_database_url)
    try:
        with read_only_session(make_session_factory(engine)) as session:
            result = verify_permit(
                data,
                own_party=settings.party,
                own_certificates=own,
                registry=trust_service.registry_lookup(session),
                certificates=given,
                max_bytes=settings.max_xml_bytes,
            )
    finally:
        engine.dispose()
    typer.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    if not result.authentic:
        raise typer.Exit(1)
