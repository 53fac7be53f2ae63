"""Permit numbers: unique per Party, no gaps, no duplicates, even when several threads or
processes issue at once (on every backend, PostgreSQL included)."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.applications import service as applications_service
from app.applications.schemas import ApplicationIn
from app.audit import service as audit_service
from app.auth import service as auth_service
from app.bootstrap import make_issuance
from app.core.actor import Actor, Role
from app.core.config import Settings
from app.core.db import make_engine, make_session_factory, unit_of_work
from app.core.errors import InvalidInput
from app.outbox.announce import Announcer
from app.permits import service as permits_service
from app.permits.document import Issuance
from app.permits.models import Permit
from app.workflow import service as workflow
from tests.factories import PASSWORD, application_body

TEMPLATE = "{yy}{party}{serial:06d}"


def _world(factory: sessionmaker[Session], applications: int) -> tuple[Actor, list[int]]:
    """An officer and ``applications`` submitted applications."""
    system = Actor.system("test")
    with unit_of_work(factory) as session:
        org = auth_service.create_organisation(
            session, name="Exotic Pets AG", address="Zurich", country="CH", actor=system
        )
        trader = auth_service.create_user(
            session,
            username="trader",
            full_name="T",
            role=Role.TRADER,
            password=PASSWORD,
            organisation_id=org.id,
            actor=system,
        )
        officer = auth_service.create_user(
            session,
            username="officer",
            full_name="O",
            role=Role.OFFICER,
            password=PASSWORD,
            organisation_id=None,
            actor=system,
        )
        trader_actor = auth_service.actor_for(trader)
        officer_actor = auth_service.actor_for(officer)
    data = ApplicationIn.model_validate(application_body())
    ids = []
    with unit_of_work(factory) as session:
        for _ in range(applications):
            application = applications_service.create_draft(session, data=data, actor=trader_actor)
            workflow.submit_application(session, application=application, actor=trader_actor)
            ids.append(application.id)
    return officer_actor, ids


def _approve_and_issue(
    factory: sessionmaker[Session], issuance: Issuance, officer: Actor, application_id: int
) -> str:
    with unit_of_work(factory) as session:
        application = applications_service.get_application(
            session, application_id, actor=officer, for_update=True
        )
        workflow.approve_application(session, application=application, officer=officer)
        permit = workflow.issue_permit(
            session,
            application=application,
            officer=officer,
            issuance=issuance,
            announcer=Announcer.of(issuance),
        )
        return permit.number


def _process_worker(settings: Settings, officer: Actor, application_ids: list[int]) -> list[str]:
    engine = make_engine(settings.effective_database_url)
    try:
        factory = make_session_factory(engine)
        issuance = make_issuance(settings)  # the key is the one the test's data directory holds
        return [_approve_and_issue(factory, issuance, officer, i) for i in application_ids]
    finally:
        engine.dispose()


def _assert_contiguous(factory: sessionmaker[Session], numbers: list[str], count: int) -> None:
    year = datetime.now(UTC).year % 100
    expected = [f"{year:02d}CH{serial:06d}" for serial in range(1, count + 1)]
    assert sorted(numbers) == expected
    with unit_of_work(factory) as session:
        stored = sorted(session.scalars(select(Permit.number)))
        assert stored == expected
        assert audit_service.verify_chain(session).ok


def test_concurrent_threads_never_duplicate_or_skip(
    session_factory: sessionmaker[Session], issuance: Issuance
) -> None:
    officer, ids = _world(session_factory, 60)
    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(
            pool.map(lambda i: _approve_and_issue(session_factory, issuance, officer, i), ids)
        )
    _assert_contiguous(session_factory, numbers, len(ids))


def test_concurrent_processes_never_duplicate_or_skip(
    session_factory: sessionmaker[Session], settings: Settings, issuance: Issuance
) -> None:
    officer, ids = _world(session_factory, 60)
    chunks = [ids[i::4] for i in range(4)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        results = pool.starmap(_process_worker, [(settings, officer, c) for c in chunks])
    numbers = [n for chunk in results for n in chunk]
    _assert_contiguous(session_factory, numbers, len(ids))


def test_failed_issuance_leaves_no_gap(
    session_factory: sessionmaker[Session], issuance: Issuance
) -> None:
    officer, ids = _world(session_factory, 2)

    def approve_allocate_then_fail() -> None:
        with unit_of_work(session_factory) as session:
            application = applications_service.get_application(session, ids[0], actor=officer)
            workflow.approve_application(session, application=application, officer=officer)
            # the number is allocated, then a later check fails: all of it rolls back
            permits_service.allocate_number(session, party="CH", year=2026, template=TEMPLATE)
            raise InvalidInput("simulated failure after allocation")

    with pytest.raises(InvalidInput):
        approve_allocate_then_fail()
    numbers = [_approve_and_issue(session_factory, issuance, officer, i) for i in ids]
    _assert_contiguous(session_factory, numbers, 2)


def test_number_template_and_sequences_per_year(session_factory: sessionmaker[Session]) -> None:
    assert (
        permits_service.format_number(
            "{yyyy}-{party}-{serial:05d}", party="KE", year=2027, serial=42
        )
        == "2027-KE-00042"
    )
    with unit_of_work(session_factory) as session:
        first_2026 = permits_service.allocate_number(
            session, party="CH", year=2026, template=TEMPLATE
        )
        first_2027 = permits_service.allocate_number(
            session, party="CH", year=2027, template=TEMPLATE
        )
        second_2026 = permits_service.allocate_number(
            session, party="CH", year=2026, template=TEMPLATE
        )
    assert (first_2026, second_2026, first_2027) == ("26CH000001", "26CH000002", "27CH000001")
