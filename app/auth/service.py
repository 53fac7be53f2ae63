"""Use cases for users, organisations and login (API keys: app.auth.api_keys)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import jwt
from pwdlib import PasswordHash
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth import repository, web_sessions
from app.auth.models import Organisation, User
from app.codelists import lists
from app.core.actor import Actor, Role
from app.core.clock import utcnow
from app.core.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)

_hasher = PasswordHash.recommended()  # argon2id
# A hash compared against when the user does not exist, so timing does not reveal user names.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 12
JWT_ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def actor_for(user: User, remote_addr: str | None = None) -> Actor:
    return Actor(
        full_name=user.full_name,
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        organisation_id=user.organisation_id,
        remote_addr=remote_addr,
    )


def visible_organisation(actor: Actor, *, readers: frozenset[Role], what: str) -> int | None:
    """Whose ``what`` the actor may read: a trader their own organisation's, the ``readers``
    roles everyone's (None); any other role none (PermissionDenied)."""
    if actor.role is Role.TRADER:
        if actor.organisation_id is None:
            raise PermissionDenied("trader without organisation", code="role_not_allowed")
        return actor.organisation_id
    if actor.role in readers:
        return None
    raise PermissionDenied(f"this role cannot read {what}", code="role_not_allowed")


def organisation_filter(
    actor: Actor, requested: int | None, *, readers: frozenset[Role], what: str
) -> int | None:
    """The organisation a list of ``what`` is limited to: the one asked for, or a trader's own
    (a trader asking for another organisation's is refused)."""
    own = visible_organisation(actor, readers=readers, what=what)
    if own is None:
        return requested
    if requested not in (None, own):
        raise PermissionDenied(
            f"traders see only their own organisation's {what}", code="other_organisation"
        )
    return own


# --- organisations -------------------------------------------------------------------------


def create_organisation(
    session: Session, *, name: str, address: str, country: str, actor: Actor
) -> Organisation:
    if repository.get_organisation_by_name(session, name) is not None:
        raise Conflict(
            f"an organisation named {name!r} exists",
            code="organisation_exists",
            details={"name": name},
        )
    organisation = Organisation(
        name=name, address=address, country=lists.country_code(country), created_at=utcnow()
    )
    session.add(organisation)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="organisation.create",
        object_type="organisation",
        object_id=organisation.id,
        details={"name": name, "country": country},
    )
    return organisation


def get_organisation(session: Session, organisation_id: int) -> Organisation:
    organisation = repository.get_organisation(session, organisation_id)
    if organisation is None:
        raise NotFound(f"organisation {organisation_id} not found", code="organisation_not_found")
    return organisation


def find_organisation(session: Session, name: str) -> Organisation:
    organisation = repository.get_organisation_by_name(session, name)
    if organisation is None:
        raise NotFound(f"organisation {name!r} not found", code="organisation_not_found")
    return organisation


def list_organisations(
    session: Session,
    *,
    country: str | None = None,
    name_contains: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Organisation], int]:
    return repository.list_organisations(
        session, country=country, name_contains=name_contains, limit=limit, offset=offset
    )


# --- users ---------------------------------------------------------------------------------


def create_user(
    session: Session,
    *,
    username: str,
    full_name: str,
    role: Role,
    password: str,
    organisation_id: int | None,
    actor: Actor,
) -> User:
    if role is Role.TRADER and organisation_id is None:
        raise InvalidInput(
            "a trader must belong to an organisation",
            code="organisation_required",
            details={"field": "organisation_id"},
        )
    if role is not Role.TRADER and organisation_id is not None:
        raise InvalidInput(
            "only traders belong to a trading organisation",
            code="organisation_not_allowed",
            details={"field": "organisation_id"},
        )
    if organisation_id is not None:
        get_organisation(session, organisation_id)
    if repository.get_user_by_username(session, username) is not None:
        raise Conflict(
            f"user {username!r} exists", code="user_exists", details={"username": username}
        )
    user = User(
        username=username,
        full_name=full_name,
        role=role.value,
        password_hash=hash_password(password),
        organisation_id=organisation_id,
        is_active=True,
        created_at=utcnow(),
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent creation of the same name
        raise Conflict(f"user {username!r} exists", code="user_exists") from exc
    audit.record(
        session,
        actor=actor,
        action="user.create",
        object_type="user",
        object_id=user.id,
        details={"username": username, "role": role.value, "organisation_id": organisation_id},
    )
    return user


def get_user(session: Session, user_id: int) -> User:
    user = repository.get_user(session, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found", code="user_not_found")
    return user


def find_user(session: Session, username: str) -> User:
    user = repository.get_user_by_username(session, username)
    if user is None:
        raise NotFound(f"user {username!r} not found", code="user_not_found")
    return user


def list_users(
    session: Session,
    *,
    role: Role | None = None,
    organisation_id: int | None = None,
    active: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[User], int]:
    return repository.list_users(
        session,
        role=role.value if role else None,
        organisation_id=organisation_id,
        active=active,
        limit=limit,
        offset=offset,
    )


def disable_user(session: Session, *, user: User, actor: Actor) -> User:
    if actor.user_id == user.id:
        raise Conflict("you cannot disable your own account", code="cannot_disable_self")
    return _set_active(session, user, False, actor)


def enable_user(session: Session, *, user: User, actor: Actor) -> User:
    """Let a disabled user sign in again (their revoked API keys stay revoked)."""
    return _set_active(session, user, True, actor)


def _set_active(session: Session, user: User, active: bool, actor: Actor) -> User:
    if user.is_active != active:
        user.is_active = active
        session.flush()
        action = "user.enable" if active else "user.disable"
        details = {"username": user.username}
        audit.record(
            session,
            actor=actor,
            action=action,
            object_type="user",
            object_id=user.id,
            details=details,
        )
        if not active:  # their browsers are signed out in the same unit of work
            web_sessions.end_all_for_disabled(session, user=user, actor=actor, now=utcnow())
    return user


def ensure_first_admin(session: Session, *, username: str, password: str) -> str | None:
    """Create the first administrator if there is none. Returns the password used when one
    was created (generated when ``password`` is empty), else None."""
    if repository.count_users(session, role=Role.ADMIN.value) > 0:
        return None
    if password and len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"ECITES_ADMIN_PASSWORD must have at least {MIN_PASSWORD_LENGTH} characters",
            code="password_too_short",
        )
    chosen = password or secrets.token_urlsafe(18)
    create_user(
        session,
        username=username,
        full_name="Administrator",
        role=Role.ADMIN,
        password=chosen,
        organisation_id=None,
        actor=Actor.system("bootstrap"),
    )
    return chosen


# --- login tokens --------------------------------------------------------------------------


def authenticate(
    session: Session, *, username: str, password: str, remote_addr: str | None = None
) -> User:
    """The user for these credentials; a successful login is audited."""
    user = repository.get_user_by_username(session, username)
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    valid = _hasher.verify(password, stored)
    if user is None or not valid or not user.is_active:
        raise NotAuthenticated(
            "invalid user name or password, or account disabled", code="invalid_credentials"
        )
    audit.record(
        session,
        actor=actor_for(user, remote_addr),
        action="auth.login",
        object_type="user",
        object_id=user.id,
    )
    return user


def issue_token(user: User, *, secret: str, minutes: int) -> tuple[str, datetime]:
    now = utcnow()
    expires_at = now + timedelta(minutes=minutes)
    claims = {"sub": str(user.id), "role": user.role, "iat": now, "exp": expires_at}
    return jwt.encode(claims, secret, algorithm=JWT_ALGORITHM), expires_at


def user_from_token(session: Session, token: str, *, secret: str) -> User:
    try:
        claims = jwt.decode(
            token, secret, algorithms=[JWT_ALGORITHM], options={"require": ["sub", "exp", "iat"]}
        )
        user_id = int(claims["sub"])
    except (jwt.PyJWTError, ValueError) as exc:
        raise NotAuthenticated(
            "the login token is invalid or expired", code="invalid_token"
        ) from exc
    user = repository.get_user(session, user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("the account is disabled or gone", code="invalid_token")
    return user
