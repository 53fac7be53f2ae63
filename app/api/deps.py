"""Request dependencies: settings, the unit of work, the current user, role checks, paging."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
from fastapi import Depends, Query, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from app.auth import api_keys
from app.auth import service as auth_service
from app.core.actor import Actor, Role
from app.core.config import Settings
from app.core.db import Reader, begin_read_only, session_of
from app.core.errors import NotAuthenticated, PermissionDenied
from app.exchange.foreign import Receiver
from app.outbox.announce import Announcer
from app.permits.document import Issuance, IssuingAuthority
from app.trust.keys import OwnKeys
from app.xml.schema import SchemaRegistry


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request, committed when the endpoint has returned and before the
    response is sent (so whatever the client is told is already durable)."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    session = factory()
    try:
        if request.method in ("GET", "HEAD"):
            begin_read_only(session)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def app_state(name: str) -> Callable[[Request], Coroutine[Any, Any, Any]]:
    """A dependency giving one of the adapters app/bootstrap.py built (kept on app.state)."""

    async def dependency(request: Request) -> Any:  # no I/O: stays on the event loop
        return getattr(request.app.state, name)

    dependency.__name__ = f"get_{name}"
    return dependency


SettingsDep = Annotated[Settings, Depends(app_state("settings"))]
SessionFactoryDep = Annotated[sessionmaker[Session], Depends(app_state("session_factory"))]
SchemaDep = Annotated[SchemaRegistry, Depends(app_state("schema"))]
AuthorityDep = Annotated[IssuingAuthority, Depends(app_state("authority"))]
IssuanceDep = Annotated[Issuance, Depends(app_state("issuance"))]
AnnouncerDep = Annotated[Announcer, Depends(app_state("announcer"))]
ReceiverDep = Annotated[Receiver, Depends(app_state("receiver"))]
HttpClientDep = Annotated[httpx.Client, Depends(app_state("http_client"))]
OwnKeysDep = Annotated[OwnKeys, Depends(app_state("own_keys"))]
SecretKeyDep = Annotated[str, Depends(app_state("secret_key"))]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

_bearer = HTTPBearer(auto_error=False, description="A login token from POST /api/v1/auth/token")
_api_key = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="An API key for machine clients (e.g. customs systems)",
)


@dataclass(frozen=True)
class Credentials:
    """What a request presents, read without touching the database (for endpoints that
    authenticate inside their own unit of work)."""

    bearer: str | None
    api_key: str | None
    remote: str | None
    secret: str

    def actor(self, reader: Reader, *roles: Role) -> Actor:
        """Authenticate, then require one of ``roles`` (none: any signed-in user)."""
        if self.bearer is not None:
            user = auth_service.user_from_token(session_of(reader), self.bearer, secret=self.secret)
            actor = auth_service.actor_for(user, self.remote)
        elif self.api_key:
            actor = api_keys.actor_from_api_key(reader, self.api_key, self.remote)
        else:
            raise NotAuthenticated("log in (Bearer token) or send an X-API-Key header")
        if roles:
            _require(actor, frozenset(roles))
        return actor


async def get_credentials(
    request: Request,
    secret: SecretKeyDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> Credentials:
    return Credentials(
        bearer=bearer.credentials if bearer is not None else None,
        api_key=api_key,
        remote=request.client.host if request.client else None,
        secret=secret,
    )


CredentialsDep = Annotated[Credentials, Depends(get_credentials)]


def get_actor(session: SessionDep, credentials: CredentialsDep) -> Actor:
    return credentials.actor(session)


CurrentActor = Annotated[Actor, Depends(get_actor)]


def require_role(*roles: Role) -> Callable[[Actor], Coroutine[Any, Any, Actor]]:
    allowed = frozenset(roles)

    async def check(actor: CurrentActor) -> Actor:  # no I/O: stays on the event loop
        return _require(actor, allowed)

    return check


def _require(actor: Actor, allowed: frozenset[Role]) -> Actor:
    if actor.role not in allowed:
        raise PermissionDenied(
            f"this needs the role {' or '.join(sorted(r.value for r in allowed))}",
            code="role_not_allowed",
            details={
                "role": actor.role.value if actor.role else None,
                "allowed": sorted(r.value for r in allowed),
            },
        )
    return actor


def remote_addr(request: Request) -> str | None:
    return request.client.host if request.client else None


Limit = Annotated[int, Query(ge=1, le=200, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip")]
