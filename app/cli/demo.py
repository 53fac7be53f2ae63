"""`ecites demo`: two Parties exchange a permit over EPIX, for real, on this machine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from app.cli.common import cli


def _progress(message: str) -> None:
    typer.echo(f"demo: {message}", err=True)


@cli.command()
def demo(
    workdir: Annotated[
        Path,
        typer.Option(
            help="An empty (or new) directory; DIR/<PARTY>/ becomes each Party's data directory"
        ),
    ],
    exporter: Annotated[str, typer.Option(help="The exporting Party")] = "CH",
    importer: Annotated[str, typer.Option(help="The importing Party")] = "FR",
) -> None:
    """Run two Parties as two real servers on loopback and exchange an export permit.

    Each Party gets its own database and signing key under DIR/<PARTY>/, and registers the
    other's endpoint and certificate. A trader in the exporting Party applies for an export
    permit, an officer issues it, the relay pushes it to the importing Party, which verifies
    and stores it. Both servers are then stopped and a JSON summary is printed on stdout
    (progress goes to stderr). Afterwards `ECITES_DATA_DIR=DIR/CH ECITES_PARTY=CH ecites ...`
    works on the demo's CH."""
    from app.cli.parties import LocalParty, delivered, issue_export_permit, wait_for

    exporter, importer = exporter.upper(), importer.upper()
    if exporter == importer:
        raise typer.BadParameter("the two Parties must differ", param_hint="--importer")
    workdir = workdir.resolve()
    if workdir.exists() and any(workdir.iterdir()):
        typer.echo(f"error: {workdir} is not empty: give a new or empty directory", err=True)
        raise typer.Exit(2)
    sender = LocalParty(exporter, workdir / exporter)
    receiver = LocalParty(importer, workdir / importer)
    parties = (sender, receiver)
    try:
        for party in parties:
            _progress(f"setting up {party.party} in {party.data_dir}")
            party.prepare()
        sender.trust(receiver)
        receiver.trust(sender)
        for party in (receiver, sender):
            party.start()
            _progress(f"{party.party} listening on {party.base_url}")
        _progress(f"a trader in {exporter} applies; an officer approves and issues")
        permit = issue_export_permit(sender, importer, tag="demo")
        number = permit["number"]
        _progress(f"issued {number}; waiting for its delivery to {importer}")
        messages = wait_for(
            f"{number} delivered to {importer}", lambda: delivered(sender, number), timeout=120
        )
        summary = _summary(sender, receiver, permit, messages)
    finally:
        for party in parties:
            party.stop()
        _progress("both servers stopped")
    typer.echo(json.dumps(summary, indent=2))


def _summary(
    sender: Any, receiver: Any, permit: dict[str, Any], messages: list[dict[str, Any]]
) -> dict[str, Any]:
    number = permit["number"]
    issued = sender.call("GET", f"/api/v1/permits/{permit['id']}.xml").content
    received = receiver.call("GET", f"/api/v1/foreign-permits/{sender.party}/{number}.xml").content
    verdict = receiver.call("POST", "/api/v1/verify", content=received).json()
    issued_file = sender.data_dir / "permits" / f"{number}.xml"
    received_file = receiver.data_dir / "received" / f"{sender.party}-{number}.xml"
    for path, data in ((issued_file, issued), (received_file, received)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return {
        "parties": {
            party.party: {
                "base_url": party.base_url,
                "data_dir": str(party.data_dir),
                "certificate": str(party.certificate_file),
                "log": str(party.log_file),
            }
            for party in (sender, receiver)
        },
        "export_permit": {
            "number": number,
            "issuing_party": sender.party,
            "importing_party": receiver.party,
            "signed_xml": str(issued_file),
        },
        "received_permit": {
            "party": receiver.party,
            "signed_xml": str(received_file),
            "byte_identical": received == issued,
            "authentic": verdict["authentic"],
            "signer_fingerprint": verdict["fingerprint"],
        },
        "messages": [
            {
                "message_id": m["message_id"],
                "type": m["message_type"],
                "from": sender.party,
                "to": m["destination"],
                "status": m["status"],
                "attempts": m["attempts"],
                "delivered_at": m["delivered_at"],
            }
            for m in messages
        ],
    }
