"""Browser sessions kept on the server: started at sign-in, checked on every signed-in page
(one primary-key read), renewed while in use, ended by signing out, from another browser of
the same user, or by disabling the user.

The browser's cookie carries a random session id; the table keeps only its SHA-256, so a
copy of the database gives no usable cookie."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth import repository
from app.auth.models import User, WebSession
from app.core.actor import Actor

ABSOLUTE_HOURS = 12  # however active, a browser signs in again after this
USER_AGENT_CHARS = 255
SIGNED_OUT = "signed_out"
SIGNED_OUT_ELSEWHERE = "signed_out_elsewhere"
USER_DISABLED = "user_disabled"


def digest(session_id: str) -> str:
    """What the table keeps of a session id."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def expiries(now: datetime, idle: timedelta) -> tuple[datetime, datetime]:
    """A new session's idle and absolute expiries."""
    absolute = now + timedelta(hours=ABSOLUTE_HOURS)
    return min(now + idle, absolute), absolute


def start(
    session: Session,
    *,
    user: User,
    now: datetime,
    idle: timedelta,
    remote_addr: str | None,
    user_agent: str | None,
) -> str:
    """Open a session for ``user``, who has just signed in; the new session id (for the
    cookie: it is not stored)."""
    session_id = secrets.token_urlsafe(32)
    idle_until, absolute_until = expiries(now, idle)
    session.add(
        WebSession(
            id_hash=digest(session_id),
            user_id=user.id,
            created_at=now,
            renewed_at=now,
            idle_until=idle_until,
            absolute_until=absolute_until,
            remote_addr=remote_addr[:64] if remote_addr else None,
            user_agent=user_agent[:USER_AGENT_CHARS] if user_agent else None,
        )
    )
    session.flush()
    return session_id


def user_of(session: Session, session_id: str, *, now: datetime) -> User | None:
    """The active user whose open session this is; None when the session is unknown, ended
    or expired, or its user disabled."""
    return repository.web_session_user(session, digest(session_id), now=now)


def renew(
    session: Session, session_id: str, *, now: datetime, idle: timedelta
) -> WebSession | None:
    """Push an open session's idle expiry back (never past its absolute one); None when it is
    not open any more. Called once half the idle time has passed, not on every request."""
    row = repository.get_web_session(session, digest(session_id))
    if row is None or not row.open_at(now):
        return None
    row.idle_until = min(now + idle, row.absolute_until)
    row.renewed_at = now
    session.flush()
    return row


def end(session: Session, session_id: str, *, now: datetime) -> None:
    """Sign out: end this session (if it is still open)."""
    row = repository.get_web_session(session, digest(session_id))
    if row is not None and row.ended_at is None:
        row.ended_at = now
        row.end_reason = SIGNED_OUT
        session.flush()


def list_open(
    session: Session, *, user_id: int, now: datetime, limit: int = 20
) -> tuple[list[WebSession], int]:
    """The user's open sessions, most recently renewed first (at most ``limit``), and how
    many are open."""
    return repository.open_web_sessions(session, user_id=user_id, now=now, limit=limit)


def end_others(session: Session, *, session_id: str, actor: Actor, now: datetime) -> int:
    """ "Sign out everywhere else": end the actor's other open sessions, keep this one;
    audited. How many were ended."""
    assert actor.user_id is not None
    ended = repository.end_web_sessions(
        session,
        user_id=actor.user_id,
        now=now,
        reason=SIGNED_OUT_ELSEWHERE,
        keep=digest(session_id),
    )
    audit.record(
        session,
        actor=actor,
        action="auth.sign_out_others",
        object_type="user",
        object_id=actor.user_id,
        details={"sessions_ended": ended},
    )
    return ended


def end_all_for_disabled(session: Session, *, user: User, actor: Actor, now: datetime) -> int:
    """End every open session of a user being disabled, in the caller's unit of work; audited
    when there was any. How many were ended."""
    ended = repository.end_web_sessions(session, user_id=user.id, now=now, reason=USER_DISABLED)
    if ended:
        audit.record(
            session,
            actor=actor,
            action="auth.sessions_ended",
            object_type="user",
            object_id=user.id,
            details={"reason": USER_DISABLED, "sessions_ended": ended},
        )
    return ended


def prune(session: Session, *, now: datetime, keep: timedelta) -> int:
    """Delete the sessions that ended or expired more than ``keep`` ago; how many."""
    return repository.delete_web_sessions_before(session, now - keep)
