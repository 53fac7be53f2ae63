"""`ecites keys`: this Party's signing keys."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.bootstrap import issuing_authority, key_store, own_keys
from app.cli.common import group, settings_or_exit
from app.core.config import Settings
from app.trust.keys import KeyStoreError, OwnKeys
from signing import certificate_pem, fingerprint

keys_cli = group("keys", "This Party's signing keys and certificates.")


def _load() -> tuple[Settings, OwnKeys]:
    settings = settings_or_exit()
    try:
        return settings, own_keys(settings, issuing_authority(settings))
    except KeyStoreError as exc:
        typer.echo(f"error [no_signing_key]: {exc}", err=True)
        raise typer.Exit(1) from exc


@keys_cli.command("show")
def keys_show() -> None:
    """The key that signs permits now, and every certificate that still verifies."""
    _settings, keys = _load()
    typer.echo(f"signing with {keys.fingerprint}")
    for cert in keys.certificates:
        mark = "*" if fingerprint(cert) == keys.fingerprint else " "
        typer.echo(
            f"{mark} {fingerprint(cert)}  {cert.not_valid_before_utc:%Y-%m-%d} to "
            f"{cert.not_valid_after_utc:%Y-%m-%d}  {cert.subject.rfc4514_string()}"
        )


def _new_key(rotate: bool) -> None:
    settings = settings_or_exit()
    if settings.signing_key_file:
        typer.echo(
            "error: the signing key comes from ECITES_SIGNING_KEY_FILE; replace that "
            "file (and its certificate) to rotate",
            err=True,
        )
        raise typer.Exit(1)
    store = key_store(settings)
    if not rotate and store.current_fingerprint() is not None:
        typer.echo(
            f"a signing key exists already ({store.current_fingerprint()}); "
            "use `ecites keys rotate` for a new one",
            err=True,
        )
        raise typer.Exit(1)
    key = store.generate(
        party=settings.party,
        authority_name=issuing_authority(settings).name,
        algorithm=settings.signing_algorithm,
    )
    typer.echo(
        f"new signing key {fingerprint(key.certificate)} ({settings.signing_algorithm})"
        f" in {store.directory}"
    )
    if rotate:
        typer.echo(
            "older certificates stay in the store and still verify what they signed; "
            "restart the service to sign with the new key"
        )


@keys_cli.command("generate")
def keys_generate() -> None:
    """Create this Party's first signing key and self-signed certificate (mode 0600)."""
    _new_key(rotate=False)


@keys_cli.command("rotate")
def keys_rotate() -> None:
    """Create a new signing key; the old certificate keeps verifying what it signed."""
    _new_key(rotate=True)


@keys_cli.command("export-cert")
def keys_export_cert(
    out: Annotated[Path, typer.Option("--out", help="Where to write the certificate (PEM)")],
) -> None:
    """Write the current certificate (PEM), to give to peers."""
    _settings, keys = _load()
    out.write_bytes(certificate_pem(keys.current.certificate))
    typer.echo(f"certificate {keys.fingerprint} written to {out}")
