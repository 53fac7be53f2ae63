"""Use cases for API keys: the credentials of machine clients (e.g. a customs system),
each acting as the user it belongs to. A key is ``ecites_<prefix>_<secret>``: only its
SHA-256 is stored, the plaintext is shown once."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth import repository
from app.auth.models import ApiKey, User
from app.core.actor import Actor, Role
from app.core.clock import utcnow
from app.core.db import Reader
from app.core.errors import Conflict, NotAuthenticated, NotFound

API_KEY_PREFIX = "ecites"


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(session: Session, *, user: User, name: str, actor: Actor) -> tuple[ApiKey, str]:
    """A new key ``ecites_<prefix>_<secret>``; the plaintext is returned once, never stored."""
    if not user.is_active:
        raise Conflict("cannot create a key for a disabled user", code="user_disabled")
    prefix = secrets.token_hex(6)
    key = f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey(
        user_id=user.id, name=name, prefix=prefix, key_hash=_key_hash(key), created_at=utcnow()
    )
    session.add(api_key)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="api_key.create",
        object_type="api_key",
        object_id=api_key.id,
        details={"user_id": user.id, "name": name, "prefix": prefix},
    )
    return api_key, key


def get_api_key(session: Session, key_id: int) -> ApiKey:
    api_key = repository.get_api_key(session, key_id)
    if api_key is None:
        raise NotFound(f"API key {key_id} not found", code="api_key_not_found")
    return api_key


def list_api_keys(
    session: Session, *, user_id: int | None, revoked: bool | None, limit: int, offset: int
) -> tuple[list[ApiKey], int]:
    return repository.list_api_keys(
        session, user_id=user_id, revoked=revoked, limit=limit, offset=offset
    )


def revoke_api_key(session: Session, *, api_key: ApiKey, actor: Actor) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="api_key.revoke",
            object_type="api_key",
            object_id=api_key.id,
            details={"prefix": api_key.prefix},
        )
    return api_key


def actor_from_api_key(reader: Reader, key: str, remote_addr: str | None = None) -> Actor:
    """Who presents this API key: an active user's key, not revoked (one row read)."""
    invalid = NotAuthenticated("the API key is invalid or revoked", code="invalid_api_key")
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX:
        raise invalid
    holder = repository.api_key_holder(reader, parts[1])
    if holder is None or holder.revoked_at is not None:
        raise invalid
    if not hmac.compare_digest(holder.key_hash, _key_hash(key)):
        raise invalid
    if not holder.is_active:
        raise invalid
    return Actor(
        full_name=holder.full_name,
        user_id=holder.id,
        username=holder.username,
        role=Role(holder.role),
        organisation_id=holder.organisation_id,
        remote_addr=remote_addr,
    )
