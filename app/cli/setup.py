"""`ecites migrate`, `bootstrap` and `serve`."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli.common import (
    cli,
    cli_session,
    fail,
    redact,
    run_migrations,
    settings_or_exit,
)
from app.core.errors import DomainError


@cli.command()
def migrate() -> None:
    """Bring the database at ECITES_DATABASE_URL to the latest schema."""
    settings = settings_or_exit()
    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    run_migrations(settings.effective_database_url)
    typer.echo(f"database is at the latest schema ({redact(settings.effective_database_url)})")


@cli.command()
def bootstrap() -> None:
    """Create the first administrator if none exists (password from ECITES_ADMIN_PASSWORD or
    generated and printed once)."""
    from app.auth import service as auth_service

    settings = settings_or_exit()
    try:
        with cli_session(settings) as session:
            password = auth_service.ensure_first_admin(
                session, username=settings.admin_username, password=settings.admin_password
            )
    except DomainError as exc:
        fail(exc)
        return
    if password is None:
        typer.echo("an administrator exists already")
    elif settings.admin_password:
        typer.echo(
            f"created administrator '{settings.admin_username}' "
            "(password from ECITES_ADMIN_PASSWORD)"
        )
    else:
        typer.echo(
            f"created administrator '{settings.admin_username}' with password: "
            f"{password}\n  (shown once: note it now)"
        )


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
    behind_proxy: Annotated[
        bool,
        typer.Option(
            "--behind-proxy",
            help="Allow plain HTTP on a non-loopback address: a reverse proxy in front "
            "terminates TLS (and mutual TLS for EPIX).",
        ),
    ] = False,
) -> None:
    """Run the HTTP service (API under /api/v1, OpenAPI at /openapi.json, docs at /docs).

    With ECITES_TLS_CERT_FILE and ECITES_TLS_KEY_FILE it serves HTTPS itself; with
    ECITES_TLS_CA_FILE too it requires client certificates from that CA (mutual TLS). Plain
    HTTP is only served on loopback unless --behind-proxy is given."""
    import ssl

    import uvicorn

    from epix import is_loopback

    settings = settings_or_exit()
    tls = settings.tls_cert_file is not None and settings.tls_key_file is not None
    if not tls and not behind_proxy and not is_loopback(host):
        typer.echo(
            f"error: refusing plain HTTP on {host}: set ECITES_TLS_CERT_FILE and "
            "ECITES_TLS_KEY_FILE (HTTPS), or pass --behind-proxy when a TLS-terminating proxy "
            "is in front",
            err=True,
        )
        raise typer.Exit(2)
    scheme = "https" if tls else "http"
    typer.echo(
        f"eCITES for Party {settings.party} listening on {scheme}://{host}:{port}"
        f"  (API docs: {scheme}://{host}:{port}/docs)"
    )
    if tls and settings.tls_ca_file:
        typer.echo(f"mutual TLS: client certificates must chain to {settings.tls_ca_file}")
    typer.echo(
        f"log in: in a browser at {scheme}://{host}:{port}/login, or POST "
        f"{scheme}://{host}:{port}/api/v1/auth/token, with user '{settings.admin_username}'"
    )
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
        access_log=settings.access_log,
        ssl_certfile=str(settings.tls_cert_file) if tls else None,
        ssl_keyfile=str(settings.tls_key_file) if tls else None,
        ssl_ca_certs=str(settings.tls_ca_file) if tls and settings.tls_ca_file else None,
        ssl_cert_reqs=ssl.CERT_REQUIRED if tls and settings.tls_ca_file else ssl.CERT_NONE,
    )
