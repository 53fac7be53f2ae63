"""`ecites users`, `organisations` and `api-keys`."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli.common import (
    CLI_ACTOR,
    cli_session,
    fail,
    group,
)
from app.core.actor import Role
from app.core.errors import DomainError

users_cli = group("users", "Manage user accounts.")
orgs_cli = group("organisations", "Trading organisations.")
keys_cli = group("api-keys", "Manage API keys for machine clients (customs systems).")


@users_cli.command("create")
def users_create(
    username: str,
    role: Annotated[Role, typer.Option(help="trader, officer, customs or admin")],
    full_name: Annotated[str, typer.Option(help="Display name")] = "",
    organisation: Annotated[str | None, typer.Option(help="Trader's organisation name")] = None,
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="ECITES_NEW_USER_PASSWORD",
        ),
    ] = "",
) -> None:
    """Create a user (a trader needs --organisation)."""
    from app.auth import service as auth_service

    try:
        with cli_session() as session:
            org_id = (
                auth_service.find_organisation(session, organisation).id if organisation else None
            )
            if len(password) < 12:
                typer.echo("error: the password must have at least 12 characters", err=True)
                raise typer.Exit(1)
            user = auth_service.create_user(
                session,
                username=username,
                full_name=full_name or username,
                role=role,
                password=password,
                organisation_id=org_id,
                actor=CLI_ACTOR,
            )
            typer.echo(f"created user {user.username} (id {user.id}, {user.role})")
    except DomainError as exc:
        fail(exc)


@users_cli.command("list")
def users_list(
    role: Annotated[Role | None, typer.Option(help="Only this role")] = None,
    limit: Annotated[int, typer.Option(help="At most this many")] = 100,
) -> None:
    """List users."""
    from app.auth import service as auth_service

    with cli_session() as session:
        users, total = auth_service.list_users(session, role=role, limit=limit)
        for user in users:
            state = "active" if user.is_active else "disabled"
            typer.echo(
                f"{user.id:>5}  {user.username:<24} {user.role:<8} {state:<8} "
                f"org={user.organisation_id or '-'}"
            )
        typer.echo(f"{len(users)} of {total} users")


@users_cli.command("disable")
def users_disable(username: str) -> None:
    """Disable a user: their tokens and API keys stop working at once."""
    from app.auth import service as auth_service

    try:
        with cli_session() as session:
            user = auth_service.disable_user(
                session, user=auth_service.find_user(session, username), actor=CLI_ACTOR
            )
            typer.echo(f"disabled {user.username}")
    except DomainError as exc:
        fail(exc)


@orgs_cli.command("create")
def organisations_create(
    name: str,
    country: Annotated[str, typer.Option(help="ISO 3166-1 alpha-2")],
    address: Annotated[str, typer.Option(help="Postal address")],
) -> None:
    """Register a trading organisation."""
    from app.auth import service as auth_service

    try:
        with cli_session() as session:
            org = auth_service.create_organisation(
                session, name=name, address=address, country=country, actor=CLI_ACTOR
            )
            typer.echo(f"created organisation {org.name} (id {org.id})")
    except DomainError as exc:
        fail(exc)


@keys_cli.command("create")
def api_keys_create(
    username: Annotated[str, typer.Argument(help="The user the key acts as")],
    name: Annotated[str, typer.Option(help="What the key is for")],
) -> None:
    """Create an API key; the secret is printed once."""
    from app.auth import api_keys
    from app.auth import service as auth_service

    try:
        with cli_session() as session:
            api_key, key = api_keys.create_api_key(
                session, user=auth_service.find_user(session, username), name=name, actor=CLI_ACTOR
            )
            typer.echo(
                f"API key {api_key.id} ({api_key.prefix}) for {username}:\n{key}\n"
                "(shown once: store it in the client's secret store)"
            )
    except DomainError as exc:
        fail(exc)


@keys_cli.command("revoke")
def api_keys_revoke(key_id: int) -> None:
    """Revoke an API key by id."""
    from app.auth import api_keys

    try:
        with cli_session() as session:
            api_key = api_keys.revoke_api_key(
                session, api_key=api_keys.get_api_key(session, key_id), actor=CLI_ACTOR
            )
            typer.echo(f"revoked API key {api_key.id} ({api_key.prefix})")
    except DomainError as exc:
        fail(exc)
