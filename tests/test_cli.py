"""The `ecites` command on a real database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from app.cli import cli
from app.core.db import unit_of_work
from app.permits.models import Permit
from tests.factories import PASSWORD, Api


@pytest.fixture
def run(database_url: str, db: Engine, tmp_path: Path):
    runner = CliRunner()
    env = {
        "ECITES_DATABASE_URL": database_url,
        "ECITES_DATA_DIR": str(tmp_path),
        "ECITES_ADMIN_PASSWORD": "",
        "ECITES_NEW_USER_PASSWORD": PASSWORD,
    }

    def invoke(*args: str, code: int = 0) -> str:
        result = runner.invoke(cli, list(args), env=env)
        assert result.exit_code == code, result.output
        return result.output

    return invoke


def test_every_command_has_help(run) -> None:
    assert "serve" in run("--help")
    for command in (
        ["serve"],
        ["migrate"],
        ["bootstrap"],
        ["users", "create"],
        ["users", "list"],
        ["users", "disable"],
        ["api-keys", "create"],
        ["api-keys", "revoke"],
        ["audit", "verify"],
        ["permits", "expire"],
        ["organisations", "create"],
        ["outbox", "list"],
        ["outbox", "requeue"],
        ["outbox", "relay"],
        ["demo"],
        ["customs", "check"],
    ):
        assert "Usage" in run(*command, "--help")


def test_bootstrap_users_and_keys(run) -> None:
    out = run("bootstrap")
    assert "created administrator 'admin' with password:" in out
    assert "an administrator exists already" in run("bootstrap")
    run("organisations", "create", "Orchids Ltd", "--country", "CH", "--address", "Bern")
    assert "created user alice" in run(
        "users", "create", "alice", "--role", "trader", "--organisation", "Orchids Ltd"
    )
    assert "alice" in run("users", "list", "--role", "trader")
    missing_org = run("users", "create", "bob", "--role", "trader", code=1)
    assert "organisation_required" in missing_org
    run("users", "create", "border", "--role", "customs")
    key_out = run("api-keys", "create", "border", "--name", "customs gateway")
    assert "ecites_" in key_out
    assert "revoked API key 1" in run("api-keys", "revoke", "1")
    assert "disabled alice" in run("users", "disable", "alice")
    listing = run("users", "list")
    assert "alice" in listing
    assert "disabled" in listing
    assert "user_not_found" in run("users", "disable", "nobody", code=1)
    assert "intact" in run("audit", "verify")


def test_permits_expire(run, api: Api, session_factory: sessionmaker[Session]) -> None:
    permit = api.issued_permit(api.trader(), api.user("officer"))
    assert "0 permit(s) expired" in run("permits", "expire")
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    with unit_of_work(session_factory) as session:
        session.execute(
            update(Permit).where(Permit.id == permit["id"]).values(valid_until=yesterday)
        )
    assert "1 permit(s) expired" in run("permits", "expire")
    with unit_of_work(session_factory) as session:
        status = session.scalar(select(Permit.status).where(Permit.id == permit["id"]))
    assert status == "expired"


def test_bootstrap_refuses_a_short_admin_password(
    database_url: str, db: Engine, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        cli,
        ["bootstrap"],
        env={
            "ECITES_DATABASE_URL": database_url,
            "ECITES_DATA_DIR": str(tmp_path),
            "ECITES_ADMIN_PASSWORD": "short",
        },
    )
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output


def test_serve_refuses_plain_http_off_loopback(run) -> None:
    out = run("serve", "--host", "0.0.0.0", "--port", "1", code=2)  # noqa: S104
    assert "refusing plain HTTP on 0.0.0.0" in out


def test_outbox_relay_once_with_nothing_due(run) -> None:
    assert "attempted 0 message(s)" in run("outbox", "relay", "--once")


def test_customs_check(run, api: Api) -> None:
    permit = api.issued_permit(api.trader(), api.user("officer"))
    answer = json.loads(run("customs", "check", "CH", permit["number"]))
    assert (answer["state"], answer["number"], answer["own"]) == ("VALID", permit["number"], True)
    assert answer["lines"][0]["line"] == "A"
    missing = json.loads(run("customs", "check", "ch", "26CH999999", code=1))
    assert missing["state"] == "NOT_FOUND"
