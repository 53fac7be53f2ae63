"""Local Parties: real eCITES service processes on loopback, each with its own data directory,
database and signing key (for `ecites demo`, the two-Party exchange tests and the benchmarks).

    ch = LocalParty("CH", workdir / "CH")
    fr = LocalParty("FR", workdir / "FR")
    for party in (ch, fr):
        party.prepare()                 # migrate, first administrator, signing key
    ch.trust(fr); fr.trust(ch)          # each registers the other (endpoint + certificate)
    fr.start(); ch.start()              # `ecites serve` subprocesses, waited for
    ...
    ch.stop(); fr.stop()                # or .kill() to stop one dead

``DIR/<PARTY>/`` is an ordinary data directory: afterwards
``ECITES_DATA_DIR=DIR/CH ECITES_PARTY=CH ecites ...`` operates on that Party."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from app.core.actor import Actor, Role
from app.core.config import Settings

ADMIN_PASSWORD = "demo-admin-password-0123"  # noqa: S105  (a throwaway local demo)
SECRET_KEY = "local-party-secret-key-0123456789-abcdefghij"  # noqa: S105
NAMES = {
    "CH": "Federal Food Safety and Veterinary Office",
    "FR": "Ministère de la Transition écologique",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LocalParty:
    """One Party's service, run as a real process on 127.0.0.1. ``options`` are extra settings
    (field names of :class:`Settings`, e.g. ``retry_base_seconds``)."""

    party: str
    data_dir: Path
    database_url: str = ""
    port: int = field(default_factory=free_port)
    options: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    _token: str | None = None

    @property
    def tls(self) -> bool:
        return "tls_cert_file" in self.options

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def _client(self) -> dict[str, Any]:
        """httpx options to talk to this Party (as a client of its mutual TLS when set)."""
        if not self.tls:
            return {}
        from epix import ssl_context

        ca = self.options.get("tls_ca_file")
        return {
            "verify": ssl_context(
                ca_file=Path(ca) if ca else None,
                cert_file=Path(self.options["tls_cert_file"]),
                key_file=Path(self.options["tls_key_file"]),
            )
        }

    @property
    def log_file(self) -> Path:
        return self.data_dir / "server.log"

    @property
    def certificate_file(self) -> Path:
        return self.data_dir / "certificate.pem"

    def _values(self) -> dict[str, str]:
        values = {
            "party": self.party,
            "data_dir": str(self.data_dir),
            "secret_key": SECRET_KEY,
            "admin_password": ADMIN_PASSWORD,
            "authority_name": f"CITES Management Authority of {self.party}",
        }
        if self.database_url:
            values["database_url"] = self.database_url
        return values | self.options

    def settings(self) -> Settings:
        return Settings(**self._values())  # type: ignore[arg-type]

    def env(self) -> dict[str, str]:
        """The process environment: the caller's, without any ECITES_ setting of its own."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("ECITES_")}
        env.update({f"ECITES_{k.upper()}": v for k, v in self._values().items()})
        return env

    # --- set-up, in this process, on the Party's own database -------------------------------

    def prepare(self) -> None:
        """Migrate, create the first administrator and the signing key; write the certificate
        (PEM) to ``certificate_file``."""
        from app import bootstrap
        from app.auth import service as auth_service
        from app.cli.common import run_migrations
        from app.core.db import make_engine, make_session_factory, unit_of_work
        from app.species import importing as species_importing
        from signing import certificate_pem

        self.data_dir.mkdir(parents=True, exist_ok=True)
        settings = self.settings()
        run_migrations(settings.effective_database_url)
        engine = make_engine(settings.effective_database_url)
        try:
            with unit_of_work(make_session_factory(engine)) as session:
                auth_service.ensure_first_admin(
                    session, username=settings.admin_username, password=ADMIN_PASSWORD
                )
                species_importing.import_reference(session, actor=Actor.system("demo"))
        finally:
            engine.dispose()
        keys = bootstrap.own_keys(settings, bootstrap.issuing_authority(settings))
        self.certificate_file.write_bytes(certificate_pem(keys.current.certificate))

    def trust(self, other: LocalParty, *, endpoint: str | None = None) -> None:
        """Register ``other`` as a peer here: its endpoint and its certificate, active."""
        from app.core.db import make_engine, make_session_factory, unit_of_work
        from app.trust import service as trust_service
        from app.trust.schemas import CertificateState

        settings = self.settings()
        engine = make_engine(settings.effective_database_url)
        actor = Actor.system("demo")
        try:
            with unit_of_work(make_session_factory(engine)) as session:
                peer = trust_service.add_peer(
                    session,
                    party=other.party,
                    name=NAMES.get(other.party, f"Management Authority of {other.party}"),
                    endpoint_url=endpoint or other.base_url,
                    own_party=self.party,
                    actor=actor,
                )
                trust_service.trust_certificate(
                    session,
                    peer=peer,
                    pem=other.certificate_file.read_text(),
                    state=CertificateState.ACTIVE,
                    actor=actor,
                )
        finally:
            engine.dispose()

    # --- the server process -----------------------------------------------------------------

    def start(self, *, timeout: float = 60.0) -> None:
        """Start `ecites serve` and wait until it answers /healthz."""
        if self.process is not None and self.process.poll() is None:
            raise RuntimeError(f"{self.party} is running already")
        log = self.log_file.open("ab")
        command = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1"]
        self.process = subprocess.Popen(  # noqa: S603  (our own command)
            [*command, "--port", str(self.port)],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.party} exited at start:\n{self.log_tail()}")
            try:
                answer = httpx.get(f"{self.base_url}/healthz", timeout=1.0, **self._client())
                if answer.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"{self.party} did not start in {timeout} s:\n{self.log_tail()}")

    def stop(self, *, timeout: float = 20.0) -> None:
        """Stop gracefully (SIGTERM: the relay finishes its round), else kill."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    def kill(self) -> None:
        """Stop dead (SIGKILL), as a crash or a power cut would."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_file.exists():
            return ""
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])

    # --- talking to it, as its users do ------------------------------------------------------

    def login(self, username: str = "admin", password: str = ADMIN_PASSWORD) -> dict[str, str]:
        response = httpx.post(
            f"{self.base_url}/api/v1/auth/token",
            json={"username": username, "password": password},
            timeout=30,
            **self._client(),
        )
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def call(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        expect: int | tuple[int, ...] = (200, 201),
        **kwargs: Any,
    ) -> httpx.Response:
        """An API call as the administrator unless ``headers`` say otherwise; a status other
        than ``expect`` raises with the answer."""
        if headers is None:
            if self._token is None:
                self._token = self.login()["Authorization"]
            headers = {"Authorization": self._token}
        response = httpx.request(
            method,
            f"{self.base_url}{path}",
            headers=headers,
            timeout=60,
            **self._client(),
            **kwargs,
        )
        wanted = (expect,) if isinstance(expect, int) else expect
        if response.status_code not in wanted:
            raise RuntimeError(
                f"{self.party}: {method} {path} -> {response.status_code}: {response.text[:500]}"
            )
        return response

    def user(self, role: Role, username: str, organisation_id: int | None = None) -> None:
        self.call(
            "POST",
            "/api/v1/users",
            json={
                "username": username,
                "full_name": username.title(),
                "role": role.value,
                "password": ADMIN_PASSWORD,
                "organisation_id": organisation_id,
            },
        )


def wait_for(what: str, probe: Any, *, timeout: float = 60.0, interval: float = 0.2) -> Any:
    """Call ``probe`` until it returns something truthy; TimeoutError naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout} s for {what}")
        time.sleep(interval)


def issue_export_permit(exporter: LocalParty, importer: str, *, tag: str = "") -> dict[str, Any]:
    """The exporting side of the story, through the API as its users do it: an organisation
    and its trader, who applies for an export permit (two live ball pythons, captive-bred, to a
    zoo in ``importer``); an officer approves and issues. Returns the issued permit."""
    suffix = tag or str(time.monotonic_ns())[-8:]
    organisation = exporter.call(
        "POST",
        "/api/v1/organisations",
        json={
            "name": f"Reptile Traders {suffix}",
            "address": "Bahnhofstrasse 1, 8001 Zurich",
            "country": exporter.party,
        },
    ).json()
    exporter.user(Role.TRADER, f"trader{suffix}", organisation["id"])
    exporter.user(Role.OFFICER, f"officer{suffix}")
    trader = exporter.login(f"trader{suffix}", ADMIN_PASSWORD)
    officer = exporter.login(f"officer{suffix}", ADMIN_PASSWORD)
    application = exporter.call(
        "POST",
        "/api/v1/applications",
        headers=trader,
        json={
            "document_type": "E",
            "counterparty": {
                "name": "Jardin des Plantes",
                "address": "57 rue Cuvier, 75005 Paris",
                "country": importer,
            },
            "purpose_code": "Z",
            "lines": [
                {
                    "scientific_name": "Python regius",
                    "common_name": "Ball python",
                    "term_code": "LIV",
                    "quantity": "2",
                    "unit_code": "",
                    "appendix": "II",
                    "source_code": "C",
                    "origin_country": exporter.party,
                }
            ],
        },
    ).json()
    path = f"/api/v1/applications/{application['id']}"
    exporter.call("POST", f"{path}/submit", headers=trader)
    exporter.call("POST", f"{path}/approve", headers=officer)
    permit: dict[str, Any] = exporter.call("POST", f"{path}/issue", headers=officer).json()
    return permit


def outbox_messages(party: LocalParty, number: str) -> list[dict[str, Any]]:
    """The party's outgoing messages about permit ``number``, oldest first."""
    page = party.call(
        "GET", "/api/v1/outbox", params={"permit_number": number, "limit": 200}
    ).json()
    return list(reversed(page["items"]))


def delivered(party: LocalParty, number: str, count: int = 1) -> list[dict[str, Any]] | None:
    """The messages about ``number`` once ``count`` of them are all delivered, else None."""
    messages = outbox_messages(party, number)
    if len(messages) >= count and all(m["status"] == "delivered" for m in messages):
        return messages
    return None


def customs_login(party: LocalParty, username: str) -> dict[str, str]:
    """A customs user of ``party`` (created), logged in."""
    party.user(Role.CUSTOMS, username)
    return party.login(username, ADMIN_PASSWORD)


def declare(
    party: LocalParty,
    customs: dict[str, str],
    kind: str,
    country: str,
    number: str,
    *,
    declaration_ref: str,
    port: str,
    lines: list[dict[str, str]],
    officer: str = "Customs officer on duty",
) -> dict[str, Any]:
    """A border event at ``party``: ``kind`` is export-endorsements or import-clearances."""
    result: dict[str, Any] = party.call(
        "POST",
        f"/api/v1/customs/permits/{country}/{number}/{kind}",
        headers=customs,
        json={
            "declaration_ref": declaration_ref,
            "port": port,
            "date": time.strftime("%Y-%m-%d", time.gmtime()),
            "officer": officer,
            "lines": lines,
        },
    ).json()
    return result


def customs_view(party: LocalParty, country: str, number: str) -> dict[str, Any]:
    view: dict[str, Any] = party.call("GET", f"/api/v1/customs/permits/{country}/{number}").json()
    return view
