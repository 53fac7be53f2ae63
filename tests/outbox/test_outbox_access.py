"""Officers see outgoing messages over the API and the CLI, and requeue dead ones."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from app.cli import cli
from app.core.db import unit_of_work
from app.outbox import service as outbox
from tests.factories import Api


def _dead(factory: sessionmaker[Session], key: str = "26CH000001") -> str:
    with unit_of_work(factory) as session:
        message = outbox.enqueue(
            session,
            destination="FR",
            message_type="PERMIT_ISSUED",
            ordering_key=key,
            payload=b"<Envelope/>",
        )
        outbox.claim_due(session, worker="relay")
        outbox.record_failure(
            session, message_id=message.message_id, error="REJECTED: UNKNOWN_SENDER", permanent=True
        )
        return message.message_id


def test_officers_list_and_requeue(api: Api, session_factory: sessionmaker[Session]) -> None:
    message_id = _dead(session_factory)
    officer = api.user("officer")
    listed = api.client.get("/api/v1/outbox", headers=officer, params={"status": "dead"}).json()
    [item] = listed["items"]
    assert (item["message_id"], item["attempts"], item["last_error"]) == (
        message_id,
        1,
        "REJECTED: UNKNOWN_SENDER",
    )
    assert "payload" not in item
    requeued = api.client.post(f"/api/v1/outbox/{message_id}/requeue", headers=officer)
    assert requeued.json()["status"] == "pending"
    again = api.client.post(f"/api/v1/outbox/{message_id}/requeue", headers=officer)
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")
    missing = api.client.post(
        "/api/v1/outbox/00000000-0000-0000-0000-000000000000/requeue", headers=officer
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "message_not_found")
    trader = api.client.get("/api/v1/outbox", headers=api.trader())
    assert trader.status_code == 403


def test_cli_outbox(
    session_factory: sessionmaker[Session], database_url: str, db: Engine, tmp_path: Path
) -> None:
    message_id = _dead(session_factory)
    runner = CliRunner()
    env = {"ECITES_DATABASE_URL": database_url, "ECITES_DATA_DIR": str(tmp_path)}
    listed = runner.invoke(cli, ["outbox", "list", "--status", "dead"], env=env)
    assert listed.exit_code == 0, listed.output
    assert message_id in listed.output
    assert "UNKNOWN_SENDER" in listed.output
    requeued = runner.invoke(cli, ["outbox", "requeue", message_id], env=env)
    assert requeued.exit_code == 0, requeued.output
    assert runner.invoke(cli, ["outbox", "requeue", message_id], env=env).exit_code == 1
