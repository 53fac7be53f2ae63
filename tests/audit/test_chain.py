"""The audit chain detects altered, deleted and truncated rows, via service, API and CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from app.audit import service as audit
from app.audit.models import AuditEvent
from app.cli import cli
from app.core.actor import Actor, Role
from app.core.db import unit_of_work
from tests.factories import Api

OFFICER = Actor(user_id=7, username="officer7", role=Role.OFFICER, remote_addr="10.0.0.7")


def _record_events(factory: sessionmaker[Session], count: int) -> None:
    for i in range(count):
        with unit_of_work(factory) as session:
            audit.record(
                session,
                actor=OFFICER,
                action="permit.issue",
                object_type="permit",
                object_id=i + 1,
                details={"number": f"26CH{i + 1:06d}"},
            )


def _verify(factory: sessionmaker[Session]) -> audit.ChainReport:
    with unit_of_work(factory) as session:
        return audit.verify_chain(session)


def test_intact_chain_verifies(session_factory: sessionmaker[Session]) -> None:
    _record_events(session_factory, 5)
    report = _verify(session_factory)
    assert report == audit.ChainReport(ok=True, events_checked=5)


def test_events_keep_who_what_when_where(session_factory: sessionmaker[Session]) -> None:
    _record_events(session_factory, 1)
    with unit_of_work(session_factory) as session:
        event = session.get(AuditEvent, 1)
        assert event is not None
        assert (event.actor_name, event.actor_role, event.remote_addr) == (
            "officer7",
            "officer",
            "10.0.0.7",
        )
        assert (event.action, event.object_type, event.object_id) == ("permit.issue", "permit", "1")
        assert event.occurred_at.tzinfo is not None
        assert len(event.hash) == 64


@pytest.mark.parametrize(
    ("tamper", "broken_at", "reason"),
    [
        (
            update(AuditEvent).where(AuditEvent.seq == 3).values(details='{"number":"X"}'),
            3,
            "row altered",
        ),
        (
            update(AuditEvent).where(AuditEvent.seq == 2).values(actor_name="someone else"),
            2,
            "row altered",
        ),
        (delete(AuditEvent).where(AuditEvent.seq == 3), 3, "missing"),
        (delete(AuditEvent).where(AuditEvent.seq == 5), 5, "deleted from the end"),
        (update(AuditEvent).where(AuditEvent.seq == 4).values(prev_hash="f" * 64), 4, "prev_hash"),
    ],
    ids=["altered-details", "altered-actor", "deleted-middle", "deleted-tail", "relinked"],
)
def test_tampering_is_detected(
    session_factory: sessionmaker[Session], db: Engine, tamper: object, broken_at: int, reason: str
) -> None:
    _record_events(session_factory, 5)
    with db.begin() as conn:
        conn.execute(tamper)  # type: ignore[call-overload]
    report = _verify(session_factory)
    assert not report.ok
    assert report.first_broken_seq == broken_at
    assert report.reason is not None
    assert reason in report.reason


def test_rehashed_row_still_breaks_the_next_link(
    session_factory: sessionmaker[Session], db: Engine
) -> None:
    """A forger who recomputes the altered row's own hash breaks the following link."""
    _record_events(session_factory, 3)
    with unit_of_work(session_factory) as session:
        event = session.get(AuditEvent, 2)
        assert event is not None
        event.details = '{"number":"26CH999999"}'
        event.hash = audit._digest(event)
    report = _verify(session_factory)
    assert (report.ok, report.first_broken_seq) == (False, 3)


def test_admin_endpoint_reports_the_break(api: Api, db: Engine) -> None:
    admin = api.login("admin")
    api.organisation()
    assert api.client.get("/api/v1/audit/verify", headers=admin).json()["ok"] is True
    with db.begin() as conn:
        conn.execute(update(AuditEvent).where(AuditEvent.seq == 1).values(action="x"))
    body = api.client.get("/api/v1/audit/verify", headers=admin).json()
    assert body["ok"] is False
    assert body["first_broken_seq"] == 1


def test_cli_audit_verify(
    session_factory: sessionmaker[Session], db: Engine, database_url: str, tmp_path: Path
) -> None:
    _record_events(session_factory, 3)
    env = {"ECITES_DATABASE_URL": database_url, "ECITES_DATA_DIR": str(tmp_path)}
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "verify"], env=env)
    assert ok.exit_code == 0, ok.output
    assert "intact: 3 events" in ok.output
    with db.begin() as conn:
        conn.execute(delete(AuditEvent).where(AuditEvent.seq == 2))
    broken = runner.invoke(cli, ["audit", "verify"], env=env)
    assert broken.exit_code == 1
    assert "BROKEN at event 2" in broken.output
