"""`ecites demo`: two real servers exchange an export permit; the summary on stdout says so."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from signing import load_certificate, verify


def _demo(workdir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECITES_")}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "demo", "--workdir", str(workdir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_demo_exchanges_a_permit_between_two_parties(tmp_path: Path) -> None:
    workdir = tmp_path / "demo"
    done = _demo(workdir)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)  # stdout is the JSON summary alone

    assert set(summary["parties"]) == {"CH", "FR"}
    for code, party in summary["parties"].items():
        assert party["base_url"].startswith("http://127.0.0.1:")
        assert Path(party["data_dir"]) == workdir / code
        assert Path(party["certificate"]).is_relative_to(workdir)
    number = summary["export_permit"]["number"]
    assert summary["export_permit"]["issuing_party"] == "CH"
    assert [(m["type"], m["from"], m["to"], m["status"]) for m in summary["messages"]] == [
        ("PERMIT_ISSUED", "CH", "FR", "delivered"),  # the push
        ("PERMIT_STATUS", "CH", "FR", "delivered"),  # exported, with the quantities
        ("PERMIT_STATUS", "FR", "CH", "delivered"),  # used at import
    ]
    message = summary["messages"][0]
    border = summary["border"]
    assert border["check_at_import"] == {
        "party": "FR",
        "state": "EXPORTED",
        "signature_verified": True,
    }
    assert (border["export_endorsement"]["kind"], border["import_clearance"]["kind"]) == (
        "export",
        "import",
    )
    assert border["final_state"] == {"CH": "USED", "FR": "USED"}

    issued = Path(summary["export_permit"]["signed_xml"]).read_bytes()
    received = Path(summary["received_permit"]["signed_xml"]).read_bytes()
    assert received == issued
    assert summary["received_permit"]["byte_identical"] is True
    ch_certificate = load_certificate(Path(summary["parties"]["CH"]["certificate"]).read_bytes())
    assert verify(received, trusted=[ch_certificate]).fingerprint

    # afterwards, DIR/CH is CH's data directory for the CLI
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECITES_")}
    env.update(ECITES_DATA_DIR=str(workdir / "CH"), ECITES_PARTY="CH")
    listed = subprocess.run(
        [sys.executable, "-m", "app.cli", "outbox", "list"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert f"{message['message_id']}  delivered" in listed.stdout
    assert number in listed.stdout
    assert "  receipt" in listed.stdout
    receipt = subprocess.run(
        [sys.executable, "-m", "app.cli", "outbox", "receipt", message["message_id"]],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert "<Status>ACCEPTED</Status>" in receipt.stdout


def test_demo_refuses_a_directory_in_use(tmp_path: Path) -> None:
    (tmp_path / "something").write_text("keep me")
    done = _demo(tmp_path)
    assert done.returncode == 2
    assert "not empty" in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["something"]
