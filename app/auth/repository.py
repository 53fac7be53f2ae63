from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.orm import Session

from app.auth.models import ApiKey, Organisation, User
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


def list_api_keys(session: Session, *, user_id: int | None) -> list[ApiKey]:
    query = select(ApiKey).order_by(ApiKey.id)
    if user_id is not None:
        query = query.where(ApiKey.user_id == user_id)
    return list(session.scalars(query))
