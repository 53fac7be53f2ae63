"""Concurrent issuance never exceeds a quota. Several threads, each with its own session and
connection, start together (a barrier) and reserve or issue against one quota of 10: exactly as
many as fit succeed, the others fail with ``quota_exceeded`` and leave nothing behind.

On PostgreSQL the quota's account row is locked (SELECT ... FOR UPDATE) while a reservation
counts what is used; on SQLite every writing transaction already holds the database's write
lock from its start (BEGIN IMMEDIATE). The same test runs on both."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.applications import service as applications_service
from app.audit import service as audit_service
from app.auth import service as auth_service
from app.core.actor import Actor
from app.core.clock import utcnow
from app.core.db import unit_of_work
from app.core.errors import DomainError
from app.outbox.announce import Announcer
from app.permits.document import Issuance
from app.permits.models import Permit
from app.species import ledger, quotas
from app.species.models import QuotaLedgerEntry
from app.species.quotas import QuotaLine
from app.workflow import service as workflow_service
from tests.factories import Api
from tests.species.ledger_helpers import PYTHONS, YEAR, approved, body, import_quotas

THREADS = 8  # each asks 2 of a quota of 10: 5 fit
PAGE = {"limit": 1, "offset": 0}


def _officer(api: Api) -> Actor:
    api.user("officer", username="race-officer")
    with unit_of_work(api.session_factory) as session:
        return auth_service.actor_for(auth_service.find_user(session, "race-officer"))


def _used(factory: sessionmaker[Session]) -> quotas.Use:
    with unit_of_work(factory) as session:
        [standing], _total, _snapshot = quotas.list_quotas(
            session,
            party="CH",
            year=YEAR,
            taxon="Python regius",
            on=utcnow().date(),
            limit=1,
            offset=0,
        )
        return standing.use


def test_concurrent_issuance_never_exceeds_the_quota(
    tmp_path: Path, api: Api, issuance: Issuance
) -> None:
    trader = api.trader()
    officer_headers = api.user("officer")
    # approved before the quota exists, so that no check blocks them: only the ledger decides
    applications = [approved(api, trader, officer_headers, "2") for _ in range(THREADS)]
    import_quotas(api.session_factory, tmp_path, PYTHONS)
    officer, announcer = _officer(api), Announcer.of(issuance)
    start = threading.Barrier(THREADS)

    def issue(application_id: int) -> str:
        try:
            with unit_of_work(api.session_factory) as session:
                start.wait(timeout=30)
                application = applications_service.get_application(
                    session, application_id, actor=officer, for_update=True
                )
                permit = workflow_service.issue_permit(
                    session,
                    application=application,
                    officer=officer,
                    issuance=issuance,
                    announcer=announcer,
                )
                return permit.number
        except DomainError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(issue, applications))

    numbers = sorted(x for x in outcomes if x != "quota_exceeded")
    assert len(numbers) == 5, outcomes
    assert outcomes.count("quota_exceeded") == THREADS - 5
    assert [int(n[-6:]) for n in numbers] == [1, 2, 3, 4, 5]  # no number lost to a refusal
    assert _used(api.session_factory) == quotas.Use(reserved=Decimal(10))
    with unit_of_work(api.session_factory) as session:
        assert session.scalar(select(func.count()).select_from(Permit)) == 5
        assert session.scalar(select(func.count()).select_from(QuotaLedgerEntry)) == 5
        statuses = [
            applications_service.get_application(session, i, actor=officer).status
            for i in applications
        ]
        assert sorted(statuses) == ["approved"] * 3 + ["issued"] * 5
        assert audit_service.verify_chain(session).ok


def test_concurrent_reservations_never_exceed_the_quota(tmp_path: Path, api: Api) -> None:
    """The ledger alone, without the issuance's other locks (permit numbers, audit trail)."""
    trader, officer = api.trader(), api.user("officer")
    holders = []  # permits of a species without a quota, for the reservations to belong to
    for _ in range(THREADS):
        application_id = api.submitted_application(trader, **body("1", name="Testudo hermanni"))
        api.client.post(f"/api/v1/applications/{application_id}/approve", headers=officer)
        issued = api.client.post(f"/api/v1/applications/{application_id}/issue", headers=officer)
        assert issued.status_code == 201, issued.text
        holders.append(int(issued.json()["id"]))
    import_quotas(api.session_factory, tmp_path, PYTHONS)
    today = utcnow().date()
    start = threading.Barrier(THREADS)
    lines = [QuotaLine("A", "Python regius", "LIV", "C", Decimal(2), "NAR")]

    def reserve(permit_id: int) -> str:
        try:
            with unit_of_work(api.session_factory) as session:
                start.wait(timeout=30)
                ledger.reserve(
                    session,
                    permit_id=permit_id,
                    party="CH",
                    lines=lines,
                    on=today,
                    expires_on=today + timedelta(days=30),
                    now=utcnow(),
                )
                return "reserved"
        except DomainError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(reserve, holders))

    assert sorted(outcomes) == ["quota_exceeded"] * 3 + ["reserved"] * 5
    assert _used(api.session_factory) == quotas.Use(reserved=Decimal(10))
    with unit_of_work(api.session_factory) as session:
        entries = session.scalars(select(QuotaLedgerEntry)).all()
        assert len(entries) == 5
        assert {e.permit_id for e in entries} == {
            h for h, outcome in zip(holders, outcomes, strict=True) if outcome == "reserved"
        }
