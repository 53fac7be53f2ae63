"""Signing in with a password, throttled: the one use case behind the browser's sign-in form
and ``POST /api/v1/auth/token``.

Failed sign-ins are counted in the database (table ``sign_in_throttle``), so every worker
process sees the same counts: per account name (its SHA-256: a password typed into the name
field is never stored) and per client address. After ``max_failures`` failures for one name
within the window, or ``address_max_failures`` from one address, sign-ins for that name, or
from that address, are refused for one window from the failure that reached the limit, with
the right password too, and without checking it. A successful sign-in resets its name's count
(not its address's: signing in to one's own account does not buy more guesses at others).
Unknown names are counted like known ones and still cost a password hash, so that neither
the answers nor their timing tell which accounts exist."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth import repository, web_sessions
from app.auth import service as auth_service
from app.auth.models import SignInThrottle, User
from app.core.actor import Actor
from app.core.config import Settings
from app.core.errors import DomainError, NotAuthenticated, TooManyRequests

ACCOUNT = "account"
ADDRESS = "address"
UNKNOWN_ADDRESS = "unknown"
UNKNOWN_NAME = "(not an account)"


@dataclass(frozen=True)
class Policy:
    """The limits: failures per account name and per client address within ``window``."""

    max_failures: int = 5
    address_max_failures: int = 20
    window: timedelta = timedelta(minutes=15)

    @classmethod
    def of(cls, settings: Settings) -> Policy:
        return cls(
            max_failures=settings.sign_in_max_failures,
            address_max_failures=settings.sign_in_address_max_failures,
            window=timedelta(minutes=settings.sign_in_window_minutes),
        )


def attempt(
    session: Session,
    *,
    username: str,
    password: str,
    remote_addr: str | None,
    policy: Policy,
    now: datetime,
) -> User | DomainError:
    """The user for these credentials (the sign-in is audited as ``auth.login``), or the
    error to answer with: ``NotAuthenticated`` (wrong name or password, disabled account) or
    ``TooManyRequests`` (``too_many_sign_in_attempts``, with the seconds to wait).

    The error is returned, not raised, because what the attempt counted must be committed
    with the caller's unit of work: raise it after the commit."""
    address_key = (remote_addr or UNKNOWN_ADDRESS)[:64]
    address = repository.get_throttle(session, ADDRESS, address_key)
    wait = _wait(address, policy.address_max_failures, policy.window, now)
    if address is not None and wait > 0:  # checked first: a refused address adds no row
        return _refuse(session, address, username, remote_addr, wait, now)
    account = repository.locked_throttle(session, ACCOUNT, _name_key(username), now=now)
    wait = _wait(account, policy.max_failures, policy.window, now)
    if wait > 0:
        return _refuse(session, account, username, remote_addr, wait, now)
    try:
        user = auth_service.authenticate(
            session, username=username, password=password, remote_addr=remote_addr
        )
    except NotAuthenticated as exc:
        _count_failure(account, policy.max_failures, policy.window, now)
        address = repository.locked_throttle(session, ADDRESS, address_key, now=now)
        _count_failure(address, policy.address_max_failures, policy.window, now)
        session.flush()
        return exc
    session.delete(account)  # a success resets the name's count
    session.flush()
    return user


def in_browser(
    session: Session,
    *,
    username: str,
    password: str,
    remote_addr: str | None,
    user_agent: str | None,
    previous: str | None,
    policy: Policy,
    now: datetime,
    idle: timedelta,
) -> tuple[User, str] | DomainError:
    """A browser's sign-in: the attempt, then a new session (``previous``, the session the
    browser had, ends). The user and the new session's id, or the error, as ``attempt``."""
    outcome = attempt(
        session,
        username=username,
        password=password,
        remote_addr=remote_addr,
        policy=policy,
        now=now,
    )
    if isinstance(outcome, DomainError):
        return outcome
    if previous is not None:
        web_sessions.end(session, previous, now=now)
    session_id = web_sessions.start(
        session, user=outcome, now=now, idle=idle, remote_addr=remote_addr, user_agent=user_agent
    )
    return outcome, session_id


def prune(session: Session, *, now: datetime, policy: Policy) -> int:
    """Delete the counts whose window has passed (they no longer limit anything); how many."""
    return repository.delete_throttles_before(session, now - policy.window)


def _name_key(username: str) -> str:
    return hashlib.sha256(username.encode("utf-8", "replace")).hexdigest()


def _wait(row: SignInThrottle | None, limit: int, window: timedelta, now: datetime) -> int:
    """Seconds until ``row`` lets sign-ins through again (0: now)."""
    if row is None or row.failures < limit:
        return 0
    return max(0, math.ceil((row.window_start + window - now).total_seconds()))


def _count_failure(row: SignInThrottle, limit: int, window: timedelta, now: datetime) -> None:
    if row.window_start + window <= now:  # the last window is over: count afresh
        row.failures = 0
        row.window_start = now
    row.failures += 1
    if row.failures == limit:  # refused for a whole window from this failure on
        row.window_start = now


def _refuse(
    session: Session,
    row: SignInThrottle,
    username: str,
    remote_addr: str | None,
    wait: int,
    now: datetime,
) -> TooManyRequests:
    """The refusal; its lockout's first refusal is audited (later ones would only repeat it,
    and would let anyone fill the audit trail, which is never pruned), naming the account only
    if it exists."""
    if row.refused_at is None or row.refused_at < row.window_start:
        row.refused_at = now
        if repository.get_user_by_username(session, username) is None:
            username = UNKNOWN_NAME  # it may be a password typed into the name field
        audit.record(
            session,
            actor=Actor(user_id=None, username="anonymous", role=None, remote_addr=remote_addr),
            action="auth.sign_in_throttled",
            object_type="sign_in",
            object_id=username[:64],
            details={
                "username": username,
                "limit": row.scope,
                "failures": row.failures,
                "retry_after_seconds": wait,
            },
        )
        session.flush()
    return TooManyRequests(
        f"too many failed sign-in attempts; try again in {wait} s",
        code="too_many_sign_in_attempts",
        retry_after_seconds=wait,
    )
