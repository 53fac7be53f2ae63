"""`ecites sessions`: housekeeping of browser sessions and sign-in failure counts."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli.common import cli_session, group, settings_or_exit

sessions_cli = group("sessions", "Browser sessions and sign-in failure counts.")


@sessions_cli.command("prune")
def sessions_prune(
    days: Annotated[
        int,
        typer.Option(
            min=1,
            max=3650,
            help="Keep ended or expired sessions this many days (for the account pages and "
            "investigations), then delete them",
        ),
    ] = 30,
) -> None:
    """Delete the browser sessions that ended (signed out, ended from another browser, user
    disabled) or expired more than DAYS days ago, and the sign-in failure counts whose window
    has passed. Open sessions and current counts are kept. Run it daily, e.g. from cron."""
    from datetime import timedelta

    from app.auth import sign_in, web_sessions
    from app.core.clock import utcnow

    settings = settings_or_exit()
    now = utcnow()
    keep = timedelta(days=days)
    with cli_session(settings) as session:
        ended = web_sessions.prune(session, now=now, keep=keep)
        counts = sign_in.prune(session, now=now, policy=sign_in.Policy.of(settings))
    typer.echo(
        f"deleted {ended} session(s) ended or expired before {now - keep:%Y-%m-%d %H:%M} UTC, "
        f"and {counts} sign-in failure count(s) whose window has passed"
    )
