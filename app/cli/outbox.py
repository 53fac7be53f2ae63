"""`ecites outbox`: outgoing messages and their delivery state."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli.common import CLI_ACTOR, cli_session, fail, group
from app.core.errors import DomainError
from app.outbox.schemas import OutboxStatus

outbox_cli = group("outbox", "Outgoing messages to peers and their delivery state.")


@outbox_cli.command("list")
def outbox_list(
    status: Annotated[
        OutboxStatus | None, typer.Option(help="pending, sending, delivered or dead")
    ] = None,
    permit: Annotated[str | None, typer.Option(help="Only messages about this permit")] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first")] = 50,
) -> None:
    """List outgoing messages: state, attempts, whether the peer's receipt is kept, last
    error."""
    from app.outbox import service as outbox_service

    with cli_session() as session:
        messages, total = outbox_service.list_messages(
            session, status=status.value if status else None, permit_number=permit, limit=limit
        )
        for m in messages:
            receipt = "receipt" if m.has_receipt else "no-receipt"
            typer.echo(
                f"{m.message_id}  {m.status:<9} {m.message_type:<14} to {m.destination}  "
                f"{m.ordering_key}  attempts={m.attempts}  {receipt}  "
                f"{m.last_error or ''}".rstrip()
            )
        typer.echo(f"{len(messages)} of {total} message(s)")


@outbox_cli.command("requeue")
def outbox_requeue(
    message_id: Annotated[str, typer.Argument(help="The dead message's id (UUID)")],
) -> None:
    """Send a dead message again."""
    from datetime import timedelta

    from app.cli.common import settings_or_exit
    from app.outbox import service as outbox_service

    settings = settings_or_exit()
    deadline = timedelta(hours=settings.delivery_deadline_hours)
    try:
        with cli_session(settings) as session:
            message = outbox_service.requeue(
                session, message_id=message_id.strip().lower(), actor=CLI_ACTOR, deadline=deadline
            )
            typer.echo(f"requeued {message.message_id} to {message.destination}")
    except DomainError as exc:
        fail(exc)


@outbox_cli.command("receipt")
def outbox_receipt(
    message_id: Annotated[str, typer.Argument(help="The message's id (UUID)")],
) -> None:
    """Print the peer's signed receipt for a message (proof of delivery, or its rejection)."""
    from app.outbox import service as outbox_service

    try:
        with cli_session() as session:
            data = outbox_service.receipt(session, message_id=message_id.lower())
    except DomainError as exc:
        fail(exc)
        return
    typer.echo(data.decode("utf-8"))


@outbox_cli.command("relay")
def outbox_relay(
    once: Annotated[
        bool, typer.Option("--once", help="Deliver what is due now, then exit")
    ] = False,
) -> None:
    """Deliver queued messages to peers (the service runs one itself unless
    ECITES_RELAY_ENABLED=false; on PostgreSQL several relays may run side by side)."""
    import signal
    import threading

    from app import bootstrap
    from app.cli.common import settings_or_exit
    from app.core.db import make_engine, make_session_factory

    settings = settings_or_exit()
    engine = make_engine(settings.effective_database_url)
    relay = bootstrap.make_relay(settings, make_session_factory(engine))
    try:
        if once:
            typer.echo(f"attempted {relay.drain()} message(s)")
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        typer.echo(f"relay {relay.worker} delivering the outbox of Party {settings.party}")
        relay.run(stop)
    finally:
        relay.close()
        engine.dispose()
