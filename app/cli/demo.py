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
    and stores it. At the border, the exporter's customs endorse the export; the importer's
    customs check the permit and clear the import; each Party hears of the other's event, and
    both show the permit USED. Both servers are then stopped and a JSON summary is printed on stdout
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
        wait_for(
            f"{number} delivered to {importer}", lambda: delivered(sender, number), timeout=120
        )
        border = _border(sender, receiver, number)
        summary = _summary(sender, receiver, permit)
        summary["border"] = border
    finally:
        for party in parties:
            party.stop()
        _progress("both servers stopped")
    typer.echo(json.dumps(summary, indent=2))


def _border(sender: Any, receiver: Any, number: str) -> dict[str, Any]:
    """The exporter's customs endorse the export; the importer's customs check the permit and
    clear the import; each Party hears of the other's event."""
    from app.cli.parties import customs_login, customs_view, declare, delivered, wait_for

    lines = [{"line": "A", "quantity": "2", "unit": "NAR"}]
    _progress(f"{sender.party} customs endorse the export of {number}")
    exported = declare(
        sender,
        customs_login(sender, "customs-export"),
        "export-endorsements",
        sender.party,
        number,
        declaration_ref=f"{sender.party}-EXP-0001",
        port="Basel-Mulhouse Airport",
        lines=lines,
    )
    wait_for("the export news", lambda: delivered(sender, number, count=2), timeout=120)
    checked = customs_view(receiver, sender.party, number)
    _progress(f"{receiver.party} customs check {number}: {checked['state']}; clear the import")
    cleared = declare(
        receiver,
        customs_login(receiver, "customs-import"),
        "import-clearances",
        sender.party,
        number,
        declaration_ref=f"{receiver.party}-IMP-0001",
        port="Paris-Charles de Gaulle Airport",
        lines=lines,
    )
    wait_for("the import news", lambda: delivered(receiver, number), timeout=120)
    final = {p.party: customs_view(p, sender.party, number) for p in (sender, receiver)}
    return {
        "export_endorsement": exported["event"],
        "check_at_import": {
            "party": receiver.party,
            "state": checked["state"],
            "signature_verified": checked["signature"]["verified"],
        },
        "import_clearance": cleared["event"],
        "final_state": {code: view["state"] for code, view in final.items()},
        "final_lines": {code: view["lines"] for code, view in final.items()},
    }


def _messages(party: Any, number: str) -> list[dict[str, Any]]:
    from app.cli.parties import outbox_messages

    return [
        {
            "message_id": m["message_id"],
            "type": m["message_type"],
            "from": party.party,
            "to": m["destination"],
            "status": m["status"],
            "attempts": m["attempts"],
            "delivered_at": m["delivered_at"],
        }
        for m in outbox_messages(party, number)
    ]


def _summary(sender: Any, receiver: Any, permit: dict[str, Any]) -> dict[str, Any]:
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
        "messages": _messages(sender, number) + _messages(receiver, number),
    }
