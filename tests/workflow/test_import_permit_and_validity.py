"""Two checks an application feeds through the API, end to end on every backend:

* an Appendix I export needs the importing Party's import permit (Art. III(2)(d)): the
  application names it (``import_permit_party``, ``import_permit_number``), or that Party sent
  it here by EPIX; a named permit received cancelled or expired does not serve;
* the validity the applicant asks for (``requested_valid_until``) within the limit of the
  document type, reported as a check result.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.core.actor import Actor
from app.core.clock import add_months, utcnow
from app.core.db import unit_of_work
from app.exchange.models import ForeignPermit
from app.species import importing
from app.xml.document import PermitDocument, PermitLine, TradeParty
from app.xml.writer import serialise, to_xml
from tests.factories import Api, application_body

V1 = "/api/v1"
ELEPHANT = "Loxodonta africana"


@pytest.fixture
def reference(session_factory: sessionmaker[Session]) -> None:
    with unit_of_work(session_factory) as session:
        importing.import_reference(session, actor=Actor.system("test"))


def _today() -> date:
    return utcnow().date()


def _elephants(**overrides: Any) -> dict[str, Any]:
    """A zoo export of live Appendix I elephants (origin KE) from CH to the US."""
    line = {
        "scientific_name": ELEPHANT,
        "term_code": "LIV",
        "quantity": "2",
        "unit_code": "",
        "appendix": "I",
        "source_code": "C",
        "origin_country": "KE",
    }
    return application_body(
        counterparty={"name": "San Diego Zoo", "address": "2920 Zoo Dr", "country": "US"},
        lines=[line],
        **overrides,
    )


def _receive(
    session_factory: sessionmaker[Session],
    number: str,
    *,
    party: str = "US",
    exporter: str = "CH",
    names: tuple[str, ...] = (ELEPHANT,),
    document_type: str = "I",
    status: str = "valid",
    valid_until: date | None = None,
) -> None:
    """An import permit ``party`` sent here by EPIX, as the exchange stores it."""
    until = valid_until or add_months(_today(), 12)
    document = PermitDocument(
        number=number,
        type=document_type,
        valid_from=_today(),
        valid_until=until,
        issuing_country=party,
        exporter=TradeParty(name="Zoo Zurich", address="Zurichbergstrasse 221", country=exporter),
        importer=TradeParty(name="San Diego Zoo", address="2920 Zoo Dr", country=party),
        lines=tuple(
            PermitLine(
                id=chr(ord("A") + i),
                scientific_name=name,
                term_code="LIV",
                quantity=Decimal(2),
                unit="NAR",
                appendix="I",
                source_code="C",
            )
            for i, name in enumerate(names)
        ),
    )
    with unit_of_work(session_factory) as session:
        session.add(
            ForeignPermit(
                issuing_party=party,
                number=number,
                document_type=document_type,
                valid_until=until,
                importer_country=party,
                status=status,
                signer_fingerprint="0" * 64,
                message_id=str(uuid.uuid4()),
                received_at=utcnow(),
                signed_xml=serialise(to_xml(document)),
            )
        )


def _submit(api: Api, trader: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    created = api.client.post(f"{V1}/applications", headers=trader, json=body)
    assert created.status_code == 201, created.text
    application_id = created.json()["id"]
    submitted = api.client.post(f"{V1}/applications/{application_id}/submit", headers=trader)
    assert submitted.status_code == 200, submitted.text
    [run] = api.client.get(f"{V1}/applications/{application_id}/checks", headers=trader).json()
    assert run["snapshot_id"] is not None
    return {"application": submitted.json(), "run": run}


def _codes(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in run["results"]}


def test_the_reference_is_stored_shown_and_edited(api: Api) -> None:
    trader = api.trader()
    created = api.client.post(
        f"{V1}/applications",
        headers=trader,
        json=_elephants(
            import_permit_party="US",
            import_permit_number=" 26US-IMP-0001 ",
            requested_valid_until=add_months(_today(), 3).isoformat(),
        ),
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["import_permit_party"], body["import_permit_number"]) == ("US", "26US-IMP-0001")
    assert body["requested_valid_until"] == add_months(_today(), 3).isoformat()
    path = f"{V1}/applications/{body['id']}"
    edited = api.client.put(path, headers=trader, json=_elephants())
    assert edited.status_code == 200, edited.text
    shown = api.client.get(path, headers=trader).json()
    assert (shown["import_permit_party"], shown["import_permit_number"]) == (None, None)
    assert shown["requested_valid_until"] is None


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        pytest.param(
            {"import_permit_party": "US"}, "import_permit_reference_incomplete", id="party"
        ),
        pytest.param(
            {"import_permit_number": "X-1"}, "import_permit_reference_incomplete", id="number"
        ),
        pytest.param(
            {"import_permit_party": "US", "import_permit_number": "  "},
            "import_permit_reference_incomplete",
            id="blank-number",
        ),
        pytest.param(
            {"import_permit_party": "FR", "import_permit_number": "X-1"},
            "import_permit_party_mismatch",
            id="not-the-importer",
        ),
        pytest.param(
            {"import_permit_party": "ZZ", "import_permit_number": "X-1"},
            "unknown_code",
            id="no-such-party",
        ),
        pytest.param(
            {"document_type": "I", "import_permit_party": "US", "import_permit_number": "X-1"},
            "import_permit_reference_not_allowed",
            id="on-an-import-permit",
        ),
    ],
)
def test_a_bad_reference_is_refused_and_changes_nothing(
    api: Api, overrides: dict[str, Any], code: str
) -> None:
    trader = api.trader()
    draft = api.client.post(f"{V1}/applications", headers=trader, json=_elephants())
    assert draft.status_code == 201, draft.text
    created = api.client.post(f"{V1}/applications", headers=trader, json=_elephants(**overrides))
    assert created.status_code == 422, created.text
    error = created.json()
    assert (error["code"], set(error)) == ("validation_error", {"code", "message", "details"})
    assert [entry.get("code") for entry in error["details"]] == [code]
    assert "import_permit" in str(error["details"][0])
    path = f"{V1}/applications/{draft.json()['id']}"
    edited = api.client.put(path, headers=trader, json=_elephants(**overrides))
    assert edited.status_code == 422, edited.text
    assert [entry.get("code") for entry in edited.json()["details"]] == [code]
    assert api.client.get(f"{V1}/applications", headers=trader).json()["total"] == 1
    assert api.client.get(path, headers=trader).json()["import_permit_number"] is None


def test_appendix_i_export_needs_the_import_permit(
    reference: None, api: Api, session_factory: sessionmaker[Session]
) -> None:
    trader = api.trader()
    # named by the application: met (seen on paper, or not sent here)
    named = _submit(
        api, trader, _elephants(import_permit_party="US", import_permit_number="26US-IMP-0001")
    )
    assert "appendix_i_import_permit" not in _codes(named["run"])
    # nothing named, nothing received: a warning saying what to give
    alone = _submit(api, trader, _elephants())
    warning = _codes(alone["run"])["appendix_i_import_permit"]
    assert warning["severity"] == "warn"
    assert "Art. III(2)(d)" in warning["message"]
    assert "import_permit_number" in warning["message"]
    # an Appendix II export needs none
    pythons = _submit(api, trader, application_body())
    assert "appendix_i_import_permit" not in _codes(pythons["run"])

    # the US sent its import permit for these elephants by EPIX: met without naming it
    _receive(session_factory, "26US-IMP-0002")
    received = _submit(api, trader, _elephants())
    assert "appendix_i_import_permit" not in _codes(received["run"])


@pytest.mark.parametrize(
    ("received", "reason"),
    [
        pytest.param({"status": "cancelled"}, "is cancelled", id="cancelled"),
        pytest.param({"valid_until": date(2020, 1, 1)}, "expired on 2020-01-01", id="expired"),
        pytest.param({"document_type": "E"}, "not an import permit", id="an-export-permit"),
    ],
)
def test_a_named_permit_received_out_of_force_does_not_serve(
    reference: None,
    api: Api,
    session_factory: sessionmaker[Session],
    received: dict[str, Any],
    reason: str,
) -> None:
    _receive(session_factory, "26US-IMP-0003", **received)
    trader = api.trader()
    checked = _submit(
        api, trader, _elephants(import_permit_party="US", import_permit_number="26US-IMP-0003")
    )
    warning = _codes(checked["run"])["appendix_i_import_permit"]
    assert "US 26US-IMP-0003" in warning["message"]
    assert reason in warning["message"]


def test_a_received_permit_serves_only_its_own_trade(
    reference: None, api: Api, session_factory: sessionmaker[Session]
) -> None:
    yesterday = _today() - timedelta(days=1)
    _receive(session_factory, "FR-IMP-1", party="FR")  # another importing Party
    _receive(session_factory, "US-IMP-2", exporter="DE")  # for an export from Germany
    _receive(session_factory, "US-IMP-3", names=("Panthera leo",))  # another species
    _receive(session_factory, "US-IMP-4", valid_until=yesterday)  # ended yesterday
    _receive(session_factory, "US-IMP-5", status="used")
    checked = _submit(api, api.trader(), _elephants())
    assert "appendix_i_import_permit" in _codes(checked["run"])


def test_the_requested_validity_is_checked_against_the_limit(reference: None, api: Api) -> None:
    trader = api.trader()
    today = _today()

    def codes(**overrides: Any) -> dict[str, dict[str, Any]]:
        return _codes(_submit(api, trader, application_body(**overrides))["run"])

    longest = codes(requested_valid_until=add_months(today, 6).isoformat())
    assert not {"validity_too_long", "validity_in_past"} & set(longest)
    too_long = codes(requested_valid_until=(add_months(today, 6) + timedelta(days=1)).isoformat())
    result = too_long["validity_too_long"]
    assert (result["severity"], result["line"]) == ("block", None)
    assert "6 months" in result["message"]
    assert "Art. VI(2)" in result["message"]
    past = codes(requested_valid_until=(today - timedelta(days=1)).isoformat())
    assert past["validity_in_past"]["severity"] == "block"
    # an import permit may run 12 months
    import_year = codes(
        document_type="I",
        counterparty={"name": "Reptile farm", "address": "Lome", "country": "TG"},
        requested_valid_until=add_months(today, 12).isoformat(),
    )
    assert "validity_too_long" not in import_year


def test_the_dry_run_agrees(reference: None, api: Api) -> None:
    trader = api.trader()
    today = _today()
    trade = {
        "document_type": "E",
        "exporter_country": "CH",
        "importer_country": "US",
        "purpose_code": "Z",
        "lines": [
            {
                "scientific_name": ELEPHANT,
                "source_code": "C",
                "term_code": "LIV",
                "quantity": "2",
                "origin_country": "KE",
            }
        ],
    }

    def codes(**extra: Any) -> set[str]:
        answer = api.client.post(f"{V1}/checks", headers=trader, json=trade | extra)
        assert answer.status_code == 200, answer.text
        return {r["code"] for r in answer.json()["results"]}

    assert "appendix_i_import_permit" in codes()
    named = codes(import_permit_party="US", import_permit_number="26US-IMP-0001")
    assert "appendix_i_import_permit" not in named
    assert "validity_too_long" in codes(valid_until=add_months(today, 7).isoformat())
    assert "validity_too_long" not in codes(valid_until=add_months(today, 6).isoformat())
    ownership = {"document_type": "O", "other_subtype": "personal_ownership"}
    assert "validity_too_long" not in codes(
        **ownership, valid_until=add_months(today, 36).isoformat()
    )
    for bad, code in [
        ({"import_permit_party": "US"}, "import_permit_reference_incomplete"),
        (
            {"import_permit_party": "FR", "import_permit_number": "1"},
            "import_permit_party_mismatch",
        ),
        ({"other_subtype": "personal_ownership"}, "other_subtype_not_allowed"),
        ({"document_type": "O", "other_subtype": "nonsense"}, "unknown_code"),
    ]:
        refused = api.client.post(f"{V1}/checks", headers=trader, json=trade | bad)
        assert refused.status_code == 422, refused.text
        assert [e.get("code") for e in refused.json()["details"]] == [code]
