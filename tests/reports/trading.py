"""Making trade happen in a test, through the real API: permits applied for, approved and
issued at a chosen moment (the issuance clock, ``permits.service.utcnow``, is set for the
call), cancelled, replaced; customs declarations on a chosen day (the app's clock); signed
documents of other Parties pushed over EPIX."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from app.permits import service as permits_service
from app.xml.document import DocumentReference, PermitDocument, PermitLine, TradeParty
from app.xml.writer import to_xml
from epix import EnvelopeHeader, MessageType, build_envelope
from signing import (
    SigningKey,
    certificate_pem,
    generate_key,
    self_signed_certificate,
    sign_bytes,
)
from tests.factories import Api

V1 = "/api/v1"
NOT_BEFORE = datetime(2020, 1, 1, tzinfo=UTC)


def line(
    name: str,
    term: str,
    quantity: str,
    unit: str,
    appendix: str,
    source: str,
    origin: str = "CH",
    **more: Any,
) -> dict[str, Any]:
    return {
        "scientific_name": name,
        "term_code": term,
        "quantity": quantity,
        "unit_code": unit,
        "appendix": appendix,
        "source_code": source,
        "origin_country": origin,
        **more,
    }


def foreign_line(
    letter: str,
    name: str,
    term: str,
    quantity: str,
    unit: str,
    appendix: str,
    source: str,
    origin: str,
    origin_permit: str | None = None,
) -> PermitLine:
    return PermitLine(
        letter,
        name,
        term_code=term,
        quantity=Decimal(quantity),
        unit=unit,
        appendix=appendix,
        source_code=source,
        origin_country=origin,
        origin_permit=DocumentReference(origin_permit) if origin_permit else None,
    )


def party(name: str, address: str, country: str) -> dict[str, str]:
    return {"name": name, "address": address, "country": country}


@dataclass
class Peer:
    party: str
    key: SigningKey


class Trading:
    """A Party's trade, made through its API: an officer, customs, a trader, France and
    Germany as peers. ``numbers`` maps a label (E1, I1, F1, ...) to its permit number."""

    def __init__(self, api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
        self.api = api
        self.monkeypatch = monkeypatch
        self.officer = api.user("officer")
        self.customs = api.user("customs")
        self.trader = api.trader(api.organisation("Reptilien & Orchideen Zürich AG"))
        self.numbers: dict[str, str] = {}
        self.ids: dict[str, int] = {}
        self.peers = {code: self._peer(code) for code in ("FR", "DE")}

    # --- the clock -----------------------------------------------------------------------

    def set_clock(self, moment: datetime) -> None:
        app: Any = self.api.client.app
        app.state.clock = lambda: moment

    # --- this Party's permits ------------------------------------------------------------

    def issue(self, label: str, on: date, **application: Any) -> str:
        """Submit, approve and issue an application; the permit is issued at 09:00 UTC."""
        application_id = self.api.submitted_application(self.trader, **application)
        client = self.api.client
        approved = client.post(f"{V1}/applications/{application_id}/approve", headers=self.officer)
        assert approved.status_code == 200, approved.text
        moment = datetime(on.year, on.month, on.day, 9, tzinfo=UTC)
        with self.monkeypatch.context() as patch:
            patch.setattr(permits_service, "utcnow", lambda: moment)
            issued = client.post(f"{V1}/applications/{application_id}/issue", headers=self.officer)
        assert issued.status_code == 201, issued.text
        self.numbers[label], self.ids[label] = issued.json()["number"], issued.json()["id"]
        return str(issued.json()["number"])

    def cancel(self, label: str) -> None:
        cancelled = self.api.client.post(
            f"{V1}/permits/{self.ids[label]}/cancel",
            headers=self.officer,
            json={"reason": "the consignment was not shipped"},
        )
        assert cancelled.status_code == 200, cancelled.text

    def replace(self, label: str, new_label: str, on: date) -> None:
        moment = datetime(on.year, on.month, on.day, 9, tzinfo=UTC)
        with self.monkeypatch.context() as patch:
            patch.setattr(permits_service, "utcnow", lambda: moment)
            replaced = self.api.client.post(
                f"{V1}/permits/{self.ids[label]}/replace",
                headers=self.officer,
                json={"reason": "original lost in transit"},
            )
        assert replaced.status_code == 201, replaced.text
        self.numbers[new_label], self.ids[new_label] = (
            replaced.json()["number"],
            replaced.json()["id"],
        )

    def declare(
        self, kind: str, country: str, number: str, on: date, lines: dict[str, str], **more: Any
    ) -> None:
        """A customs declaration on ``on`` (the clock too): line letter -> "quantity unit"."""
        self.set_clock(datetime(on.year, on.month, on.day, 10, tzinfo=UTC))
        body = {
            "declaration_ref": f"DECL-{uuid.uuid4().hex[:10]}",
            "port": "Zürich Flughafen",
            "date": on.isoformat(),
            "officer": "Zollbeamtin Müller",
            "lines": [
                {"line": letter, "quantity": text.split()[0], "unit": text.split()[1]}
                for letter, text in lines.items()
            ],
            **more,
        }
        answer = self.api.client.post(
            f"{V1}/customs/permits/{country}/{number}/{kind}", headers=self.customs, json=body
        )
        assert answer.status_code == 201, answer.text

    def endorse(self, label: str, on: date, lines: dict[str, str]) -> None:
        self.declare("export-endorsements", "CH", self.numbers[label], on, lines)

    # --- other Parties' documents --------------------------------------------------------

    def _peer(self, code: str) -> Peer:
        key = generate_key()
        signing = SigningKey(
            key,
            (
                self_signed_certificate(
                    key, f"MA {code}", code, valid_days=3650, not_before=NOT_BEFORE
                ),
            ),
        )
        admin = self.api.login("admin")
        client = self.api.client
        created = client.post(
            f"{V1}/peers",
            headers=admin,
            json={"party": code, "name": f"MA {code}", "endpoint_url": "http://127.0.0.1:9"},
        )
        assert created.status_code == 201, created.text
        added = client.post(
            f"{V1}/peers/{code}/certificates",
            headers=admin,
            json={"pem": certificate_pem(signing.certificate).decode()},
        )
        assert added.status_code == 201, added.text
        return Peer(code, signing)

    def receive(
        self,
        label: str,
        issuer: str,
        number: str,
        *,
        kind: str,
        issued: date,
        purpose: str,
        lines: list[PermitLine],
    ) -> None:
        """``issuer`` pushes its signed document ``number`` for import into CH (EPIX)."""
        peer = self.peers[issuer]
        document = PermitDocument(
            number=number,
            type=kind,
            issued_at=datetime(issued.year, issued.month, issued.day, 8, tzinfo=UTC),
            valid_from=issued,
            valid_until=date(issued.year + 1, issued.month, 1),
            purpose_code=purpose,
            issuing_country=issuer,
            issuing_authority=TradeParty(name=f"MA {issuer}", country=issuer),
            exporter=TradeParty(name="Exporteur", address="Hauptstrasse 1", country=issuer),
            importer=TradeParty(name="Importeur AG", address="Bahnhofstrasse 1", country="CH"),
            lines=tuple(lines),
        )
        signed = sign_bytes(to_xml(document), peer.key)
        header = EnvelopeHeader(
            message_id=uuid.uuid4(),
            sender=issuer,
            recipient="CH",
            message_type=MessageType.PERMIT_ISSUED,
            created_at=datetime.now(UTC),
            permit_number=number,
        )
        answer = self.api.client.post(
            "/epix/v1/messages",
            headers={"Content-Type": "application/xml"},
            content=build_envelope(header, signed, peer.key),
        )
        assert answer.status_code == 200, answer.content[:400]
        self.numbers[label] = number
