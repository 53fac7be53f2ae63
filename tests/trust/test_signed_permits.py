"""Issued permits are signed; anyone can verify them; keys rotate without orphaning permits."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import Engine
from typer.testing import CliRunner

from app.cli import cli
from app.core.config import Settings
from app.main import create_app
from app.xml.schema import SchemaRegistry
from signing import (
    SigningKey,
    certificate_pem,
    generate_key,
    load_certificate,
    self_signed_certificate,
    sign_bytes,
    verify,
)
from tests.factories import Api

V1 = "/api/v1"
SAMPLES = Path(__file__).parent.parent / "samples"
XML = {"Content-Type": "application/xml"}


def _own_certificates(api: Api) -> list[str]:
    published = api.client.get("/epix/v1/certificates")
    assert published.status_code == 200
    return [c["pem"] for c in published.json()]


def test_issuance_signs_and_the_xml_is_the_stored_bytes(api: Api) -> None:
    permit = api.issued_permit(api.trader(), api.user("officer"))
    first = api.client.get(f"{V1}/permits/{permit['id']}.xml", headers=api.login("admin"))
    second = api.client.get(f"{V1}/permits/{permit['id']}.xml", headers=api.login("admin"))
    assert first.content == second.content  # the stored bytes, not a fresh signature

    [pem] = _own_certificates(api)
    verified = verify(first.content, trusted=[load_certificate(pem.encode())])
    number = verified.signed_root.findtext("{*}HeaderExchangedDocument/{*}ID")
    assert number == permit["number"]
    root = etree.fromstring(first.content)
    assert SchemaRegistry.load().validate(root) == []  # the signature is allowed by the XSD
    assert root[-1].tag == "{http://www.w3.org/2000/09/xmldsig#}Signature"

    audit = api.client.get(
        f"{V1}/audit/events", headers=api.login("admin"), params={"action": "permit.issue"}
    ).json()["items"][0]
    assert len(audit["details"]["sha256"]) == 64


def test_verify_endpoint(api: Api) -> None:
    permit = api.issued_permit(api.trader(), api.user("officer"))
    signed = api.client.get(f"{V1}/permits/{permit['id']}.xml", headers=api.login("admin")).content

    ok = api.client.post(f"{V1}/verify", headers=XML, content=signed).json()
    assert ok["authentic"] is True
    assert (ok["party"], ok["number"]) == ("CH", permit["number"])
    assert ok["fingerprint"] == api.client.get("/epix/v1/certificates").json()[0]["fingerprint"]
    assert ok["reasons"] == []

    tampered = (
        signed.replace(b">NAR<", b">KGM<", 1)
        if b">NAR<" in signed
        else signed.replace(b'unitCode="NAR"', b'unitCode="KGM"', 1)
    )
    assert tampered != signed
    bad = api.client.post(f"{V1}/verify", headers=XML, content=tampered).json()
    assert bad["authentic"] is False
    assert bad["reasons"][0]["code"] == "signature_invalid"

    unsigned = (SAMPLES / "ours-export-3-lines.xml").read_bytes()
    none = api.client.post(f"{V1}/verify", headers=XML, content=unsigned).json()
    assert none["reasons"][0]["code"] in {"no_signature", "unknown_sender"}

    xxe = b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    hostile = api.client.post(f"{V1}/verify", headers=XML, content=xxe).json()
    assert hostile["reasons"][0]["code"] == "doctype_forbidden"


def _peer_signed_permit(party: str = "FR") -> tuple[bytes, str]:
    """A permit as a peer MA would send it: its own key, its own Party code."""
    key = generate_key()
    certificate = self_signed_certificate(key, f"MA {party}", party)
    data = (SAMPLES / "ours-reexport.xml").read_bytes()
    root = etree.fromstring(data)
    for country in root.iterfind(
        "{*}HeaderExchangedDocument/{*}FirstSignatoryDocumentAuthentication"
        "/{*}ProviderTradeParty/{*}PostalTradeAddress/{*}CountryID"
    ):
        country.text = party
    signed = sign_bytes(root, SigningKey(key, (certificate,)))
    return signed, certificate_pem(certificate).decode()


def test_peer_permits_verify_against_the_registry(api: Api) -> None:
    admin = api.login("admin")
    signed, pem = _peer_signed_permit("FR")
    unknown = api.client.post(f"{V1}/verify", headers=XML, content=signed).json()
    assert unknown["reasons"][0]["code"] == "unknown_sender"

    api.client.post(f"{V1}/peers", headers=admin, json={"party": "FR", "name": "MA France"})
    other_pem = _peer_signed_permit("FR")[1]
    api.client.post(f"{V1}/peers/FR/certificates", headers=admin, json={"pem": other_pem})
    wrong_key = api.client.post(f"{V1}/verify", headers=XML, content=signed).json()
    assert wrong_key["reasons"][0]["code"] == "untrusted_certificate"

    cert = api.client.post(f"{V1}/peers/FR/certificates", headers=admin, json={"pem": pem})
    ok = api.client.post(f"{V1}/verify", headers=XML, content=signed).json()
    assert (ok["authentic"], ok["party"]) == (True, "FR")

    fingerprint = cert.json()["fingerprint"]
    api.client.post(
        f"{V1}/certificates/{fingerprint}/revoke", headers=admin, json={"reason": "key compromised"}
    )
    revoked = api.client.post(f"{V1}/verify", headers=XML, content=signed).json()
    assert revoked["reasons"][0]["code"] == "certificate_revoked"


def test_rotation_keeps_old_permits_verifiable(
    api: Api, settings: Settings, db: Engine, database_url: str
) -> None:
    before = api.issued_permit(api.trader(), api.user("officer"))
    old_xml = api.client.get(f"{V1}/permits/{before['id']}.xml", headers=api.login("admin")).content
    runner = CliRunner()
    env = {"ECITES_DATA_DIR": str(settings.data_dir), "ECITES_DATABASE_URL": database_url}
    rotated = runner.invoke(cli, ["keys", "rotate"], env=env)
    assert rotated.exit_code == 0, rotated.output
    shown = runner.invoke(cli, ["keys", "show"], env=env).output
    assert shown.count("\n") >= 3  # the signing line and two certificates

    with TestClient(create_app(settings, engine=db)) as client:  # restarted with the new key
        certs = client.get("/epix/v1/certificates").json()
        assert len(certs) == 2
        assert sum(c["current"] for c in certs) == 1
        old = client.post(f"{V1}/verify", headers=XML, content=old_xml).json()
        assert old["authentic"] is True, old
        new_key = next(c["fingerprint"] for c in certs if c["current"])
        assert old["fingerprint"] != new_key


def test_keys_and_export_commands(
    api: Api, settings: Settings, database_url: str, tmp_path: Path
) -> None:
    permit = api.issued_permit(api.trader(), api.user("officer"))
    runner = CliRunner()
    env = {"ECITES_DATA_DIR": str(settings.data_dir), "ECITES_DATABASE_URL": database_url}
    again = runner.invoke(cli, ["keys", "generate"], env=env)
    assert again.exit_code == 1
    assert "exists already" in again.output
    key_files = list((settings.data_dir / "keys").glob("*.key.pem"))
    assert key_files
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in key_files)

    cert = tmp_path / "ch.pem"
    assert runner.invoke(cli, ["keys", "export-cert", "--out", str(cert)], env=env).exit_code == 0
    out = tmp_path / "permit.xml"
    exported = runner.invoke(
        cli, ["permits", "export", permit["number"], "--out", str(out)], env=env
    )
    assert exported.exit_code == 0, exported.output
    stored = api.client.get(f"{V1}/permits/{permit['id']}.xml", headers=api.login("admin"))
    assert out.read_bytes() == stored.content

    offline = runner.invoke(cli, ["xml", "verify", str(out), "--cert", str(cert)], env=env)
    assert offline.exit_code == 0, offline.output
    assert json.loads(offline.output)["number"] == permit["number"]
    registry = runner.invoke(cli, ["xml", "verify", str(out)], env=env)
    assert registry.exit_code == 0, registry.output

    other, _pem = _peer_signed_permit("CH")  # claims to be ours, signed with another key
    forged = tmp_path / "forged.xml"
    forged.write_bytes(other)
    refused = runner.invoke(cli, ["xml", "verify", str(forged)], env=env)
    assert refused.exit_code == 1
    assert json.loads(refused.output)["reasons"][0]["code"] == "untrusted_certificate"
    missing = runner.invoke(cli, ["permits", "export", "26CH999999", "--out", str(out)], env=env)
    assert missing.exit_code == 1
