"""Two real eCITES services, CH and FR, exchanging over real HTTP (issue 5's acceptance).

Each Party is an `ecites serve` process with its own database and signing key; each registers
the other's endpoint and certificate. CH reaches FR through :class:`FaultyNetwork`, a real
HTTP hop that misbehaves on cue. Every fault test ends the same way: the message is delivered
exactly once in effect (FR holds the permit once, CH holds FR's signed receipt) and nothing is
lost; permanent rejections end ``dead`` with the reason and are not retried.

The happy path runs on every backend; the fault tests, which start and kill processes, on
SQLite (the delivery logic is the same; the claim on PostgreSQL is covered in tests/outbox)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.cli.parties import (
    ADMIN_PASSWORD,
    LocalParty,
    delivered,
    issue_export_permit,
    outbox_messages,
    wait_for,
)
from app.core.actor import Role
from epix import ReceiptStatus, load_schemas, parse_receipt
from epix.schema import default_schema_dir
from signing import load_certificate, verify
from tests.conftest import party_database
from tests.exchange.faulty_network import Act, FaultyNetwork

SENDER = {
    "relay_interval_seconds": "0.2",
    "retry_base_seconds": "0.3",
    "retry_cap_seconds": "1.5",
    "relay_timeout_seconds": "2",
    "relay_lease_seconds": "3",
}


@dataclass
class Pair:
    ch: LocalParty
    fr: LocalParty
    network: FaultyNetwork

    def start(self) -> None:
        self.fr.start()
        self.ch.start()

    def foreign_permits(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.fr.call("GET", "/api/v1/foreign-permits").json()["items"]
        return items

    def stored_bytes(self, number: str) -> bytes:
        # FR's stored copy, as its officers and verification see it
        return self.fr.call("GET", f"/api/v1/foreign-permits/CH/{number}.xml", expect=200).content

    def our_bytes(self, permit_id: int) -> bytes:
        return self.ch.call("GET", f"/api/v1/permits/{permit_id}.xml").content

    def receipt(self, message_id: str) -> Any:
        data = self.ch.call("GET", f"/api/v1/outbox/{message_id}/receipt").content
        return parse_receipt(
            data,
            schemas=load_schemas(default_schema_dir()),
            trusted=[load_certificate(self.fr.certificate_file.read_bytes())],
        )


def _pair(
    tmp_path: Path,
    backend: str,
    request: pytest.FixtureRequest,
    *,
    receiver: str = "FR",
    fr_trusts_ch: bool = True,
) -> Pair:
    ch = LocalParty("CH", tmp_path / "CH", party_database(backend, request, "ch"), options=SENDER)
    fr = LocalParty(receiver, tmp_path / receiver, party_database(backend, request, "fr"))
    for party in (ch, fr):
        party.prepare()
    network = FaultyNetwork(fr.base_url)
    # CH knows the Party it sends to as FR (for the wrong-recipient case, DE answers there)
    ch.trust(LocalParty("FR", fr.data_dir, port=fr.port), endpoint=network.url)
    if fr_trusts_ch:
        fr.trust(ch)
    return Pair(ch, fr, network)


@pytest.fixture
def make_pair(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Callable[..., Pair]]:
    made: list[Pair] = []

    def make(backend: str = "sqlite", **kw: Any) -> Pair:
        pair = _pair(tmp_path, backend, request, **kw)
        made.append(pair)
        return pair

    yield make
    for pair in made:
        pair.ch.kill()
        pair.fr.kill()
        pair.network.close()


def _delivered_once(pair: Pair, permit: dict[str, Any]) -> dict[str, Any]:
    """The end every fault test must reach: delivered, once, byte for byte."""
    number = permit["number"]
    [message] = wait_for(f"{number} delivered", lambda: delivered(pair.ch, number), timeout=60)
    assert [p["number"] for p in pair.foreign_permits()] == [number]
    assert pair.stored_bytes(number) == pair.our_bytes(permit["id"])
    receipt = pair.receipt(message["message_id"])
    assert receipt.status is ReceiptStatus.ACCEPTED  # the original receipt, also for a resend
    assert str(receipt.message_id) == message["message_id"]
    assert receipt.receiver == "FR"
    result: dict[str, Any] = message
    return result


# --- the exchange itself -------------------------------------------------------------------


def test_push_status_and_request(make_pair: Callable[..., Pair], backend: str) -> None:
    pair = make_pair(backend)
    pair.start()
    permit = issue_export_permit(pair.ch, "FR")

    # push: FR stores exactly the bytes CH signed, and they verify with CH's certificate
    message = _delivered_once(pair, permit)
    assert message["message_type"] == "PERMIT_ISSUED"
    stored = pair.stored_bytes(permit["number"])
    ch_certificate = load_certificate(pair.ch.certificate_file.read_bytes())
    assert verify(stored, trusted=[ch_certificate]).fingerprint
    checked = pair.fr.call("POST", "/api/v1/verify", content=stored).json()
    assert checked["authentic"] is True

    # status: CH cancels; FR learns it
    number = permit["number"]
    pair.ch.call(
        "POST",
        f"/api/v1/permits/{permit['id']}/cancel",
        headers=_officer(pair),
        json={"reason": "the consignment was not shipped"},
    )
    wait_for("status delivered", lambda: delivered(pair.ch, number, count=2))
    assert [m["message_type"] for m in outbox_messages(pair.ch, number)] == [
        "PERMIT_ISSUED",
        "PERMIT_STATUS",
    ]
    [foreign] = pair.foreign_permits()
    assert (foreign["status"], foreign["status_reason"]) == (
        "cancelled",
        "the consignment was not shipped",
    )

    # request: a permit CH issued for another country was never pushed to FR; FR fetches it
    other = issue_export_permit(pair.ch, "DE")
    assert outbox_messages(pair.ch, other["number"]) == []
    fetched = pair.fr.call(
        "POST", "/api/v1/foreign-permits/request", json={"party": "CH", "number": other["number"]}
    ).json()
    assert (fetched["issuing_party"], fetched["number"]) == ("CH", other["number"])
    assert fetched["status"] == "valid"
    assert pair.stored_bytes(other["number"]) == pair.our_bytes(other["id"])
    # a cancelled permit asked for again: FR learns its state from CH's answer
    pair.ch.call(
        "POST",
        f"/api/v1/permits/{other['id']}/cancel",
        headers=_officer(pair),
        json={"reason": "not shipped"},
    )
    refetched = pair.fr.call(
        "POST", "/api/v1/foreign-permits/request", json={"party": "CH", "number": other["number"]}
    ).json()
    assert refetched["status"] == "cancelled"
    missing = pair.fr.call(
        "POST",
        "/api/v1/foreign-permits/request",
        json={"party": "CH", "number": "26CH999999"},
        expect=404,
    ).json()
    assert missing["code"] == "peer_permit_not_found"


def _officer(pair: Pair) -> dict[str, str]:
    username = f"officer{uuid.uuid4().hex[:6]}"
    pair.ch.user(Role.OFFICER, username)
    return pair.ch.login(username, ADMIN_PASSWORD)


# --- faults: each ends delivered exactly once ------------------------------------------------


def test_peer_down_then_up(make_pair: Callable[..., Pair]) -> None:
    pair = make_pair()
    pair.ch.start()  # FR is down
    permit = issue_export_permit(pair.ch, "FR")
    number = permit["number"]
    waiting = wait_for(
        "failed attempts",
        lambda: [m for m in outbox_messages(pair.ch, number) if m["attempts"] >= 2],
    )
    assert waiting[0]["status"] in ("pending", "sending")
    assert waiting[0]["last_error"]
    pair.fr.start()
    message = _delivered_once(pair, permit)
    assert message["attempts"] >= 3


def test_peer_answers_500_then_200(make_pair: Callable[..., Pair]) -> None:
    pair = make_pair()
    pair.network.plan = [Act.FAIL_500, Act.FAIL_500]
    pair.start()
    message = _delivered_once(pair, issue_export_permit(pair.ch, "FR"))
    assert message["attempts"] == 3
    assert [act for act, _ in pair.network.seen] == [Act.FAIL_500, Act.FAIL_500, Act.FORWARD]


def test_timeouts(make_pair: Callable[..., Pair]) -> None:
    pair = make_pair()
    pair.network.plan = [Act.STALL]  # longer than CH's 2 s timeout; FR still gets it
    pair.start()
    message = _delivered_once(pair, issue_export_permit(pair.ch, "FR"))
    assert message["attempts"] >= 2
    wait_for("the stalled request reached FR", lambda: len(pair.network.seen) >= 2)
    assert all(status in (200, None) for _, status in pair.network.seen)


def test_the_same_message_delivered_twice(make_pair: Callable[..., Pair]) -> None:
    pair = make_pair()
    pair.network.plan = [Act.TWICE]
    pair.start()
    message = _delivered_once(pair, issue_export_permit(pair.ch, "FR"))
    assert message["attempts"] == 1
    assert pair.network.seen == [(Act.TWICE, 200)]  # FR answered the second copy 200 too


def test_sender_killed_before_recording_the_receipt(make_pair: Callable[..., Pair]) -> None:
    pair = make_pair()
    pair.network.plan = [Act.HOLD]
    pair.start()
    permit = issue_export_permit(pair.ch, "FR")
    assert pair.network.holding.wait(30)
    pair.ch.kill()  # FR has applied the message; CH dies before hearing back
    pair.network.released.set()
    assert [p["number"] for p in pair.foreign_permits()] == [permit["number"]]
    pair.ch.start()  # the claim's lease runs out; the relay sends the same bytes again
    message = _delivered_once(pair, permit)
    assert message["attempts"] == 2


def test_receiver_stopped_mid_request(make_pair: Callable[..., Pair]) -> None:
    pair = make_pair()
    pair.network.plan = [Act.HALF_BODY]
    pair.network.on_half_body = pair.fr.kill
    pair.start()
    permit = issue_export_permit(pair.ch, "FR")
    wait_for("FR stopped mid-request", lambda: pair.network.seen)
    assert pair.fr.process is None
    pair.fr.start()
    message = _delivered_once(pair, permit)
    assert message["attempts"] >= 2


# --- permanent rejections: dead, with the reason, never retried ----------------------------


def _revoke_ch(pair: Pair) -> None:
    [certificate] = pair.fr.call("GET", "/api/v1/peers/CH/certificates").json()
    pair.fr.call(
        "POST",
        f"/api/v1/certificates/{certificate['fingerprint']}/revoke",
        json={"reason": "key compromised"},
    )


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("bad_signature", "SIGNATURE_INVALID"),
        ("unknown_sender", "UNKNOWN_SENDER"),
        ("revoked_certificate", "UNTRUSTED_CERTIFICATE"),
        ("wrong_recipient", "WRONG_RECIPIENT"),
        ("invalid_schema", "SCHEMA_INVALID"),
    ],
)
def test_permanent_rejection_ends_dead(
    make_pair: Callable[..., Pair], case: str, code: str
) -> None:
    pair = make_pair(
        receiver="DE" if case == "wrong_recipient" else "FR",
        fr_trusts_ch=case != "unknown_sender",
    )
    if case == "bad_signature":
        pair.network.plan = [Act.CORRUPT]
    if case == "invalid_schema":
        pair.network.plan = [Act.BREAK_SCHEMA]
    pair.start()
    if case == "revoked_certificate":
        _revoke_ch(pair)
    number = issue_export_permit(pair.ch, "FR")["number"]
    [message] = wait_for(
        "dead",
        lambda: [m for m in outbox_messages(pair.ch, number) if m["status"] == "dead"],
    )
    assert code in message["last_error"]
    assert message["attempts"] == 1
    time.sleep(1.5)  # several relay rounds and retry delays: still not sent again
    [again] = outbox_messages(pair.ch, number)
    assert (again["status"], again["attempts"]) == ("dead", 1)
    assert len(pair.network.seen) == 1
    assert pair.foreign_permits() == []
    if message["has_receipt"]:  # FR's signed REJECTED receipt, kept as the reason
        rejected = pair.receipt(message["message_id"])
        assert rejected.status is ReceiptStatus.REJECTED
        assert [p.code.value for p in rejected.errors] == [code]


def test_a_dead_message_is_delivered_once_requeued(make_pair: Callable[..., Pair]) -> None:
    pair = make_pair(fr_trusts_ch=False)
    pair.start()
    permit = issue_export_permit(pair.ch, "FR")
    wait_for(
        "dead",
        lambda: [m for m in outbox_messages(pair.ch, permit["number"]) if m["status"] == "dead"],
    )
    pair.fr.stop()
    pair.fr.trust(pair.ch)  # FR's administrator registers CH; CH's officer sends again
    pair.fr.start()
    [message] = outbox_messages(pair.ch, permit["number"])
    pair.ch.call("POST", f"/api/v1/outbox/{message['message_id']}/requeue", headers=_officer(pair))
    _delivered_once(pair, permit)
