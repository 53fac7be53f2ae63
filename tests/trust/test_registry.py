"""The trust registry: peers, certificate states, audit; over the API and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from app.cli import cli
from tests.certificates import certificate_pem
from tests.factories import Api

V1 = "/api/v1"


def _peer(api: Api, party: str = "FR") -> dict[str, str]:
    admin = api.login("admin")
    created = api.client.post(
        f"{V1}/peers",
        headers=admin,
        json={
            "party": party,
            "name": "Ministère de la Transition",
            "endpoint_url": "https://epix.example.fr/epix/v1",
        },
    )
    assert created.status_code == 201, created.text
    return admin


def test_peer_and_certificate_lifecycle(api: Api) -> None:
    admin = _peer(api)
    pem = certificate_pem(country="FR")
    added = api.client.post(
        f"{V1}/peers/FR/certificates", headers=admin, json={"pem": pem, "state": "pending"}
    )
    assert added.status_code == 201
    cert = added.json()
    assert len(cert["fingerprint"]) == 64
    assert (cert["state"], cert["usage"]) == ("pending", "signing")
    assert "CN=Test MA" in cert["subject"]
    fingerprint = cert["fingerprint"]

    def move(action: str) -> dict[str, object]:
        response = api.client.post(
            f"{V1}/certificates/{fingerprint}/{action}",
            headers=admin,
            json={"reason": f"{action} by the test"},
        )
        return {"status": response.status_code, **response.json()}

    assert move("retire")["status"] == 409  # pending cannot retire
    assert move("activate")["state"] == "active"
    assert move("retire")["state"] == "retiring"
    assert move("revoke")["state"] == "revoked"
    again = move("activate")
    assert (again["status"], again["code"]) == (409, "invalid_transition")  # revoked is final

    duplicate = api.client.post(f"{V1}/peers/FR/certificates", headers=admin, json={"pem": pem})
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "certificate_exists")

    events = api.client.get(
        f"{V1}/audit/events", headers=admin, params={"object_type": "certificate"}
    ).json()["items"]
    assert [e["action"] for e in reversed(events)] == [
        "certificate.trust",
        "certificate.active",
        "certificate.retiring",
        "certificate.revoked",
    ]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"party": "CH", "name": "ourselves"}, 422, "own_party"),
        ({"party": "ZZ", "name": "nowhere"}, 422, "unknown_code"),
        ({"party": "FR", "name": "again"}, 409, "peer_exists"),
    ],
)
def test_bad_peers_are_refused(api: Api, body: dict[str, str], status: int, code: str) -> None:
    admin = _peer(api)
    response = api.client.post(f"{V1}/peers", headers=admin, json=body)
    assert response.status_code == status
    assert code in response.text


def test_a_broken_certificate_is_refused(api: Api) -> None:
    admin = _peer(api)
    response = api.client.post(
        f"{V1}/peers/FR/certificates",
        headers=admin,
        json={"pem": "-----BEGIN CERTIFICATE-----\nAAAA" + "A" * 60},
    )
    assert (response.status_code, response.json()["code"]) == (422, "invalid_certificate")
    assert api.client.get(f"{V1}/peers/FR/certificates", headers=admin).json() == []


def test_suspend_and_activate(api: Api) -> None:
    admin = _peer(api)
    assert api.client.post(f"{V1}/peers/FR/suspend", headers=admin).json()["state"] == ("suspended")
    listed = api.client.get(f"{V1}/peers", headers=admin, params={"state": "suspended"}).json()
    assert [p["party"] for p in listed["items"]] == ["FR"]
    assert api.client.post(f"{V1}/peers/FR/activate", headers=admin).json()["state"] == "active"
    missing = api.client.post(f"{V1}/peers/DE/suspend", headers=admin)
    assert (missing.status_code, missing.json()["code"]) == (404, "peer_not_found")


def test_cli_peers(database_url: str, db: Engine, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"ECITES_DATABASE_URL": database_url, "ECITES_DATA_DIR": str(tmp_path)}

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(cli, list(args), env=env)
        assert result.exit_code == code, result.output
        return result.output

    assert "added peer KE" in run("peers", "add", "KE", "--name", "Kenya Wildlife Service")
    pem = tmp_path / "ke.pem"
    pem.write_text(certificate_pem(country="KE"))
    trusted = run("peers", "trust-cert", "KE", str(pem))
    fingerprint = trusted.split()[2]
    assert trusted.startswith("active certificate")
    listing = run("peers", "list")
    assert "Kenya Wildlife Service" in listing
    assert fingerprint in listing
    assert "revoked" in run("peers", "revoke-cert", fingerprint, "--reason", "key lost")
    assert "revoked" in run("peers", "list")
    assert "peer_exists" in run("peers", "add", "KE", "--name", "again", code=1)
    assert "certificate_not_found" in run(
        "peers", "revoke-cert", "ab" * 32, "--reason", "x y", code=1
    )


@pytest.mark.parametrize(
    ("endpoint", "code"),
    [
        ("http://epix.example.fr", "insecure_endpoint"),
        ("http://192.0.2.10:8000", "insecure_endpoint"),
        ("ftp://127.0.0.1", "validation_error"),  # not an http(s) URL at all
    ],
)
def test_a_peer_endpoint_is_https_unless_on_loopback(api: Api, endpoint: str, code: str) -> None:
    admin = api.login("admin")
    before = api.client.get(f"{V1}/peers", headers=admin).json()["total"]
    refused = api.client.post(
        f"{V1}/peers",
        headers=admin,
        json={"party": "FR", "name": "MA France", "endpoint_url": endpoint},
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == code
    assert api.client.get(f"{V1}/peers", headers=admin).json()["total"] == before
