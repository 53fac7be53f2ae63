"""Sign-in throttling (app.auth.sign_in), the one place behind both the browser's form and
``POST /api/v1/auth/token``: failures counted per account name and per client address in
the database, refusals with the right password too, reset by a success, the same for names
that do not exist; time is passed in (``now``), never slept."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import AuditEvent
from app.auth import service as auth_service
from app.auth import sign_in
from app.auth.models import SignInThrottle, User
from app.core.actor import Actor, Role
from app.core.db import unit_of_work
from app.core.errors import DomainError, TooManyRequests
from tests.factories import PASSWORD

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
POLICY = sign_in.Policy(max_failures=5, address_max_failures=20, window=timedelta(minutes=15))
HOME = "192.0.2.10"
ELSEWHERE = "198.51.100.7"
SECOND = timedelta(seconds=1)


@pytest.fixture
def factory(session_factory: sessionmaker[Session]) -> sessionmaker[Session]:
    with unit_of_work(session_factory) as session:
        for name in ("anna", "marc"):
            auth_service.create_user(
                session,
                username=name,
                full_name=name.title(),
                role=Role.OFFICER,
                password=PASSWORD,
                organisation_id=None,
                actor=Actor.system("test"),
            )
    return session_factory


def attempt(
    factory: sessionmaker[Session],
    username: str,
    password: str,
    now: datetime,
    address: str = HOME,
) -> User | DomainError:
    with unit_of_work(factory) as session:
        return sign_in.attempt(
            session,
            username=username,
            password=password,
            remote_addr=address,
            policy=POLICY,
            now=now,
        )


def code(outcome: User | DomainError) -> str:
    return outcome.code if isinstance(outcome, DomainError) else "signed_in"


def throttled_events(factory: sessionmaker[Session]) -> list[dict[str, object]]:
    with unit_of_work(factory) as session:
        found = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "auth.sign_in_throttled")
            .order_by(AuditEvent.seq)
        )
        return [{"remote_addr": e.remote_addr, **json.loads(e.details)} for e in found]


def test_the_sixth_attempt_is_refused_even_with_the_right_password(factory) -> None:
    wrong = [code(attempt(factory, "anna", "wrong", T0 + i * SECOND)) for i in range(5)]
    assert wrong == ["invalid_credentials"] * 5

    refused = attempt(factory, "anna", PASSWORD, T0 + 5 * SECOND)
    assert isinstance(refused, TooManyRequests)
    assert refused.code == "too_many_sign_in_attempts"
    assert refused.status == 429
    # refused for a whole window from the fifth failure (T0 + 4 s) on
    assert refused.details == {"retry_after_seconds": 15 * 60 - 1}
    assert refused.retry_after_seconds == 15 * 60 - 1

    last_failure = T0 + 4 * SECOND
    still = attempt(factory, "anna", PASSWORD, last_failure + POLICY.window - SECOND)
    assert code(still) == "too_many_sign_in_attempts"
    assert isinstance(still, TooManyRequests)
    assert still.retry_after_seconds == 1
    allowed = attempt(factory, "anna", PASSWORD, last_failure + POLICY.window)
    assert isinstance(allowed, User)
    assert allowed.username == "anna"
    # the other account was never limited
    assert isinstance(attempt(factory, "marc", PASSWORD, T0 + 6 * SECOND), User)


def test_unknown_user_names_are_throttled_the_same(factory) -> None:
    def story(name: str, start: datetime) -> list[tuple[str, object]]:
        outcomes = [attempt(factory, name, "wrong", start + i * SECOND) for i in range(6)]
        outcomes.append(attempt(factory, name, PASSWORD, start + 6 * SECOND))
        return [(code(o), o.details if isinstance(o, DomainError) else None) for o in outcomes]

    known = story("anna", T0)
    unknown = story("nobody-here", T0 + timedelta(hours=1))
    assert known == unknown
    assert [c for c, _ in known] == ["invalid_credentials"] * 5 + ["too_many_sign_in_attempts"] * 2
    assert known[-1][1] == {"retry_after_seconds": 15 * 60 - 2}
    # the audit names an account only if it exists (a name may be a mistyped password)
    assert [e["username"] for e in throttled_events(factory)] == ["anna", "(not an account)"]


def test_a_success_resets_the_accounts_count(factory) -> None:
    now = T0
    for _ in range(4):
        assert code(attempt(factory, "anna", "wrong", now)) == "invalid_credentials"
        now += SECOND
    assert code(attempt(factory, "anna", PASSWORD, now)) == "signed_in"
    for _ in range(4):  # four more: with the first four they would have been eight
        now += SECOND
        assert code(attempt(factory, "anna", "wrong", now)) == "invalid_credentials"
    assert code(attempt(factory, "anna", PASSWORD, now + SECOND)) == "signed_in"


def test_failures_older_than_the_window_no_longer_count(factory) -> None:
    for i in range(4):
        assert code(attempt(factory, "anna", "wrong", T0 + i * SECOND)) == "invalid_credentials"
    later = T0 + POLICY.window + timedelta(minutes=1)
    for i in range(4):
        assert code(attempt(factory, "anna", "wrong", later + i * SECOND)) == "invalid_credentials"
    assert code(attempt(factory, "anna", PASSWORD, later + 5 * SECOND)) == "signed_in"


def test_one_address_cannot_try_many_accounts(factory) -> None:
    for i in range(20):  # one failure for each of twenty names: no account reaches its limit
        outcome = attempt(factory, f"guess{i}", "wrong", T0 + i * SECOND)
        assert code(outcome) == "invalid_credentials"

    refused = attempt(factory, "marc", PASSWORD, T0 + 21 * SECOND)
    assert isinstance(refused, TooManyRequests)
    assert refused.retry_after_seconds == 15 * 60 - 2  # from the twentieth failure (T0 + 19 s)
    # the same account from another address, and the address once the window has passed
    assert code(attempt(factory, "marc", PASSWORD, T0 + 22 * SECOND, ELSEWHERE)) == "signed_in"
    after = T0 + 19 * SECOND + POLICY.window
    assert code(attempt(factory, "marc", PASSWORD, after)) == "signed_in"


def test_a_success_does_not_reset_the_address_count(factory) -> None:
    for i in range(19):
        attempt(factory, f"guess{i}", "wrong", T0 + i * SECOND)
    assert code(attempt(factory, "anna", PASSWORD, T0 + 20 * SECOND)) == "signed_in"
    assert code(attempt(factory, "guess", "wrong", T0 + 21 * SECOND)) == "invalid_credentials"
    assert code(attempt(factory, "anna", PASSWORD, T0 + 22 * SECOND)) == (
        "too_many_sign_in_attempts"
    )


def test_a_disabled_account_counts_like_a_wrong_password(factory) -> None:
    with unit_of_work(factory) as session:
        auth_service.disable_user(
            session, user=auth_service.find_user(session, "marc"), actor=Actor.system("test")
        )
    outcomes = [code(attempt(factory, "marc", PASSWORD, T0 + i * SECOND)) for i in range(6)]
    assert outcomes == ["invalid_credentials"] * 5 + ["too_many_sign_in_attempts"]


def test_the_counts_are_kept_in_the_database_without_the_names(factory) -> None:
    attempt(factory, "anna", "wrong", T0)
    with unit_of_work(factory) as session:
        rows = {(r.scope, r.subject): r.failures for r in session.scalars(select(SignInThrottle))}
    assert rows == {
        ("account", sign_in._name_key("anna")): 1,
        ("address", HOME): 1,
    }
    assert not any("anna" in subject for _scope, subject in rows)


def test_each_lockout_is_audited_once(factory) -> None:
    for i in range(5):
        attempt(factory, "anna", "wrong", T0 + i * SECOND)
    for i in range(3):
        assert code(attempt(factory, "anna", PASSWORD, T0 + (5 + i) * SECOND)) == (
            "too_many_sign_in_attempts"
        )
    events = throttled_events(factory)
    assert events == [
        {
            "remote_addr": HOME,
            "username": "anna",
            "limit": "account",
            "failures": 5,
            "retry_after_seconds": 15 * 60 - 1,
        }
    ]
    # a new lockout after the window is audited again
    later = T0 + timedelta(hours=1)
    for i in range(6):
        attempt(factory, "anna", "wrong", later + i * SECOND)
    assert [e["limit"] for e in throttled_events(factory)] == ["account", "account"]


def test_an_address_lockout_is_audited_with_its_limit(factory) -> None:
    for i in range(20):
        attempt(factory, f"guess{i}", "wrong", T0 + i * SECOND)
    attempt(factory, "anna", PASSWORD, T0 + 20 * SECOND)
    attempt(factory, "marc", PASSWORD, T0 + 21 * SECOND)
    events = throttled_events(factory)
    assert len(events) == 1
    assert events[0]["limit"] == "address"
    assert events[0]["username"] == "anna"
    assert events[0]["remote_addr"] == HOME


def test_prune_deletes_only_the_counts_whose_window_has_passed(factory) -> None:
    attempt(factory, "anna", "wrong", T0)
    attempt(factory, "marc", "wrong", T0 + timedelta(minutes=10), ELSEWHERE)
    with unit_of_work(factory) as session:
        deleted = sign_in.prune(session, now=T0 + timedelta(minutes=20), policy=POLICY)
    assert deleted == 2  # anna's name and HOME; marc's and ELSEWHERE's windows are running
    with unit_of_work(factory) as session:
        left = {(r.scope, r.subject) for r in session.scalars(select(SignInThrottle))}
    assert left == {("account", sign_in._name_key("marc")), ("address", ELSEWHERE)}


def test_concurrent_attempts_on_one_name_take_turns(factory) -> None:
    """Ten attempts at once (as from several worker processes) get exactly the five failures
    allowed: the name's counter is locked while each attempt checks the password."""
    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(
            pool.map(lambda i: code(attempt(factory, "anna", f"wrong{i}", T0)), range(10))
        )
    assert sorted(outcomes) == ["invalid_credentials"] * 5 + ["too_many_sign_in_attempts"] * 5
