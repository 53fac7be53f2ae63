"""`ecites quotas` and `ecites measures`: the quota ledger, and this Party's stricter domestic
measures (the same use cases as GET /api/v1/species/quotas and /species/measures)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from app.cli.common import CLI_ACTOR, cli_session, fail, group, settings_or_exit
from app.core.errors import DomainError

quotas_cli = group("quotas", "Export quotas and what issued permits use of them.")
measures_cli = group("measures", "This Party's stricter domestic measures (Art. XIV(1)).")


@quotas_cli.command("list")
def quotas_list(
    party: Annotated[str | None, typer.Option(help="Exporting Party (ISO code)")] = None,
    year: Annotated[int | None, typer.Option(help="Quota year")] = None,
    taxon: Annotated[str | None, typer.Option(help="Taxon, a higher taxon or one under it")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many")] = 50,
) -> None:
    """Print the current quotas as JSON, each with what is reserved (issued, not yet
    exported), consumed (endorsed at export), used and remaining."""
    from app.core.clock import utcnow
    from app.species import quotas

    with cli_session() as session:
        items, total, snapshot_id = quotas.list_quotas(
            session,
            party=party.strip().upper() if party else None,
            year=year,
            taxon=taxon,
            on=utcnow().date(),
            limit=limit,
            offset=0,
        )
        rows = [
            {
                "id": x.quota.id,
                "party": x.quota.party,
                "year": x.quota.year,
                "taxon": x.taxon_name,
                "quantity": str(x.quota.quantity),
                "unit": x.quota.unit,
                "term_code": x.quota.term_code,
                "source_code": x.quota.source_code,
                "reserved": str(x.use.reserved),
                "consumed": str(x.use.consumed),
                "used": str(x.use.used),
                "remaining": str(x.remaining),
            }
            for x in items
        ]
    typer.echo(json.dumps({"items": rows, "total": total, "snapshot_id": snapshot_id}, indent=2))


@quotas_cli.command("backfill")
def quotas_backfill() -> None:
    """Put into the quota ledger the export permits and re-export certificates it misses
    (issued before migration 0012): valid ones reserve, exported or used ones are consumed
    in full. Idempotent: a second run finds nothing. Prints what was written as JSON."""
    from app.core.clock import utcnow
    from app.workflow import quota_backfill

    with cli_session() as session:
        done = quota_backfill.backfill(session, actor=CLI_ACTOR, now=utcnow())
    typer.echo(
        json.dumps(
            {
                "examined": done.examined,
                "reserved": done.reserved,
                "consumed": done.consumed,
                "over_quota": done.over_quota,
                "no_quota": done.no_quota,
            },
            indent=2,
        )
    )


def _measure(measure: Any) -> dict[str, Any]:
    return {
        "id": measure.id,
        "party": measure.party,
        "taxon": measure.taxon_name,
        "direction": measure.direction,
        "purpose_codes": measure.purpose_codes.split(",") if measure.purpose_codes else [],
        "source_codes": measure.source_codes.split(",") if measure.source_codes else [],
        "start_date": measure.start_date.isoformat(),
        "end_date": measure.end_date.isoformat() if measure.end_date else None,
        "reason": measure.reason,
        "withdrawn_at": measure.withdrawn_at.isoformat() if measure.withdrawn_at else None,
        "withdrawal_reason": measure.withdrawal_reason,
    }


@measures_cli.command("list")
def measures_list(
    withdrawn: Annotated[bool, typer.Option("--all", help="Withdrawn ones too")] = False,
) -> None:
    """Print the measures as JSON, newest first."""
    from app.species import measures

    with cli_session() as session:
        items, _total = measures.list_measures(
            session, include_withdrawn=withdrawn, limit=10_000, offset=0
        )
        rows = [_measure(m) for m in items]
    typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))


@measures_cli.command("add")
def measures_add(
    taxon: Annotated[str, typer.Argument(help="Accepted name or synonym (and all under it)")],
    direction: Annotated[str, typer.Option(help="export, import or both")],
    start: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD)")],
    reason: Annotated[str, typer.Option(help="Told to the trader (10 characters or more)")],
    end: Annotated[str | None, typer.Option("--to", help="Last day (none: open)")] = None,
    purpose: Annotated[list[str] | None, typer.Option(help="Only this purpose (repeat)")] = None,
    source: Annotated[list[str] | None, typer.Option(help="Only this source (repeat)")] = None,
) -> None:
    """Add a measure: the compliance checks then block such trade (national_measure). Audited
    as measure.add, by the user `cli`."""
    from pydantic import ValidationError

    from app.species import measures
    from app.species.schemas import MeasureIn

    try:
        data = MeasureIn.model_validate(
            {
                "taxon": taxon,
                "direction": direction,
                "purpose_codes": purpose or [],
                "source_codes": source or [],
                "start_date": start,
                "end_date": end,
                "reason": reason,
            }
        )
    except ValidationError as exc:
        typer.echo(f"error [validation_error]: {exc}", err=True)
        raise typer.Exit(2) from None
    settings = settings_or_exit()
    try:
        with cli_session(settings) as session:
            added = measures.add_measure(
                session,
                party=settings.party,
                taxon=data.taxon,
                direction=data.direction,
                purpose_codes=data.purpose_codes,
                source_codes=data.source_codes,
                start_date=data.start_date,
                end_date=data.end_date,
                reason=data.reason,
                actor=CLI_ACTOR,
            )
            row = _measure(added)
    except DomainError as exc:
        fail(exc)
        return
    typer.echo(json.dumps(row, indent=2, ensure_ascii=False))


@measures_cli.command("withdraw")
def measures_withdraw(
    measure_id: Annotated[int, typer.Argument(help="The measure's id", min=1, max=2**31 - 1)],
    reason: Annotated[str, typer.Option(help="Why (10 characters or more)")],
) -> None:
    """Withdraw a measure (it stays, marked withdrawn). Audited as measure.withdraw."""
    from app.species import measures

    if len(reason.strip()) < 10:
        typer.echo("error [validation_error]: the reason needs 10 characters or more", err=True)
        raise typer.Exit(2)
    try:
        with cli_session() as session:
            row = _measure(
                measures.withdraw_measure(
                    session, measure_id=measure_id, reason=reason, actor=CLI_ACTOR
                )
            )
    except DomainError as exc:
        fail(exc)
        return
    typer.echo(json.dumps(row, indent=2, ensure_ascii=False))
