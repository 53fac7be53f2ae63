"""`ecites quotas backfill`: permits the quota ledger misses (issued before migration 0012)
are put into it, a valid one reserved, a used one consumed in full, a cancelled one skipped;
a second run writes nothing; the run is audited."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from app.audit.models import AuditEvent
from app.cli import cli
from app.core.actor import Actor
from app.core.clock import utcnow
from app.core.db import unit_of_work
from app.permits.models import Permit
from app.species.models import QuotaLedgerEntry
from app.workflow import quota_backfill
from tests.factories import Api
from tests.species.ledger_helpers import (
    V1,
    as_decimals,
    figures,
    issued,
    ledger_entries,
    quota_figures,
)


def _as_before_0012(factory: sessionmaker[Session], *permit_ids: int, used: int = 0) -> None:
    """These permits as issued before the ledger existed: no entries; ``used`` was used."""
    with unit_of_work(factory) as session:
        session.execute(delete(QuotaLedgerEntry).where(QuotaLedgerEntry.permit_id.in_(permit_ids)))
        if used:
            permit = session.get(Permit, used)
            assert permit is not None
            permit.status = "used"


def test_backfill_reserves_consumes_and_is_idempotent(
    pythons: None, api: Api, database_url: str, tmp_path: Path
) -> None:
    trader, officer = api.trader(), api.user("officer")
    valid = issued(api, trader, officer, "3")
    used = issued(api, trader, officer, "2")
    cancelled = issued(api, trader, officer, "4")
    api.client.post(
        f"{V1}/permits/{cancelled['id']}/cancel", headers=officer, json={"reason": "not shipped"}
    ).raise_for_status()
    factory = api.session_factory
    _as_before_0012(factory, valid["id"], used["id"], cancelled["id"], used=used["id"])
    assert as_decimals(quota_figures(api, officer)) == figures("10", "0", "0")

    runner = CliRunner()
    env = {"ECITES_DATABASE_URL": database_url, "ECITES_DATA_DIR": str(tmp_path)}
    first = runner.invoke(cli, ["quotas", "backfill"], env=env)
    assert first.exit_code == 0, first.output
    assert json.loads(first.output) == {
        "examined": 2,
        "reserved": [valid["number"], used["number"]],
        "consumed": [used["number"]],
        "over_quota": [],
        "no_quota": 0,
    }
    assert as_decimals(quota_figures(api, officer)) == figures("10", "3", "2")
    with unit_of_work(factory) as session:
        assert [e.status for e in ledger_entries(session, valid["id"])] == ["reserved"]
        assert [e.status for e in ledger_entries(session, used["id"])] == ["consumed"]
        assert ledger_entries(session, cancelled["id"]) == []
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "quotas.backfill")
        ).all()
        assert len(events) == 1

    again = runner.invoke(cli, ["quotas", "backfill"], env=env)
    assert again.exit_code == 0, again.output
    assert json.loads(again.output)["reserved"] == []
    assert json.loads(again.output)["examined"] == 0
    assert as_decimals(quota_figures(api, officer)) == figures("10", "3", "2")
    with unit_of_work(factory) as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "quotas.backfill")
        ).all()
        assert len(events) == 1  # nothing written, nothing audited


def test_backfill_records_what_was_over_the_quota(pythons: None, api: Api) -> None:
    trader, officer = api.trader(), api.user("officer")
    permits = [issued(api, trader, officer, "6"), issued(api, trader, officer, "4")]
    _as_before_0012(api.session_factory, *(p["id"] for p in permits))
    # a permit issued after the ledger started takes the room the old ones had used
    late = issued(api, trader, officer, "5")
    with unit_of_work(api.session_factory) as session:
        done = quota_backfill.backfill(session, actor=Actor.system("test"), now=utcnow())
    assert done.reserved == [permits[0]["number"], permits[1]["number"]]
    assert done.over_quota == [permits[0]["number"], permits[1]["number"]]
    assert late["number"] not in done.reserved
    assert as_decimals(quota_figures(api, officer))["reserved"] == 15
