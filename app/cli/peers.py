"""`ecites peers`: the trust registry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import (
    CLI_ACTOR,
    cli_session,
    fail,
    group,
    read_file,
    settings_or_exit,
)
from app.core.errors import DomainError

peers_cli = group("peers", "The trust registry: peer Parties and their certificates.")


@peers_cli.command("add")
def peers_add(
    party: Annotated[str, typer.Argument(help="The peer's ISO 3166-1 alpha-2 code")],
    name: Annotated[str, typer.Option(help="The peer's Management Authority")],
    endpoint: Annotated[str | None, typer.Option(help="Its EPIX endpoint URL")] = None,
) -> None:
    """Register a peer Party."""
    from app.trust import service as trust_service

    settings = settings_or_exit()
    try:
        with cli_session(settings) as session:
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
        fail(exc)


@peers_cli.command("list")
def peers_list() -> None:
    """List peers and their certificates."""
    from app.trust import service as trust_service

    with cli_session() as session:
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

    pem = read_file(pem_file, 64 * 1024).decode("utf-8", errors="replace")
    try:
        with cli_session() as session:
            record = trust_service.trust_certificate(
                session,
                peer=trust_service.get_peer(session, party),
                pem=pem,
                state=CertificateState.PENDING if pending else CertificateState.ACTIVE,
                actor=CLI_ACTOR,
            )
            typer.echo(f"{record.state} certificate {record.fingerprint} for {party.upper()}")
    except DomainError as exc:
        fail(exc)


@peers_cli.command("revoke-cert")
def peers_revoke_cert(
    fingerprint: Annotated[str, typer.Argument(help="SHA-256 fingerprint (hex)")],
    reason: Annotated[str, typer.Option(help="Why (recorded in the audit trail)")],
) -> None:
    """Revoke a certificate: nothing it signed verifies any more."""
    from app.trust import service as trust_service
    from app.trust.schemas import CertificateState

    try:
        with cli_session() as session:
            record = trust_service.change_certificate_state(
                session,
                record=trust_service.get_certificate(session, fingerprint),
                state=CertificateState.REVOKED,
                reason=reason,
                actor=CLI_ACTOR,
            )
            typer.echo(f"revoked certificate {record.fingerprint}")
    except DomainError as exc:
        fail(exc)
