"""The ``ecites`` command: serve, migrate, users, api-keys, audit, permits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from app.core.actor import Actor, Role
from app.core.config import Settings
from app.core.db import make_engine, make_session_factory, unit_of_work
from app.core.errors import DomainError

cli = typer.Typer(
    help="eCITES: electronic CITES permits for a Management Authority.",
    no_args_is_help=True,
    add_completion=False,
)
users_cli = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
keys_cli = typer.Typer(
    help="Manage API keys for machine clients (customs systems).", no_args_is_help=True
)
audit_cli = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)
permits_cli = typer.Typer(help="Permit housekeeping.", no_args_is_help=True)
orgs_cli = typer.Typer(help="Trading organisations.", no_args_is_help=True)
cli.add_typer(users_cli, name="users")
cli.add_typer(keys_cli, name="api-keys")
cli.add_typer(audit_cli, name="audit")
cli.add_typer(permits_cli, name="permits")
cli.add_typer(orgs_cli, name="organisations")
xml_cli = typer.Typer(help="CITES ePermit XML documents.", no_args_is_help=True)
cli.add_typer(xml_cli, name="xml")
peers_cli = typer.Typer(
    help="The trust registry: peer Parties and their certificates.", no_args_is_help=True
)
cli.add_typer(peers_cli, name="peers")

CLI_ACTOR = Actor(user_id=None, username="cli", role=Role.ADMIN)


def _settings() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # pydantic's ValidationError: show it plainly
        typer.echo(f"configuration error: {exc}", err=True)
        raise typer.Exit(2) from exc


@contextmanager
def _session(settings: Settings | None = None) -> Iterator[Session]:
    """One unit of work on the configured database; the engine is closed afterwards."""
    settings = settings or _settings()
    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def _fail(exc: DomainError) -> None:
    typer.echo(f"error [{exc.code}]: {exc.message}", err=True)
    raise typer.Exit(1)


def run_migrations(url: str) -> None:
    from alembic import command
    from alembic.config import Config

    import migrations

    # The migrations ship as the `migrations` package, beside `app` (source tree or install).
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    engine = make_engine(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    engine.dispose()


@cli.command()
def migrate() -> None:
    """Bring the database at ECITES_DATABASE_URL to the latest schema."""
    settings = _settings()
    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    run_migrations(settings.effective_database_url)
    typer.echo(f"database is at the latest schema ({_redact(settings.effective_database_url)})")


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@cli.command()
def bootstrap() -> None:
    """Create the first administrator if none exists (password from ECITES_ADMIN_PASSWORD or
    generated and printed once)."""
    from app.auth import service as auth_service

    settings = _settings()
    try:
        with _session(settings) as session:
            password = auth_service.ensure_first_admin(
                session, username=settings.admin_username, password=settings.admin_password
            )
    except DomainError as exc:
        _fail(exc)
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
) -> None:
    """Run the HTTP service (API under /api/v1, OpenAPI at /openapi.json, docs at /docs)."""
    import uvicorn

    settings = _settings()
    typer.echo(
        f"eCITES for Party {settings.party} listening on http://{host}:{port}"
        f"  (API docs: http://{host}:{port}/docs)"
    )
    typer.echo(
        f"log in: POST http://{host}:{port}/api/v1/auth/token with user '{settings.admin_username}'"
    )
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
    )


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
        with _session() as session:
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
        _fail(exc)


@users_cli.command("list")
def users_list(
    role: Annotated[Role | None, typer.Option(help="Only this role")] = None,
    limit: Annotated[int, typer.Option(help="At most this many")] = 100,
) -> None:
    """List users."""
    from app.auth import service as auth_service

    with _session() as session:
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
        with _session() as session:
            user = auth_service.disable_user(
                session, user=auth_service.find_user(session, username), actor=CLI_ACTOR
            )
            typer.echo(f"disabled {user.username}")
    except DomainError as exc:
        _fail(exc)


@orgs_cli.command("create")
def organisations_create(
    name: str,
    country: Annotated[str, typer.Option(help="ISO 3166-1 alpha-2")],
    address: Annotated[str, typer.Option(help="Postal address")],
) -> None:
    """Register a trading organisation."""
    from app.auth import service as auth_service

    try:
        with _session() as session:
            org = auth_service.create_organisation(
                session, name=name, address=address, country=country, actor=CLI_ACTOR
            )
            typer.echo(f"created organisation {org.name} (id {org.id})")
    except DomainError as exc:
        _fail(exc)


@keys_cli.command("create")
def api_keys_create(
    username: Annotated[str, typer.Argument(help="The user the key acts as")],
    name: Annotated[str, typer.Option(help="What the key is for")],
) -> None:
    """Create an API key; the secret is printed once."""
    from app.auth import service as auth_service

    try:
        with _session() as session:
            api_key, key = auth_service.create_api_key(
                session, user=auth_service.find_user(session, username), name=name, actor=CLI_ACTOR
            )
            typer.echo(
                f"API key {api_key.id} ({api_key.prefix}) for {username}:\n{key}\n"
                "(shown once: store it in the client's secret store)"
            )
    except DomainError as exc:
        _fail(exc)


@keys_cli.command("revoke")
def api_keys_revoke(key_id: int) -> None:
    """Revoke an API key by id."""
    from app.auth import service as auth_service

    try:
        with _session() as session:
            api_key = auth_service.revoke_api_key(
                session, api_key=auth_service.get_api_key(session, key_id), actor=CLI_ACTOR
            )
            typer.echo(f"revoked API key {api_key.id} ({api_key.prefix})")
    except DomainError as exc:
        _fail(exc)


@audit_cli.command("verify")
def audit_verify() -> None:
    """Re-walk the hash chain; exit 1 and name the first broken link if it is broken."""
    from app.audit import service as audit_service

    with _session() as session:
        report = audit_service.verify_chain(session)
    if report.ok:
        typer.echo(f"audit chain intact: {report.events_checked} events")
        return
    typer.echo(
        f"audit chain BROKEN at event {report.first_broken_seq}: {report.reason} "
        f"({report.events_checked} events verified before it)",
        err=True,
    )
    raise typer.Exit(1)


@permits_cli.command("expire")
def permits_expire() -> None:
    """Mark valid permits past their validity date as expired."""
    from app.workflow import service as workflow_service

    with _session() as session:
        count = workflow_service.expire_due_permits(session)
    typer.echo(f"{count} permit(s) expired")


@peers_cli.command("add")
def peers_add(
    party: Annotated[str, typer.Argument(help="The peer's ISO 3166-1 alpha-2 code")],
    name: Annotated[str, typer.Option(help="The peer's Management Authority")],
    endpoint: Annotated[str | None, typer.Option(help="Its EPIX endpoint URL")] = None,
) -> None:
    """Register a peer Party."""
    from app.trust import service as trust_service

    settings = _settings()
    try:
        with _session(settings) as session:
            peer = trust_service.add_peer(
                session,
                party=party,
                name=name,
                endpoint_url=endpoint,
                own_party=settings.party,
                actor=CLI_ACTOR,
            )
            typer.echo(f"added peer {peer.party} ({peer.name})")
    except DomainError as exc:
        _fail(exc)


@peers_cli.command("list")
def peers_list() -> None:
    """List peers and their certificates."""
    from app.trust import service as trust_service

    with _session() as session:
        peers, total = trust_service.list_peers(session, limit=1000)
        for peer in peers:
            typer.echo(f"{peer.party}  {peer.state:<9} {peer.name}  {peer.endpoint_url or '-'}")
            for cert in trust_service.list_certificates(session, peer=peer):
                typer.echo(
                    f"    {cert.fingerprint}  {cert.state:<8} until "
                    f"{cert.not_after:%Y-%m-%d}  {cert.subject}"
                )
        typer.echo(f"{total} peer(s)")


@peers_cli.command("trust-cert")
def peers_trust_cert(
    party: Annotated[str, typer.Argument(help="The peer's Party code")],
    pem_file: Annotated[Path, typer.Argument(help="The certificate, PEM")],
    pending: Annotated[bool, typer.Option(help="Register as pending (approve later)")] = False,
) -> None:
    """Trust a certificate a peer signs its permits with."""
    from app.trust import service as trust_service
    from app.trust.schemas import CertificateState

    pem = _read_file(pem_file, 64 * 1024).decode("utf-8", errors="replace")
    try:
        with _session() as session:
            record = trust_service.trust_certificate(
                session,
                peer=trust_service.get_peer(session, party),
                pem=pem,
                state=CertificateState.PENDING if pending else CertificateState.ACTIVE,
                actor=CLI_ACTOR,
            )
            typer.echo(f"{record.state} certificate {record.fingerprint} for {party.upper()}")
    except DomainError as exc:
        _fail(exc)


@peers_cli.command("revoke-cert")
def peers_revoke_cert(
    fingerprint: Annotated[str, typer.Argument(help="SHA-256 fingerprint (hex)")],
    reason: Annotated[str, typer.Option(help="Why (recorded in the audit trail)")],
) -> None:
    """Revoke a certificate: nothing it signed verifies any more."""
    from app.trust import service as trust_service
    from app.trust.schemas import CertificateState

    try:
        with _session() as session:
            record = trust_service.change_certificate_state(
                session,
                record=trust_service.get_certificate(session, fingerprint),
                state=CertificateState.REVOKED,
                reason=reason,
                actor=CLI_ACTOR,
            )
            typer.echo(f"revoked certificate {record.fingerprint}")
    except DomainError as exc:
        _fail(exc)


def _read_file(path: Path, limit: int) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(limit + 1)  # one byte more than allowed: the parser reports it
    except OSError as exc:
        typer.echo(f"error: cannot read {path}: {exc.strerror}", err=True)
        raise typer.Exit(2) from exc


@xml_cli.command("validate")
def xml_validate(
    file: Annotated[Path, typer.Argument(help="The CITESEPermit XML file")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Validate a permit document layer by layer (well-formed, XSD, CITES rules).
    Exit status 0 when valid, 1 when not."""
    from app.xml.schema import SchemaRegistry
    from app.xml.validation import validate_xml

    settings = _settings()
    report = validate_xml(
        _read_file(file, settings.max_xml_bytes),
        schema=SchemaRegistry.load(settings.schema_dir),
        max_bytes=settings.max_xml_bytes,
    )
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        for layer in report.layers:
            typer.echo(f"{layer.layer:<11} {layer.status}")
            for problem in layer.problems:
                where = f" at {problem.path}" if problem.path else ""
                line = f" (line {problem.line})" if problem.line else ""
                typer.echo(f"  {problem.severity}: [{problem.code}] {problem.message}{where}{line}")
        typer.echo("valid" if report.valid else "NOT valid")
    if not report.valid:
        raise typer.Exit(1)


@xml_cli.command("parse")
def xml_parse(file: Annotated[Path, typer.Argument(help="The CITESEPermit XML file")]) -> None:
    """Read a permit document leniently and print it as JSON, with the problems found.
    Exit status 0 when a permit was read without errors, 1 otherwise."""
    from app.xml.problems import has_errors
    from app.xml.reader import read_permit_bytes
    from app.xml.summary import document_summary

    settings = _settings()
    result = read_permit_bytes(
        _read_file(file, settings.max_xml_bytes), max_bytes=settings.max_xml_bytes
    )
    summary = document_summary(result.document, result.problems)
    typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    if result.document is None or has_errors(result.problems):
        raise typer.Exit(1)


def main() -> None:
    cli()
