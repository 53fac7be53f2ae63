"""An import application names the export permit it relies on; the permit, pushed here by the
exporting Party over EPIX, is checked: authentic (its signature verifies now), valid (in force,
for this Party) and sufficient (it covers the quantities asked)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from app.core.clock import utcnow
from epix import EnvelopeHeader, MessageType, PermitState, PermitStatusBody, build_envelope
from signing import (
    SigningKey,
    certificate_pem,
    generate_key,
    self_signed_certificate,
    sign_bytes,
)
from tests.factories import Api, application_body

SAMPLES = Path(__file__).parent.parent / "samples"
XML = {"Content-Type": "application/xml"}
PAST = datetime(2020, 1, 1, tzinfo=UTC)
NUMBER = "FR2611000123"
CHECK = "/api/v1/applications/{}/export-permit-check"


class France:
    """The exporting Party: its signing key, registered in this (Swiss) service's trust
    registry, and the registered certificate's fingerprint."""

    def __init__(self, key: SigningKey, fingerprint: str) -> None:
        self.key, self.fingerprint = key, fingerprint


@pytest.fixture
def france(api: Api) -> France:
    key = generate_key()
    signing_key = SigningKey(
        key, (self_signed_certificate(key, "MA France", "FR", valid_days=3650, not_before=PAST),)
    )
    admin = api.login("admin")
    peer = api.client.post("/api/v1/peers", headers=admin, json={"party": "FR", "name": "MA FR"})
    assert peer.status_code == 201, peer.text
    added = api.client.post(
        "/api/v1/peers/FR/certificates",
        headers=admin,
        json={"pem": certificate_pem(signing_key.certificate).decode()},
    )
    assert added.status_code == 201, added.text
    return France(signing_key, added.json()["fingerprint"])


def _at(day: date) -> str:
    return f"{day.isoformat()}T00:00:00+00:00"


def _set(root: etree._Element, path: str, value: str) -> None:
    found = root.findall(path)
    assert found, path
    for element in found:
        element.text = value


def _french_permit(
    key: SigningKey,
    number: str = NUMBER,
    *,
    importer: str = "CH",
    issued: date | None = None,
    valid_until: date | None = None,
) -> bytes:
    """A French re-export certificate, signed by France: line A 12500 GRM of Acipenser baerii
    (its name written in capitals), line B 0.012 MTQ of Dalbergia nigra."""
    today = utcnow().date()
    issued = issued or today - timedelta(days=10)
    valid_until = valid_until or today + timedelta(days=150)
    root = etree.fromstring((SAMPLES / "ours-reexport.xml").read_bytes())
    header = "{*}HeaderExchangedDocument"
    _set(root, f"{header}/{{*}}ID", number)
    _set(root, f"{header}/{{*}}IssueDateTime", _at(issued))
    _set(root, f"{header}/{{*}}EffectiveSpecifiedPeriod/{{*}}StartDateTime", _at(issued))
    _set(root, f"{header}/{{*}}EffectiveSpecifiedPeriod/{{*}}EndDateTime", _at(valid_until))
    address = "{*}ProviderTradeParty/{*}PostalTradeAddress/{*}CountryID"
    _set(root, f"{header}/{{*}}FirstSignatoryDocumentAuthentication/{address}", "FR")
    consignment = "{*}SpecifiedSupplyChainConsignment"
    country = "{*}PostalTradeAddress/{*}CountryID"
    _set(root, f"{consignment}/{{*}}ConsignorTradeParty/{country}", "FR")
    _set(root, f"{consignment}/{{*}}ConsigneeTradeParty/{country}", importer)
    _set(
        root,
        f"{consignment}/{{*}}IncludedSupplyChainConsignmentItem[1]/"
        "{*}IncludedSupplyChainTradeLineItem/{*}SpecifiedTradeProduct/{*}ScientificName",
        "ACIPENSER BAERII",
    )
    return sign_bytes(root, key)


def _post(api: Api, key: SigningKey, kind: MessageType, number: str, body: object) -> None:
    header = EnvelopeHeader(
        message_id=uuid.uuid4(),
        sender="FR",
        recipient="CH",
        message_type=kind,
        created_at=datetime.now(UTC),
        permit_number=number,
    )
    envelope = build_envelope(header, body, key)  # type: ignore[arg-type]
    answer = api.client.post("/epix/v1/messages", headers=XML, content=envelope)
    assert answer.status_code == 200, answer.content[:300]


def _push(api: Api, france: France, number: str = NUMBER, **permit: Any) -> None:
    """France pushes the permit to this service (stored as a foreign permit)."""
    _post(
        api,
        france.key,
        MessageType.PERMIT_ISSUED,
        number,
        _french_permit(france.key, number, **permit),
    )


def _line(name: str, quantity: str, unit: str, term: str = "CAV") -> dict[str, Any]:
    return {
        "scientific_name": name,
        "term_code": term,
        "quantity": quantity,
        "unit_code": unit,
        "appendix": "II",
        "source_code": "C",
        "origin_country": "FR",
    }


CAVIAR = _line("Acipenser baerii", "10000", "GRM")
ROSEWOOD = _line("Dalbergia nigra", "0.012", "MTQ", "WPR")


def _import_body(lines: list[dict[str, Any]], number: str = NUMBER) -> dict[str, Any]:
    exporter = {"name": "Caviar de France SA", "address": "1 quai, Bordeaux", "country": "FR"}
    return application_body(
        document_type="I",
        counterparty=exporter,
        purpose_code="T",
        lines=lines,
        export_permit_party="FR",
        export_permit_number=number,
    )


def _import_application(
    api: Api, trader: dict[str, str], lines: list[dict[str, Any]], number: str = NUMBER
) -> int:
    created = api.client.post(
        "/api/v1/applications", headers=trader, json=_import_body(lines, number)
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def _check(api: Api, headers: dict[str, str], application_id: int) -> dict[str, Any]:
    answer = api.client.get(CHECK.format(application_id), headers=headers)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _codes(body: dict[str, Any]) -> list[str]:
    return [reason["code"] for reason in body["reasons"]]


def _verdict(body: dict[str, Any]) -> tuple[bool, bool, bool, bool]:
    return body["found"], body["authentic"], body["valid"], body["sufficient"]


def test_an_authentic_valid_sufficient_permit(api: Api, france: France) -> None:
    valid_until = utcnow().date() + timedelta(days=150)
    _push(api, france, valid_until=valid_until)
    trader = api.trader()
    application_id = _import_application(api, trader, [CAVIAR, ROSEWOOD])

    read = api.client.get(f"/api/v1/applications/{application_id}", headers=trader).json()
    assert (read["export_permit_party"], read["export_permit_number"]) == ("FR", NUMBER)

    body = _check(api, trader, application_id)
    assert _verdict(body) == (True, True, True, True)
    assert body["reasons"] == []
    assert body["reference"] == {"party": "FR", "number": NUMBER}
    permit = body["permit"]
    assert (permit["issuing_party"], permit["number"], permit["status"]) == ("FR", NUMBER, "valid")
    assert permit["valid_until"] == valid_until.isoformat()
    assert permit["received_at"]
    lines = [
        (
            line["letter"],
            line["scientific_name"],
            line["unit_code"],
            line["sufficient"],
        )
        for line in body["lines"]
    ]
    assert lines == [
        ("A", "Acipenser baerii", "GRM", True),  # the permit writes it ACIPENSER BAERII
        ("B", "Dalbergia nigra", "MTQ", True),
    ]
    quantities = [(line["asked_quantity"], line["permitted_quantity"]) for line in body["lines"]]
    assert [(float(a), float(p)) for a, p in quantities] == [(10000, 12500), (0.012, 0.012)]

    # officers and administrators see the same check; customs do not read applications
    assert _check(api, api.user("officer"), application_id) == body
    assert _check(api, api.login("admin"), application_id) == body
    customs = api.client.get(CHECK.format(application_id), headers=api.user("customs"))
    assert customs.status_code == 403
    assert customs.json()["code"] == "role_not_allowed"


def test_a_permit_never_received_is_not_found(api: Api, france: France) -> None:
    _push(api, france)  # another permit is here; the one named is not
    trader = api.trader()
    application_id = _import_application(api, trader, [CAVIAR], number="FR2699999999")
    body = _check(api, trader, application_id)
    assert _verdict(body) == (False, False, False, False)
    assert _codes(body) == ["export_permit_not_found"]
    assert body["reference"] == {"party": "FR", "number": "FR2699999999"}
    assert body["permit"] is None
    [line] = body["lines"]
    assert (line["letter"], line["permitted_quantity"], line["sufficient"]) == ("A", None, False)


def test_an_application_without_reference_has_nothing_to_check(api: Api) -> None:
    trader = api.trader()
    created = api.client.post("/api/v1/applications", headers=trader, json=application_body())
    body = _check(api, trader, created.json()["id"])
    assert (body["reference"], body["permit"]) == (None, None)
    assert _verdict(body) == (False, False, False, False)
    assert _codes(body) == ["no_export_permit_reference"]


@pytest.mark.parametrize(
    ("asked", "total"),
    [
        pytest.param([_line("Acipenser baerii", "12500.001", "GRM")], "12500.001", id="one-line"),
        pytest.param(
            [_line("Acipenser baerii", "7000", "GRM"), _line("Acipenser baerii", "6000", "GRM")],
            "13000",
            id="two-lines-together",
        ),
    ],
)
def test_more_than_the_permit_allows_is_insufficient(
    api: Api, france: France, asked: list[dict[str, Any]], total: str
) -> None:
    _push(api, france)
    trader = api.trader()
    body = _check(api, trader, _import_application(api, trader, asked))
    assert _verdict(body) == (True, True, True, False)
    assert _codes(body) == ["quantity_exceeds_permit"]
    assert total in body["reasons"][0]["message"]
    assert all(line["sufficient"] is False for line in body["lines"])
    assert {float(line["permitted_quantity"]) for line in body["lines"]} == {12500}


def test_a_species_or_unit_the_permit_does_not_give_is_insufficient(
    api: Api, france: France
) -> None:
    _push(api, france)
    trader = api.trader()
    lines = [_line("Panthera leo", "1", "", "SKI"), _line("Acipenser baerii", "10", "KGM")]
    body = _check(api, trader, _import_application(api, trader, [*lines, ROSEWOOD]))
    assert _verdict(body) == (True, True, True, False)
    assert _codes(body) == ["species_not_on_permit", "unit_mismatch"]
    assert "Panthera leo" in body["reasons"][0]["message"]
    assert "GRM" in body["reasons"][1]["message"]
    checked = [(ln["letter"], ln["permitted_quantity"], ln["sufficient"]) for ln in body["lines"]]
    assert checked == [("A", None, False), ("B", None, False), ("C", "0.012", True)]


def test_a_cancelled_permit_is_not_valid(api: Api, france: France) -> None:
    _push(api, france)
    trader = api.trader()
    application_id = _import_application(api, trader, [CAVIAR])
    assert _verdict(_check(api, trader, application_id)) == (True, True, True, True)

    status = PermitStatusBody(state=PermitState.CANCELLED, reason="not shipped")
    _post(api, france.key, MessageType.PERMIT_STATUS, NUMBER, status)
    body = _check(api, trader, application_id)
    assert _verdict(body) == (True, True, False, True)
    assert _codes(body) == ["permit_cancelled"]
    assert "not shipped" in body["reasons"][0]["message"]
    assert body["permit"]["status"] == "cancelled"


def test_an_expired_permit_is_not_valid(api: Api, france: France) -> None:
    today = utcnow().date()
    yesterday = today - timedelta(days=1)
    _push(api, france, issued=today - timedelta(days=180), valid_until=yesterday)
    trader = api.trader()
    body = _check(api, trader, _import_application(api, trader, [CAVIAR]))
    assert _verdict(body) == (True, True, False, True)
    assert _codes(body) == ["permit_expired"]
    assert body["permit"]["valid_until"] == yesterday.isoformat()


def test_a_permit_for_another_importing_country_is_not_valid(api: Api, france: France) -> None:
    _push(api, france, importer="JP")
    trader = api.trader()
    body = _check(api, trader, _import_application(api, trader, [CAVIAR]))
    assert _verdict(body) == (True, True, False, True)
    assert _codes(body) == ["wrong_importer"]


def test_a_revoked_signer_certificate_makes_it_not_authentic(api: Api, france: France) -> None:
    _push(api, france)
    trader = api.trader()
    application_id = _import_application(api, trader, [CAVIAR])
    assert _check(api, trader, application_id)["authentic"] is True

    revoked = api.client.post(
        f"/api/v1/certificates/{france.fingerprint}/revoke",
        headers=api.login("admin"),
        json={"reason": "key compromised"},
    )
    assert revoked.status_code == 200, revoked.text
    body = _check(api, trader, application_id)
    assert _verdict(body) == (True, False, True, True)
    assert _codes(body) == ["signature_invalid"]


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        pytest.param(
            {"document_type": "I", "export_permit_party": "FR"},
            "export_permit_reference_incomplete",
            id="party-only",
        ),
        pytest.param(
            {"document_type": "I", "export_permit_number": NUMBER},
            "export_permit_reference_incomplete",
            id="number-only",
        ),
        pytest.param(
            {"document_type": "I", "export_permit_party": "FR", "export_permit_number": "  "},
            "export_permit_reference_incomplete",
            id="blank-number",
        ),
        pytest.param(
            {"export_permit_party": "FR", "export_permit_number": NUMBER},
            "export_permit_reference_not_allowed",
            id="on-an-export-permit",
        ),
        pytest.param(
            {"document_type": "R", "export_permit_party": "FR", "export_permit_number": NUMBER},
            "export_permit_reference_not_allowed",
            id="on-a-re-export-certificate",
        ),
    ],
)
def test_a_half_given_or_misplaced_reference_is_refused(
    api: Api, overrides: dict[str, Any], code: str
) -> None:
    trader = api.trader()
    before = api.client.get("/api/v1/applications", headers=trader).json()["total"]
    created = api.client.post(
        "/api/v1/applications", headers=trader, json=application_body(**overrides)
    )
    assert created.status_code == 422, created.text
    error = created.json()
    assert error["code"] == "validation_error"
    assert set(error) == {"code", "message", "details"}
    assert [entry.get("code") for entry in error["details"]] == [code]
    assert "export_permit" in error["details"][0]["message"]

    # editing a draft is held to the same rule, and neither call stored anything
    draft = api.client.post("/api/v1/applications", headers=trader, json=_import_body([CAVIAR]))
    assert draft.status_code == 201, draft.text
    edited = api.client.put(
        f"/api/v1/applications/{draft.json()['id']}",
        headers=trader,
        json=application_body(**overrides),
    )
    assert edited.status_code == 422, edited.text
    assert [entry.get("code") for entry in edited.json()["details"]] == [code]
    after = api.client.get("/api/v1/applications", headers=trader).json()["total"]
    assert after == before + 1
    unchanged = api.client.get(f"/api/v1/applications/{draft.json()['id']}", headers=trader)
    assert unchanged.json()["export_permit_number"] == NUMBER


def test_another_organisation_gets_404(api: Api, france: France) -> None:
    _push(api, france)
    trader = api.trader()
    application_id = _import_application(api, trader, [CAVIAR])
    other = api.trader()
    for target in (application_id, 999_999):
        answer = api.client.get(CHECK.format(target), headers=other)
        assert answer.status_code == 404, answer.text
        assert answer.json() == {
            "code": "application_not_found",
            "message": f"application {target} not found",
            "details": {"id": target},
        }
    assert _check(api, trader, application_id)["found"] is True
