from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.auth.models import ApiKey, Organisation, SignInThrottle, User, WebSession
from app.core.db import Reader, connection_of, page


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def get_organisation(session: Session, organisation_id: int) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def get_organisation_by_name(session: Session, name: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.name == name))


def count_users(session: Session, *, role: str | None = None) -> int:
    query = select(func.count()).select_from(User)
    if role:
        query = query.where(User.role == role)
    return session.scalar(query) or 0


def list_users(
    session: Session,
    *,
    role: str | None,
    organisation_id: int | None,
    active: bool | None,
    limit: int,
    offset: int,
) -> tuple[list[User], int]:
    query = select(User)
    if role:
        query = query.where(User.role == role)
    if organisation_id is not None:
        query = query.where(User.organisation_id == organisation_id)
    if active is not None:
        query = query.where(User.is_active.is_(active))
    return page(session, query, User.id, limit=limit, offset=offset)


def list_organisations(
    session: Session, *, country: str | None, name_contains: str | None, limit: int, offset: int
) -> tuple[list[Organisation], int]:
    query = select(Organisation)
    if country:
        query = query.where(Organisation.country == country)
    if name_contains:
        query = query.where(Organisation.name.ilike(f"%{name_contains}%"))
    return page(session, query, Organisation.name, limit=limit, offset=offset)


def get_api_key(session: Session, key_id: int) -> ApiKey | None:
    return session.get(ApiKey, key_id)


_KEYS = cast(Table, ApiKey.__table__)
_USERS = cast(Table, User.__table__)
# Every request with an API key reads this: one Core statement, built once.
_KEY_HOLDER = (
    select(
        _KEYS.c.key_hash,
        _KEYS.c.revoked_at,
        _USERS.c.id,
        _USERS.c.username,
        _USERS.c.full_name,
        _USERS.c.role,
        _USERS.c.organisation_id,
        _USERS.c.is_active,
    )
    .join_from(_KEYS, _USERS, _KEYS.c.user_id == _USERS.c.id)
    .where(_KEYS.c.prefix == bindparam("prefix"))
)


def api_key_holder(reader: Reader, prefix: str) -> Any:
    """The key with this prefix (its hash, whether revoked) and its user's identity: a row
    with the columns of ``_KEY_HOLDER``, or None."""
    return connection_of(reader).execute(_KEY_HOLDER, {"prefix": prefix}).first()


def list_api_keys(
    session: Session, *, user_id: int | None, revoked: bool | None, limit: int, offset: int
) -> tuple[list[ApiKey], int]:
    """API keys, newest first."""
    query = select(ApiKey)
    if user_id is not None:
        query = query.where(ApiKey.user_id == user_id)
    if revoked is not None:
        query = query.where(
            ApiKey.revoked_at.is_not(None) if revoked else ApiKey.revoked_at.is_(None)
        )
    return page(session, query, ApiKey.id.desc(), limit=limit, offset=offset)


# --- browser sessions ----------------------------------------------------------------------


def web_session_user(session: Session, id_hash: str, *, now: datetime) -> User | None:
    """The active user of the open session ``id_hash``: one primary-key read (and the user's,
    joined), on every signed-in page."""
    return session.scalar(
        select(User)
        .join(WebSession, WebSession.user_id == User.id)
        .where(
            WebSession.id_hash == id_hash,
            WebSession.ended_at.is_(None),
            WebSession.idle_until > now,
            WebSession.absolute_until > now,
            User.is_active.is_(True),
        )
    )


def get_web_session(session: Session, id_hash: str) -> WebSession | None:
    return session.get(WebSession, id_hash)


def open_web_sessions(
    session: Session, *, user_id: int, now: datetime, limit: int
) -> tuple[list[WebSession], int]:
    """The user's open sessions, most recently renewed first (``limit`` of them), and how
    many there are."""
    query = select(WebSession).where(
        WebSession.user_id == user_id,
        WebSession.ended_at.is_(None),
        WebSession.idle_until > now,
        WebSession.absolute_until > now,
    )
    order = (WebSession.renewed_at.desc(), WebSession.created_at.desc())
    return page(session, query, *order, limit=limit, offset=0)


def end_web_sessions(
    session: Session, *, user_id: int, now: datetime, reason: str, keep: str | None = None
) -> int:
    """End the user's open sessions (all but ``keep``, an id hash); how many were open."""
    query = update(WebSession).where(
        WebSession.user_id == user_id,
        WebSession.ended_at.is_(None),
        WebSession.idle_until > now,
        WebSession.absolute_until > now,
    )
    if keep is not None:
        query = query.where(WebSession.id_hash != keep)
    result = session.execute(
        query.values(ended_at=now, end_reason=reason),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(result, "rowcount", 0) or 0)


def delete_web_sessions_before(session: Session, cutoff: datetime) -> int:
    """Delete the sessions ended, or expired, before ``cutoff``; how many."""
    result = session.execute(
        delete(WebSession).where(or_(WebSession.ended_at < cutoff, WebSession.idle_until < cutoff)),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(result, "rowcount", 0) or 0)


# --- sign-in throttle ----------------------------------------------------------------------


def get_throttle(session: Session, scope: str, subject: str) -> SignInThrottle | None:
    return session.get(SignInThrottle, (scope, subject))


def locked_throttle(session: Session, scope: str, subject: str, *, now: datetime) -> SignInThrottle:
    """The counter of ``(scope, subject)``, made (with no failures) if there is none, and
    locked until commit: attempts on one account name take their turn (on PostgreSQL by
    this row lock; SQLite's writers take turns anyway)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    with session.no_autoflush:
        session.execute(
            insert(SignInThrottle)
            .values(scope=scope, subject=subject, failures=0, window_start=now)
            .on_conflict_do_nothing()
        )
        return session.scalars(
            select(SignInThrottle)
            .where(SignInThrottle.scope == scope, SignInThrottle.subject == subject)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()


def delete_throttles_before(session: Session, cutoff: datetime) -> int:
    """Delete the counters whose window started before ``cutoff`` (over: they count
    nothing any more); how many."""
    result = session.execute(
        delete(SignInThrottle).where(SignInThrottle.window_start < cutoff),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(result, "rowcount", 0) or 0)
