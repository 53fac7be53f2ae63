"""Customs at the border, in one service (CH): the validity check on own and received permits in
every state, the export endorsement and the import clearance with every refusal, idempotent
re-sends, and two events racing for one document."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.core.actor import Actor, Role
from app.core.db import unit_of_work
from app.core.errors import DomainError
from app.customs import events
from app.customs.schemas import ExportEndorsement
from app.outbox.announce import Announcer
from app.outbox.models import OutboxMessage
from app.permits.document import Issuance
from app.permits.models import BorderEvent
from epix import (
    EndorsedQuantity,
    EnvelopeHeader,
    MessageType,
    PermitState,
    PermitStatusBody,
    build_envelope,
)
from signing import (
    SigningKey,
    certificate_pem,
    generate_key,
    self_signed_certificate,
    sign_bytes,
)
from tests.factories import Api

SAMPLES = Path(__file__).parent.parent / "samples"
XML = {"Content-Type": "application/xml"}
PAST = datetime(2020, 1, 1, tzinfo=UTC)
IN_FORCE = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)  # within the French sample's validity
V1 = "/api/v1"


class Border:
    """The CH service seen from its border: customs credentials, a settable clock, France as
    a registered peer that pushes permits here."""

    def __init__(self, api: Api, france: SigningKey) -> None:
        self.api = api
        self.france = france
        self.customs = api.user("customs")
        self.officer = api.user("officer")
        self.set_clock(None)

    def set_clock(self, moment: datetime | None) -> None:
        app: Any = self.api.client.app
        app.state.clock = (lambda: moment) if moment else (lambda: datetime.now(UTC))

    def check(self, country: str, number: str, headers: dict[str, str] | None = None) -> Any:
        answer = self.api.client.get(
            f"{V1}/customs/permits/{country}/{number}", headers=headers or self.customs
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    def declare(
        self, kind: str, country: str, number: str, expect: int, **body: Any
    ) -> dict[str, Any]:
        body.setdefault("declaration_ref", f"DECL-{uuid.uuid4().hex[:10]}")
        body.setdefault("port", "Basel-Mulhouse Airport")
        body.setdefault("date", "2027-01-15")
        body.setdefault("officer", "Customs officer Meier")
        answer = self.api.client.post(
            f"{V1}/customs/permits/{country}/{number}/{kind}", headers=self.customs, json=body
        )
        assert answer.status_code == expect, answer.text
        result: dict[str, Any] = answer.json()
        return result

    def own_permit(self, **overrides: Any) -> dict[str, Any]:
        application_id = self.api.submitted_application(self.api.trader(), **overrides)
        approved = self.api.client.post(
            f"{V1}/applications/{application_id}/approve", headers=self.officer
        )
        assert approved.status_code == 200, approved.text
        issued = self.api.client.post(
            f"{V1}/applications/{application_id}/issue", headers=self.officer
        )
        assert issued.status_code == 201, issued.text
        permit: dict[str, Any] = issued.json()
        return permit

    def push(self, kind: MessageType, number: str, body: object) -> None:
        header = EnvelopeHeader(
            message_id=uuid.uuid4(),
            sender="FR",
            recipient="CH",
            message_type=kind,
            created_at=datetime.now(UTC),
            permit_number=number,
        )
        answer = self.api.client.post(
            "/epix/v1/messages",
            headers=XML,
            content=build_envelope(header, body, self.france),  # type: ignore[arg-type]
        )
        assert answer.status_code == 200, answer.content[:400]

    def french_permit(self, number: str, *, importer: str = "CH") -> str:
        """France's re-export certificate ``number`` for CH, pushed here: line A 12,500 g of
        caviar (Appendix II), line B 0.012 m3 of Brazilian rosewood (Appendix I)."""
        root = etree.fromstring((SAMPLES / "ours-reexport.xml").read_bytes())
        root.find("{*}HeaderExchangedDocument/{*}ID").text = number  # type: ignore[union-attr]
        authority = (
            "{*}HeaderExchangedDocument/{*}FirstSignatoryDocumentAuthentication/"
            "{*}ProviderTradeParty/{*}PostalTradeAddress/{*}CountryID"
        )
        root.find(authority).text = "FR"  # type: ignore[union-attr]
        consignee = (
            "{*}SpecifiedSupplyChainConsignment/{*}ConsigneeTradeParty/"
            "{*}PostalTradeAddress/{*}CountryID"
        )
        root.find(consignee).text = importer  # type: ignore[union-attr]
        self.push(MessageType.PERMIT_ISSUED, number, sign_bytes(root, self.france))
        return number


@pytest.fixture
def border(api: Api) -> Border:
    key = generate_key()
    france = SigningKey(
        key, (self_signed_certificate(key, "MA France", "FR", valid_days=3650, not_before=PAST),)
    )
    admin = api.login("admin")
    api.client.post(
        f"{V1}/peers",
        headers=admin,
        json={"party": "FR", "name": "MA France", "endpoint_url": "http://127.0.0.1:9"},
    )
    added = api.client.post(
        f"{V1}/peers/FR/certificates",
        headers=admin,
        json={"pem": certificate_pem(france.certificate).decode()},
    )
    assert added.status_code == 201
    return Border(api, france)


LINE_A = {"line": "A", "quantity": "2", "unit": "NAR"}  # the factory's two ball pythons


# --- the check: every state, own and received -----------------------------------------------


def test_own_permit_states(border: Border) -> None:
    permit = border.own_permit()
    number = permit["number"]
    view = border.check("CH", number)
    assert (view["state"], view["own"], view["document_type"]) == ("VALID", True, "E")
    assert view["importer"]["country"] == "FR"
    assert view["lines"] == [
        {
            "line": "A",
            "scientific_name": "Python regius",
            "permitted_quantity": "2.000",
            "unit": "NAR",
            "exported_quantity": None,
            "imported_quantity": None,
        }
    ]
    assert view["signature"] is None  # issued here

    valid_from = datetime.fromisoformat(permit["valid_from"]).replace(tzinfo=UTC)
    border.set_clock(valid_from - timedelta(days=1))
    assert border.check("CH", number)["state"] == "NOT_YET_VALID"
    valid_until = datetime.fromisoformat(permit["valid_until"]).replace(tzinfo=UTC)
    border.set_clock(valid_until + timedelta(days=1))
    assert border.check("CH", number)["state"] == "EXPIRED"
    border.set_clock(None)

    border.declare("export-endorsements", "CH", number, 201, lines=[LINE_A])
    exported = border.check("CH", number)
    assert exported["state"] == "EXPORTED"
    assert exported["lines"][0]["exported_quantity"] == "2"
    assert [e["kind"] for e in exported["events"]] == ["export"]

    cancelled = border.own_permit()
    border.api.client.post(
        f"{V1}/permits/{cancelled['id']}/cancel", headers=border.officer, json={"reason": "error"}
    )
    assert border.check("CH", cancelled["number"])["state"] == "CANCELLED"

    old = border.own_permit()
    new = border.api.client.post(
        f"{V1}/permits/{old['id']}/replace", headers=border.officer, json={"reason": "typo"}
    ).json()
    replaced = border.check("CH", old["number"])
    assert (replaced["state"], replaced["replaced_by"]) == ("REPLACED", new["number"])

    missing = border.check("CH", "26CH999999")
    assert (missing["state"], missing["lines"], missing["events"]) == ("NOT_FOUND", [], [])


def test_own_export_permit_used_when_the_importer_reports_it(border: Border) -> None:
    number = border.own_permit()["number"]
    border.declare("export-endorsements", "CH", number, 201, lines=[LINE_A])
    status = PermitStatusBody(
        PermitState.USED,
        reason="cleared at import",
        endorsed=(EndorsedQuantity("A", Decimal(2), "NAR"),),
    )
    border.push(MessageType.PERMIT_STATUS, number, status)
    view = border.check("CH", number)
    assert view["state"] == "USED"
    assert [(e["kind"], e["reported_by"]) for e in view["events"]] == [
        ("export", "CH"),
        ("import", "FR"),
    ]
    assert view["lines"][0]["imported_quantity"] == "2"


def test_received_permit_states(border: Border) -> None:
    number = border.french_permit("FR2611000201")
    border.set_clock(datetime(2026, 11, 30, tzinfo=UTC))
    assert border.check("FR", number)["state"] == "NOT_YET_VALID"
    border.set_clock(IN_FORCE)
    view = border.check("FR", number)
    assert (view["state"], view["own"], view["document_type"]) == ("VALID", False, "R")
    assert view["signature"]["verified"] is True
    assert len(view["signature"]["signer_fingerprint"]) == 64
    assert [(x["line"], x["permitted_quantity"], x["unit"]) for x in view["lines"]] == [
        ("A", "12500", "GRM"),
        ("B", "0.012", "MTQ"),
    ]
    border.set_clock(datetime(2027, 6, 2, tzinfo=UTC))
    assert border.check("FR", number)["state"] == "EXPIRED"
    border.set_clock(IN_FORCE)

    exported = PermitStatusBody(
        PermitState.EXPORTED,
        endorsed=(
            EndorsedQuantity("A", Decimal(10000), "GRM"),
            EndorsedQuantity("B", Decimal("0.012"), "MTQ"),
        ),
    )
    border.push(MessageType.PERMIT_STATUS, number, exported)
    view = border.check("FR", number)
    assert view["state"] == "EXPORTED"
    assert view["lines"][0]["exported_quantity"] == "10000"
    assert view["events"][0]["reported_by"] == "FR"

    cancelled = border.french_permit("FR2611000202")
    border.push(MessageType.PERMIT_STATUS, cancelled, PermitStatusBody(PermitState.CANCELLED))
    assert border.check("FR", cancelled)["state"] == "CANCELLED"

    replaced = border.french_permit("FR2611000203")
    border.push(
        MessageType.PERMIT_STATUS,
        replaced,
        PermitStatusBody(PermitState.REPLACED, replaced_by="FR2611000204"),
    )
    assert border.check("FR", replaced)["state"] == "REPLACED"
    assert border.check("FR", "FR2699999999")["state"] == "NOT_FOUND"


def test_a_revoked_signer_fails_the_check_and_the_clearance(border: Border) -> None:
    number = border.french_permit("FR2611000210")
    border.set_clock(IN_FORCE)
    admin = border.api.login("admin")
    [cert] = border.api.client.get(f"{V1}/peers/FR/certificates", headers=admin).json()
    border.api.client.post(
        f"{V1}/certificates/{cert['fingerprint']}/revoke", headers=admin, json={"reason": "leak"}
    )
    view = border.check("FR", number)
    assert view["signature"]["verified"] is False
    assert view["signature"]["reasons"]
    refused = border.declare(
        "import-clearances",
        "FR",
        number,
        409,
        lines=[{"line": "A", "quantity": "1", "unit": "GRM"}],
    )
    assert refused["code"] == "signature_invalid"


# --- export endorsement ---------------------------------------------------------------------


def test_export_endorsement_once_and_idempotent(
    border: Border, session_factory: sessionmaker[Session]
) -> None:
    number = border.own_permit()["number"]
    body = {"declaration_ref": "CH-EXP-0001", "lines": [LINE_A]}
    first = border.declare("export-endorsements", "CH", number, 201, **body)
    assert first["permit"]["state"] == "EXPORTED"
    assert first["event"]["lines"] == [{"line": "A", "quantity": "2", "unit": "NAR"}]
    again = border.declare("export-endorsements", "CH", number, 200, **body)
    assert again == first  # the first answer again
    other = border.declare(
        "export-endorsements",
        "CH",
        number,
        409,
        declaration_ref="CH-EXP-0001",
        lines=[{"line": "A", "quantity": "1", "unit": "NAR"}],
    )
    assert other["code"] == "declaration_conflict"
    second = border.declare("export-endorsements", "CH", number, 409, lines=[LINE_A])
    assert second["code"] == "permit_already_exported"
    with unit_of_work(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(BorderEvent)) == 1


@pytest.mark.parametrize(
    ("line", "status", "code"),
    [
        ({"line": "A", "quantity": "3", "unit": ""}, 422, "quantity_exceeds_permit"),  # "" = NAR
        ({"line": "A", "quantity": "2", "unit": "KIL"}, 422, "unit_mismatch"),
        ({"line": "C", "quantity": "1", "unit": "NAR"}, 422, "unknown_line"),
    ],
)
def test_export_endorsement_refusals(
    border: Border,
    session_factory: sessionmaker[Session],
    line: dict[str, str],
    status: int,
    code: str,
) -> None:
    number = border.own_permit()["number"]
    refused = border.declare("export-endorsements", "CH", number, status, lines=[line])
    assert refused["code"] == code
    assert border.check("CH", number)["state"] == "VALID"  # nothing changed
    with unit_of_work(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(BorderEvent)) == 0


def test_export_endorsement_state_refusals(border: Border) -> None:
    twice = border.declare(
        "export-endorsements", "CH", border.own_permit()["number"], 422, lines=[LINE_A, LINE_A]
    )
    assert twice["code"] == "duplicate_line"

    permit = border.own_permit()
    valid_until = datetime.fromisoformat(permit["valid_until"]).replace(tzinfo=UTC)
    border.set_clock(valid_until + timedelta(days=1))
    late = border.declare("export-endorsements", "CH", permit["number"], 409, lines=[LINE_A])
    assert late["code"] == "permit_expired"
    border.set_clock(
        datetime.fromisoformat(permit["valid_from"]).replace(tzinfo=UTC) - timedelta(days=2)
    )
    early = border.declare("export-endorsements", "CH", permit["number"], 409, lines=[LINE_A])
    assert early["code"] == "permit_not_yet_valid"
    border.set_clock(None)

    cancelled = border.own_permit()
    answer = border.api.client.post(
        f"{V1}/permits/{cancelled['id']}/cancel", headers=border.officer, json={"reason": "error"}
    )
    assert answer.status_code == 200, answer.text
    refused = border.declare("export-endorsements", "CH", cancelled["number"], 409, lines=[LINE_A])
    assert refused["code"] == "permit_cancelled"

    old = border.own_permit()
    new = border.api.client.post(
        f"{V1}/permits/{old['id']}/replace", headers=border.officer, json={"reason": "typo"}
    ).json()
    refused = border.declare("export-endorsements", "CH", old["number"], 409, lines=[LINE_A])
    assert (refused["code"], refused["details"]["replaced_by"]) == (
        "permit_replaced",
        new["number"],
    )

    body = {"name": "Zoo Zurich", "address": "Zurichbergstrasse 221", "country": "FR"}
    own_import = border.own_permit(document_type="I", counterparty=body)
    refused = border.declare("export-endorsements", "CH", own_import["number"], 409, lines=[LINE_A])
    assert refused["code"] == "wrong_document"

    missing = border.declare("export-endorsements", "CH", "26CH999999", 404, lines=[LINE_A])
    assert missing["code"] == "permit_not_found"


def test_export_endorsement_tells_the_importing_party(
    border: Border, session_factory: sessionmaker[Session]
) -> None:
    number = border.own_permit()["number"]  # to FR, a peer: pushed
    border.declare("export-endorsements", "CH", number, 201, lines=[LINE_A])
    with unit_of_work(session_factory) as session:
        kinds = list(
            session.scalars(
                select(OutboxMessage.message_type)
                .where(OutboxMessage.ordering_key == f"{number}@FR")
                .order_by(OutboxMessage.id)
            )
        )
    assert kinds == ["PERMIT_ISSUED", "PERMIT_STATUS"]


# --- import clearance -----------------------------------------------------------------------

CAVIAR = {"line": "A", "quantity": "10000", "unit": "GRM"}
ROSEWOOD = {"line": "B", "quantity": "0.012", "unit": "MTQ"}


def _import_permit(border: Border) -> str:
    body = {"name": "Maison Dupont", "address": "1 rue de Rivoli, Paris", "country": "FR"}
    return str(border.own_permit(document_type="I", counterparty=body)["number"])


def test_import_clearance_uses_the_documents(
    border: Border, session_factory: sessionmaker[Session]
) -> None:
    number = border.french_permit("FR2611000220")
    import_permit = _import_permit(border)
    border.set_clock(IN_FORCE)
    body = {"lines": [CAVIAR, ROSEWOOD], "import_permit_number": import_permit}
    cleared = border.declare("import-clearances", "FR", number, 201, **body)
    assert cleared["permit"]["state"] == "USED"
    assert cleared["event"]["import_permit_number"] == import_permit
    assert border.check("FR", number)["lines"][0]["imported_quantity"] == "10000"
    assert border.check("CH", import_permit)["state"] == "USED"
    again = border.declare(
        "import-clearances",
        "FR",
        number,
        200,
        **body | {"declaration_ref": cleared["event"]["declaration_ref"]},
    )
    assert again == cleared
    refused = border.declare("import-clearances", "FR", number, 409, lines=[CAVIAR])
    assert refused["code"] == "permit_used"
    with unit_of_work(session_factory) as session:  # FR hears it was used, with quantities
        message = session.scalar(
            select(OutboxMessage).where(OutboxMessage.ordering_key == f"{number}@FR")
        )
        assert message is not None
        assert message.message_type == "PERMIT_STATUS"
        assert b"<Status>used</Status>" in message.payload


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"lines": [CAVIAR]}, 422, "import_permit_required"),  # line B is Appendix I
        (
            {"lines": [{"line": "A", "quantity": "12501", "unit": "GRM"}]},
            422,
            "quantity_exceeds_permit",
        ),
        ({"lines": [{"line": "A", "quantity": "1", "unit": "KGM"}]}, 422, "unit_mismatch"),
        ({"lines": [{"line": "Z", "quantity": "1", "unit": "GRM"}]}, 422, "unknown_line"),
        ({"lines": [CAVIAR], "import_permit_number": "26CH999999"}, 422, "import_permit_invalid"),
    ],
)
def test_import_clearance_refusals(
    border: Border, body: dict[str, Any], status: int, code: str
) -> None:
    number = border.french_permit("FR2611000230")
    border.set_clock(IN_FORCE)
    if code != "import_permit_required" and "import_permit_number" not in body:
        body = body | {"import_permit_number": _import_permit(border)}
    refused = border.declare("import-clearances", "FR", number, status, **body)
    assert refused["code"] == code
    assert border.check("FR", number)["state"] == "VALID"


def test_import_clearance_within_what_was_exported(border: Border) -> None:
    number = border.french_permit("FR2611000240")
    import_permit = _import_permit(border)
    border.set_clock(IN_FORCE)
    exported = PermitStatusBody(
        PermitState.EXPORTED,
        endorsed=(
            EndorsedQuantity("A", Decimal(8000), "GRM"),
            EndorsedQuantity("B", Decimal("0.012"), "MTQ"),
        ),
    )
    border.push(MessageType.PERMIT_STATUS, number, exported)
    more = border.declare(
        "import-clearances", "FR", number, 422, lines=[CAVIAR], import_permit_number=import_permit
    )
    assert more["code"] == "quantity_exceeds_export"
    # exported before it expired: still cleared after its expiry
    border.set_clock(datetime(2027, 7, 1, tzinfo=UTC))
    cleared = border.declare(
        "import-clearances",
        "FR",
        number,
        201,
        lines=[{"line": "A", "quantity": "8000", "unit": "GRM"}],
        import_permit_number=import_permit,  # an import permit is valid twelve months
    )
    assert cleared["permit"]["state"] == "USED"


def test_import_clearance_state_refusals(border: Border) -> None:
    expired = border.french_permit("FR2611000250")
    border.set_clock(datetime(2027, 7, 1, tzinfo=UTC))  # past 2027-06-01, never exported
    refused = border.declare("import-clearances", "FR", expired, 409, lines=[CAVIAR])
    assert refused["code"] == "permit_expired"
    border.set_clock(IN_FORCE)

    elsewhere = border.french_permit("FR2611000251", importer="JP")
    refused = border.declare("import-clearances", "FR", elsewhere, 409, lines=[CAVIAR])
    assert refused["code"] == "wrong_importer"

    cancelled = border.french_permit("FR2611000252")
    border.push(MessageType.PERMIT_STATUS, cancelled, PermitStatusBody(PermitState.CANCELLED))
    refused = border.declare("import-clearances", "FR", cancelled, 409, lines=[CAVIAR])
    assert refused["code"] == "permit_cancelled"

    own = border.own_permit()["number"]  # CH's own export permit is not cleared here
    refused = border.declare("import-clearances", "CH", own, 409, lines=[LINE_A])
    assert refused["code"] == "wrong_document"


# --- who may ask, and the race ---------------------------------------------------------------


def test_without_the_role_nothing_is_learnt(border: Border) -> None:
    number = border.own_permit()["number"]
    trader = border.api.trader()
    for path in (f"{V1}/customs/permits/CH/{number}", f"{V1}/customs/permits/CH/26CH999999"):
        assert border.api.client.get(path).status_code == 401
        answer = border.api.client.get(path, headers=trader)
        assert (answer.status_code, answer.json()["code"]) == (403, "role_not_allowed")
    # officers may look, but only customs record border events
    assert border.check("CH", number, headers=border.officer)["state"] == "VALID"
    officer_try = border.api.client.post(
        f"{V1}/customs/permits/CH/{number}/export-endorsements",
        headers=border.officer,
        json={
            "declaration_ref": "X-1",
            "port": "Basel",
            "date": "2027-01-15",
            "officer": "Meier",
            "lines": [LINE_A],
        },
    )
    assert officer_try.status_code == 403


def test_a_customs_system_with_an_api_key(border: Border) -> None:
    number = border.own_permit()["number"]
    me = border.api.client.get(f"{V1}/auth/me", headers=border.customs).json()
    created = border.api.client.post(
        f"{V1}/api-keys",
        headers=border.api.login("admin"),
        json={"user_id": me["id"], "name": "Passar border system"},
    )
    assert created.status_code == 201, created.text
    key = {"X-API-Key": created.json()["key"]}
    assert border.check("CH", number, headers=key)["state"] == "VALID"


def test_two_events_racing_for_one_document_one_wins(
    border: Border, session_factory: sessionmaker[Session], issuance: Issuance
) -> None:
    number = border.own_permit()["number"]
    customs = Actor(user_id=None, username="customs-race", role=Role.CUSTOMS)
    announcer = Announcer.of(issuance)

    def endorse(ref: str) -> str:
        declaration = ExportEndorsement(
            declaration_ref=ref,
            port="Basel",
            date=datetime.now(UTC).date(),
            officer="Meier",
            lines=[{"line": "A", "quantity": "2", "unit": "NAR"}],
        )
        try:
            with unit_of_work(session_factory) as session:
                events.endorse_export(
                    session,
                    "CH",
                    number,
                    declaration,
                    own_party="CH",
                    max_bytes=2 * 1024 * 1024,
                    actor=customs,
                    announcer=announcer,
                    now=datetime.now(UTC),
                )
            return "won"
        except DomainError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = sorted(pool.map(endorse, [f"RACE-{i}" for i in range(4)]))
    assert outcomes == ["permit_already_exported"] * 3 + ["won"]
    with unit_of_work(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(BorderEvent)) == 1


def test_a_declaration_belongs_to_its_document(border: Border) -> None:
    first = border.own_permit()["number"]
    second = border.own_permit()["number"]
    body = {"declaration_ref": "CH-EXP-SAME", "lines": [LINE_A]}
    border.declare("export-endorsements", "CH", first, 201, **body)
    refused = border.declare("export-endorsements", "CH", second, 409, **body)
    assert refused["code"] == "declaration_conflict"
    assert border.check("CH", second)["state"] == "VALID"


def test_late_news_never_undoes_a_clearance(border: Border) -> None:
    number = border.french_permit("FR2611000260")
    import_permit = _import_permit(border)
    border.set_clock(IN_FORCE)
    border.declare(
        "import-clearances",
        "FR",
        number,
        201,
        lines=[CAVIAR, ROSEWOOD],
        import_permit_number=import_permit,
    )
    exported = PermitStatusBody(
        PermitState.EXPORTED,
        endorsed=(
            EndorsedQuantity("A", Decimal(10000), "GRM"),
            EndorsedQuantity("B", Decimal("0.012"), "MTQ"),
        ),
    )
    border.push(MessageType.PERMIT_STATUS, number, exported)  # France's news, arriving late
    view = border.check("FR", number)
    assert view["state"] == "USED"
    assert sorted(e["kind"] for e in view["events"]) == ["export", "import"]
    again = border.declare("import-clearances", "FR", number, 409, lines=[CAVIAR])
    assert again["code"] == "permit_used"


def test_a_line_not_endorsed_at_export_cannot_be_cleared(border: Border) -> None:
    number = border.french_permit("FR2611000270")
    border.set_clock(IN_FORCE)
    exported = PermitStatusBody(
        PermitState.EXPORTED, endorsed=(EndorsedQuantity("A", Decimal(5000), "GRM"),)
    )
    border.push(MessageType.PERMIT_STATUS, number, exported)
    refused = border.declare(
        "import-clearances",
        "FR",
        number,
        422,
        lines=[CAVIAR, ROSEWOOD],
        import_permit_number=_import_permit(border),
    )
    assert (refused["code"], refused["details"]["line"]) == ("quantity_exceeds_export", "A")
    refused = border.declare(
        "import-clearances",
        "FR",
        number,
        422,
        lines=[{"line": "A", "quantity": "5000", "unit": "GRM"}, ROSEWOOD],
        import_permit_number=_import_permit(border),
    )
    assert (refused["code"], refused["details"]["line"]) == ("quantity_exceeds_export", "B")


def test_legacy_unit_codes_are_understood(border: Border) -> None:
    number = border.french_permit("FR2611000280")
    border.set_clock(IN_FORCE)
    cleared = border.declare(
        "import-clearances",
        "FR",
        number,
        201,
        lines=[{"line": "A", "quantity": "1000", "unit": "grm"}, ROSEWOOD],
        import_permit_number=_import_permit(border),
    )
    assert cleared["event"]["lines"][0]["unit"] == "GRM"
