from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status

from app.api.deps import (
    CurrentActor,
    Limit,
    Offset,
    SecretKeyDep,
    SessionDep,
    SessionFactoryDep,
    SettingsDep,
    app_state,
    remote_addr,
    require_role,
)
from app.api.errors import ERROR_RESPONSES, ErrorBody
from app.auth import api_keys, service, sign_in
from app.auth.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyList,
    ApiKeyRead,
    OrganisationCreate,
    OrganisationList,
    OrganisationRead,
    TokenRead,
    TokenRequest,
    UserCreate,
    UserList,
    UserRead,
)
from app.core.actor import Actor, Role
from app.core.db import RowId, unit_of_work
from app.core.errors import DomainError

router = APIRouter(responses=ERROR_RESPONSES)
Admin = Annotated[Actor, Depends(require_role(Role.ADMIN))]
AdminOrOfficer = Annotated[Actor, Depends(require_role(Role.ADMIN, Role.OFFICER))]
ClockDep = Annotated[Callable[[], datetime], Depends(app_state("clock"))]


@router.post(
    "/auth/token",
    response_model=TokenRead,
    tags=["auth"],
    summary="Log in with user name and password; returns a Bearer token",
    description="Failed logins are counted per user name and per client address: after "
    "`ECITES_SIGN_IN_MAX_FAILURES` (default 5) for one name, or "
    "`ECITES_SIGN_IN_ADDRESS_MAX_FAILURES` (default 20) from one address, within "
    "`ECITES_SIGN_IN_WINDOW_MINUTES` (default 15), logins for that name, or from that address, "
    "are refused for that many minutes, even with the right password: `429` "
    "`too_many_sign_in_attempts`, with `Retry-After` and `details.retry_after_seconds`. "
    "A successful login resets its name's count.",
    responses={
        429: {
            "model": ErrorBody,
            "description": "Too many failed logins for this user name or from this address "
            "(`too_many_sign_in_attempts`): wait `Retry-After` seconds",
            "headers": {
                "Retry-After": {
                    "description": "Seconds to wait before trying again",
                    "schema": {"type": "integer"},
                }
            },
        }
    },
)
def login(
    body: TokenRequest,
    request: Request,
    factory: SessionFactoryDep,
    settings: SettingsDep,
    secret: SecretKeyDep,
    clock: ClockDep,
) -> TokenRead:
    with unit_of_work(factory) as session:  # what the attempt counted is kept if it fails
        outcome = sign_in.attempt(
            session,
            username=body.username,
            password=body.password,
            remote_addr=remote_addr(request),
            policy=sign_in.Policy.of(settings),
            now=clock(),
        )
    if isinstance(outcome, DomainError):
        raise outcome
    token, expires_at = service.issue_token(outcome, secret=secret, minutes=settings.token_minutes)
    return TokenRead(access_token=token, expires_at=expires_at)


@router.get("/auth/me", response_model=UserRead, tags=["auth"], summary="Who am I")
def me(actor: CurrentActor, session: SessionDep) -> UserRead:
    assert actor.user_id is not None
    return UserRead.model_validate(service.get_user(session, actor.user_id))


@router.post(
    "/organisations",
    response_model=OrganisationRead,
    status_code=status.HTTP_201_CREATED,
    tags=["organisations"],
    summary="Register a trading organisation (admin)",
)
def create_organisation(
    body: OrganisationCreate, session: SessionDep, actor: Admin
) -> OrganisationRead:
    organisation = service.create_organisation(
        session, name=body.name, address=body.address, country=body.country, actor=actor
    )
    return OrganisationRead.model_validate(organisation)


@router.get(
    "/organisations",
    response_model=OrganisationList,
    tags=["organisations"],
    summary="List trading organisations (admin, officer)",
)
def list_organisations(
    session: SessionDep,
    _actor: AdminOrOfficer,
    limit: Limit = 50,
    offset: Offset = 0,
    country: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
    name: Annotated[str | None, Query(max_length=200, description="Name contains")] = None,
) -> OrganisationList:
    items, total = service.list_organisations(
        session, country=country, name_contains=name, limit=limit, offset=offset
    )
    return OrganisationList(
        items=[OrganisationRead.model_validate(o) for o in items],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.post(
    "/users",
    response_model=UserRead,
    status_code=status.HTTP_201_CREATED,
    tags=["users"],
    summary="Create a user (admin)",
)
def create_user(body: UserCreate, session: SessionDep, actor: Admin) -> UserRead:
    user = service.create_user(
        session,
        username=body.username,
        full_name=body.full_name,
        role=body.role,
        password=body.password,
        organisation_id=body.organisation_id,
        actor=actor,
    )
    return UserRead.model_validate(user)


@router.get("/users", response_model=UserList, tags=["users"], summary="List users (admin)")
def list_users(
    session: SessionDep,
    _actor: Admin,
    limit: Limit = 50,
    offset: Offset = 0,
    role: Role | None = None,
    organisation_id: RowId | None = None,
    active: bool | None = None,
) -> UserList:
    items, total = service.list_users(
        session,
        role=role,
        organisation_id=organisation_id,
        active=active,
        limit=limit,
        offset=offset,
    )
    return UserList(
        items=[UserRead.model_validate(u) for u in items], total=total, limit=limit, offset=offset
    )


@router.post(
    "/users/{user_id}/disable",
    response_model=UserRead,
    tags=["users"],
    summary="Disable a user: their tokens and API keys stop working (admin)",
)
def disable_user(user_id: RowId, session: SessionDep, actor: Admin) -> UserRead:
    user = service.disable_user(session, user=service.get_user(session, user_id), actor=actor)
    return UserRead.model_validate(user)


@router.post(
    "/api-keys",
    response_model=ApiKeyCreated,
    status_code=status.HTTP_201_CREATED,
    tags=["api-keys"],
    summary="Create an API key for a machine client (admin)",
)
def create_api_key(body: ApiKeyCreate, session: SessionDep, actor: Admin) -> ApiKeyCreated:
    api_key, key = api_keys.create_api_key(
        session, user=service.get_user(session, body.user_id), name=body.name, actor=actor
    )
    return ApiKeyCreated(**ApiKeyRead.model_validate(api_key).model_dump(), key=key)


@router.get(
    "/api-keys",
    response_model=ApiKeyList,
    tags=["api-keys"],
    summary="List API keys, newest first (admin); secrets are never shown again",
)
def list_api_keys(
    session: SessionDep,
    _actor: Admin,
    limit: Limit = 50,
    offset: Offset = 0,
    user_id: RowId | None = None,
    revoked: bool | None = None,
) -> ApiKeyList:
    items, total = api_keys.list_api_keys(
        session, user_id=user_id, revoked=revoked, limit=limit, offset=offset
    )
    return ApiKeyList(
        items=[ApiKeyRead.model_validate(k) for k in items], total=total, limit=limit, offset=offset
    )


@router.post(
    "/api-keys/{key_id}/revoke",
    response_model=ApiKeyRead,
    tags=["api-keys"],
    summary="Revoke an API key (admin)",
)
def revoke_api_key(key_id: RowId, session: SessionDep, actor: Admin) -> ApiKeyRead:
    api_key = api_keys.revoke_api_key(
        session, api_key=api_keys.get_api_key(session, key_id), actor=actor
    )
    return ApiKeyRead.model_validate(api_key)
