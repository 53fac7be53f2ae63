"""`ecites sessions prune` deletes the browser sessions ended or expired before its cut-off
and the sign-in failure counts whose window has passed, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from app.auth import service as auth_service
from app.auth.models import SignInThrottle, WebSession
from app.cli import cli
from app.core.actor import Actor, Role
from app.core.db import unit_of_work
from tests.factories import PASSWORD

DAY = timedelta(days=1)


def test_prune_deletes_only_what_ended_or_expired_before_the_cut_off(
    database_url: str, session_factory: sessionmaker[Session], db: Engine, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    with unit_of_work(session_factory) as session:
        user = auth_service.create_user(
            session,
            username="anna",
            full_name="Anna",
            role=Role.OFFICER,
            password=PASSWORD,
            organisation_id=None,
            actor=Actor.system("test"),
        )

        def add(name: str, idle_until: datetime, ended: datetime | None = None) -> None:
            started = idle_until - timedelta(hours=1)
            session.add(
                WebSession(
                    id_hash=name.ljust(64, "-"),
                    user_id=user.id,
                    created_at=started,
                    renewed_at=started,
                    idle_until=idle_until,
                    absolute_until=started + timedelta(hours=12),
                    ended_at=ended,
                    end_reason="signed_out" if ended else None,
                )
            )

        add("open", now + timedelta(minutes=55))
        add("ended40", now - 40 * DAY + timedelta(minutes=30), ended=now - 40 * DAY)
        add("ended29", now - 29 * DAY + timedelta(minutes=30), ended=now - 29 * DAY)
        add("ended_today", now + timedelta(minutes=30), ended=now - timedelta(minutes=10))
        add("expired31", now - 31 * DAY)
        add("expired5", now - 5 * DAY)
        for subject, started in (("old", now - timedelta(hours=1)), ("new", now)):
            session.add(
                SignInThrottle(scope="address", subject=subject, failures=3, window_start=started)
            )

    result = CliRunner().invoke(
        cli,
        ["sessions", "prune", "--days", "30"],
        env={"ECITES_DATABASE_URL": database_url, "ECITES_DATA_DIR": str(tmp_path)},
    )
    assert result.exit_code == 0, result.output
    assert "deleted 2 session(s)" in result.output
    assert "1 sign-in failure count(s)" in result.output
    with unit_of_work(session_factory) as session:
        kept = {r.id_hash.rstrip("-") for r in session.scalars(select(WebSession))}
        counts = {r.subject for r in session.scalars(select(SignInThrottle))}
    assert kept == {"open", "ended29", "ended_today", "expired5"}
    assert counts == {"new"}


def test_prune_has_help() -> None:
    result = CliRunner().invoke(cli, ["sessions", "prune", "--help"])
    assert result.exit_code == 0
    assert "ended" in result.output
    assert "--days" in result.output
