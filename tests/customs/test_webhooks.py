"""Customs systems' webhooks: permit news pushed through the outbox to a real HTTP endpoint,
signed, retried on failure, dead on refusal, visible to officers."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app import bootstrap
from app.core.config import Settings
from epix import MessageType, PermitState, load_schemas, parse_envelope
from epix.schema import default_schema_dir
from signing import load_certificate
from tests.factories import Api

V1 = "/api/v1"


class CustomsSystem:
    """A customs system's endpoint: records what it is sent, answers with planned statuses."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.answers: list[int] = []
        system = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = system.answers.pop(0) if system.answers else 200
                if status == 200:
                    system.received.append(body)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/cites/permits"


@pytest.fixture
def customs_system() -> Iterator[CustomsSystem]:
    system = CustomsSystem()
    yield system
    system.server.shutdown()
    system.server.server_close()


def _register(api: Api, url: str) -> dict[str, Any]:
    created = api.client.post(
        f"{V1}/customs/webhooks",
        headers=api.login("admin"),
        json={"name": "Passar (Swiss customs)", "url": url},
    )
    assert created.status_code == 201, created.text
    hook: dict[str, Any] = created.json()
    return hook


def _outbox(api: Api, hook: dict[str, Any]) -> list[dict[str, Any]]:
    page = api.client.get(
        f"{V1}/outbox",
        headers=api.login("admin"),
        params={"destination": f"webhook:{hook['id']}"},
    ).json()
    return list(reversed(page["items"]))


def _relay(settings: Settings, factory: sessionmaker[Session]) -> Any:
    fast = settings.model_copy(update={"retry_base_seconds": 0.05, "retry_cap_seconds": 0.1})
    return bootstrap.make_relay(fast, factory)


def _envelope(api: Api, data: bytes) -> Any:
    [cert] = api.client.get("/epix/v1/certificates").json()
    return parse_envelope(
        data,
        schemas=load_schemas(default_schema_dir()),
        trusted_for=lambda _party: ([load_certificate(cert["pem"].encode())], ()),
        own_party="CH",  # addressed to this Party's own customs
    )


def test_permit_news_reaches_the_customs_system(
    api: Api,
    settings: Settings,
    session_factory: sessionmaker[Session],
    customs_system: CustomsSystem,
) -> None:
    hook = _register(api, customs_system.url)
    officer = api.user("officer")
    permit = api.issued_permit(api.trader(), officer)
    relay = _relay(settings, session_factory)
    try:
        assert relay.run_once() == 1
        [issued] = customs_system.received
        envelope = _envelope(api, issued)
        assert envelope.header.message_type is MessageType.PERMIT_ISSUED
        ours = api.client.get(f"{V1}/permits/{permit['id']}.xml", headers=officer)
        assert envelope.permit == ours.content

        # the customs system is down for a moment: retried, then delivered
        cancelled = api.client.post(
            f"{V1}/permits/{permit['id']}/cancel", headers=officer, json={"reason": "error"}
        )
        assert cancelled.status_code == 200
        customs_system.answers = [503]
        assert relay.run_once() == 1
        waiting = _outbox(api, hook)[-1]
        assert (waiting["status"], waiting["attempts"], waiting["last_error"]) == (
            "pending",
            1,
            "HTTP 503",
        )
        time.sleep(0.2)
        assert relay.run_once() == 1
        statuses = [(m["message_type"], m["status"]) for m in _outbox(api, hook)]
        assert statuses == [("PERMIT_ISSUED", "delivered"), ("PERMIT_STATUS", "delivered")]
        news = _envelope(api, customs_system.received[-1])
        assert news.status is not None
        assert news.status.state is PermitState.CANCELLED
    finally:
        relay.close()


def test_a_refusing_customs_system_ends_dead_and_a_suspended_one_gets_nothing(
    api: Api,
    settings: Settings,
    session_factory: sessionmaker[Session],
    customs_system: CustomsSystem,
) -> None:
    hook = _register(api, customs_system.url)
    officer = api.user("officer")
    api.issued_permit(api.trader(), officer)
    customs_system.answers = [400]
    relay = _relay(settings, session_factory)
    try:
        relay.run_once()
        [dead] = _outbox(api, hook)
        assert (dead["status"], dead["attempts"]) == ("dead", 1)
        assert dead["last_error"].startswith("HTTP 400")
        assert customs_system.received == []
    finally:
        relay.close()
    suspended = api.client.post(
        f"{V1}/customs/webhooks/{hook['id']}/suspend", headers=api.login("admin")
    )
    assert suspended.json()["state"] == "suspended"
    api.issued_permit(api.trader(), officer)
    assert len(_outbox(api, hook)) == 1  # nothing new queued for it


@pytest.mark.parametrize("url", ["http://customs.example/hook", "ftp://127.0.0.1/hook"])
def test_a_webhook_is_https_unless_on_loopback(api: Api, url: str) -> None:
    refused = api.client.post(
        f"{V1}/customs/webhooks", headers=api.login("admin"), json={"name": "X", "url": url}
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "insecure_endpoint")
    listed = api.client.get(f"{V1}/customs/webhooks", headers=api.login("admin")).json()
    assert listed["total"] == 0
