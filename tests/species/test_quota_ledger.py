"""The quota ledger on every backend, through the API: reserved at issuance, consumed by the
quantity customs endorses, released by cancellation and replacement; refused cleanly when a
quota can no longer hold a permit; read through GET /api/v1/species/quotas."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from app.applications.models import Application
from app.core.clock import utcnow
from app.core.db import unit_of_work
from tests.factories import Api
from tests.species.ledger_helpers import (
    PYTHONS,
    TODAY,
    V1,
    YEAR,
    approved,
    as_decimals,
    body,
    counts,
    figures,
    import_quotas,
    issued,
    ledger_entries,
    quota_figures,
)


def test_issue_reserves_and_customs_consumes_what_left(pythons: None, api: Api) -> None:
    trader, officer, customs = api.trader(), api.user("officer"), api.user("customs")
    assert as_decimals(quota_figures(api, officer)) == figures("10", "0", "0")
    permit = issued(api, trader, officer, "4")
    assert as_decimals(quota_figures(api, officer)) == figures("10", "4", "0")
    assert as_decimals(quota_figures(api, officer, YEAR - 1)) == figures("10", "0", "0")

    endorsed = api.client.post(
        f"{V1}/customs/permits/CH/{permit['number']}/export-endorsements",
        headers=customs,
        json={
            "declaration_ref": "DECL-LEDGER-1",
            "port": "Basel",
            "date": TODAY.isoformat(),
            "officer": "Meier",
            "lines": [{"line": "A", "quantity": "3", "unit": "NAR"}],
        },
    )
    assert endorsed.status_code == 201, endorsed.text
    # 3 left: they are consumed, and the fourth specimen goes back to the quota
    assert as_decimals(quota_figures(api, officer)) == figures("10", "0", "3")

    # the dry run counts the ledger too: 3 consumed + 8 > 10
    trade: dict[str, Any] = {
        "document_type": "E",
        "exporter_country": "CH",
        "importer_country": "FR",
        "purpose_code": "Z",
        "lines": [
            {
                "scientific_name": "Python regius",
                "source_code": "C",
                "term_code": "LIV",
                "quantity": "7",
            }
        ],
    }
    ok = api.client.post(f"{V1}/checks", headers=trader, json=trade).json()
    assert "quota_exceeded" not in {r["code"] for r in ok["results"]}
    trade["lines"][0]["quantity"] = "8"
    over = api.client.post(f"{V1}/checks", headers=trader, json=trade).json()
    assert "quota_exceeded" in {r["code"] for r in over["results"]}


def test_quota_list_filters_and_pages(pythons: None, api: Api) -> None:
    officer = api.user("officer")

    def total(**params: Any) -> int:
        answer = api.client.get(f"{V1}/species/quotas", headers=officer, params=params)
        assert answer.status_code == 200, answer.text
        return int(answer.json()["total"])

    assert total() == 2
    assert total(year=YEAR) == 1
    assert total(taxon="Python") == 2  # the genus: the quotas under it
    assert total(taxon="Pythonidae", year=YEAR - 1) == 1
    assert total(taxon="Dalbergia") == 0
    assert total(taxon="Felis imaginaria") == 0
    assert total(party="FR") == 0
    page = api.client.get(
        f"{V1}/species/quotas", headers=officer, params={"limit": 1, "offset": 1}
    ).json()
    assert (page["total"], page["limit"], page["offset"]) == (2, 1, 1)
    assert [q["year"] for q in page["items"]] == [YEAR - 1]  # latest year first
    bad = api.client.get(f"{V1}/species/quotas", headers=officer, params={"party": "che"})
    assert (bad.status_code, bad.json()["code"]) == (422, "validation_error")


def test_cancel_and_replace_release(pythons: None, api: Api) -> None:
    trader, officer = api.trader(), api.user("officer")
    cancelled = issued(api, trader, officer, "4")
    api.client.post(
        f"{V1}/permits/{cancelled['id']}/cancel", headers=officer, json={"reason": "not shipped"}
    ).raise_for_status()
    assert as_decimals(quota_figures(api, officer)) == figures("10", "0", "0")

    # a replacement takes the quota over from the permit it replaces: 4 + 4 + 4 never held
    first = issued(api, trader, officer, "4")
    replaced = api.client.post(
        f"{V1}/permits/{first['id']}/replace", headers=officer, json={"reason": "lost in transit"}
    )
    assert replaced.status_code == 201, replaced.text
    second = issued(api, trader, officer, "4")
    again = api.client.post(
        f"{V1}/permits/{second['id']}/replace", headers=officer, json={"reason": "torn"}
    )
    assert again.status_code == 201, again.text
    assert as_decimals(quota_figures(api, officer)) == figures("10", "8", "0")
    with unit_of_work(api.session_factory) as session:
        statuses = {
            permit_id: [e.status for e in ledger_entries(session, permit_id)]
            for permit_id in (cancelled["id"], first["id"], replaced.json()["id"])
        }
    assert statuses == {
        cancelled["id"]: ["released"],
        first["id"]: ["released"],
        replaced.json()["id"]: ["reserved"],
    }


def test_a_quota_lowered_after_approval_refuses_issuance_cleanly(
    tmp_path: Path, pythons: None, api: Api
) -> None:
    trader, officer, admin = api.trader(), api.user("officer"), api.login("admin")
    application_id = approved(api, trader, officer, "6")
    import_quotas(api.session_factory, tmp_path, PYTHONS.replace(",10,", ",5,"))
    audit_before = api.client.get(f"{V1}/audit/events", headers=admin).json()["total"]

    refused = api.client.post(f"{V1}/applications/{application_id}/issue", headers=officer)
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["code"] == "quota_exceeded"
    assert body["details"] | {"quota_id": 0} == {
        "quota_id": 0,
        "party": "CH",
        "year": YEAR,
        "taxon": "Python regius",
        "unit": "NAR",
        "term_code": "LIV",
        "source_code": None,
        "quantity": "5.000",
        "used": "0",
        "requested": "6.000",
        "remaining": "5.000",
    }
    # nothing written: no permit, no ledger entry, no account, no audit, the same state
    with unit_of_work(api.session_factory) as session:
        assert counts(session) == (0, 0, 0)
    assert api.client.get(f"{V1}/audit/events", headers=admin).json()["total"] == audit_before
    application = api.client.get(f"{V1}/applications/{application_id}", headers=officer).json()
    assert application["status"] == "approved"
    # and no number was lost: with the quota raised again, it is issued as the first
    import_quotas(api.session_factory, tmp_path, PYTHONS.replace(",10,", ",8,"))
    answer = api.client.post(f"{V1}/applications/{application_id}/issue", headers=officer)
    assert answer.status_code == 201, answer.text
    assert answer.json()["number"].endswith("000001")
    assert as_decimals(quota_figures(api, officer)) == figures("8", "6", "0")


def test_an_override_of_the_quota_result_reserves_beyond_it(pythons: None, api: Api) -> None:
    trader, officer, admin = api.trader(), api.user("officer"), api.login("admin")
    issued(api, trader, officer, "8")
    application_id = approved(api, trader, officer, "4")
    path = f"{V1}/applications/{application_id}"
    blocked = api.client.post(f"{path}/issue", headers=officer)
    assert (blocked.status_code, blocked.json()["code"]) == (409, "blocked_by_checks")
    assert [r["code"] for r in blocked.json()["details"]["results"]] == ["quota_exceeded"]
    overridden = api.client.post(
        f"{path}/checks/override",
        headers=admin,
        json={"reason": "the Scientific Authority agreed to this export in writing"},
    )
    assert overridden.status_code == 200, overridden.text
    answer = api.client.post(f"{path}/issue", headers=officer)
    assert answer.status_code == 201, answer.text
    assert as_decimals(quota_figures(api, officer)) == figures("10", "12", "0")
    with unit_of_work(api.session_factory) as session:
        [entry] = ledger_entries(session, answer.json()["id"])
        assert (entry.status, entry.over_quota) == ("reserved", True)


def test_pending_applications_count_whatever_year_they_were_made(pythons: None, api: Api) -> None:
    trader = api.trader()
    pending = api.submitted_application(trader, **body("6"))
    with unit_of_work(api.session_factory) as session:
        last_year = utcnow().replace(year=YEAR - 1)
        session.execute(
            update(Application)
            .where(Application.id == pending)
            .values(created_at=last_year, submitted_at=last_year)
        )
    second = api.submitted_application(trader, **body("5"))
    [run] = api.client.get(f"{V1}/applications/{second}/checks", headers=trader).json()
    [result] = [r for r in run["results"] if r["code"] == "quota_exceeded"]
    assert "6.000 are already issued, exported, pending" in result["message"]
    third = api.submitted_application(trader, **body("4"))  # 6 + 5 pending + 4: over
    [run] = api.client.get(f"{V1}/applications/{third}/checks", headers=trader).json()
    assert "quota_exceeded" in {r["code"] for r in run["results"]}


def test_units_of_one_kind_are_converted(
    tmp_path: Path, session_factory: sessionmaker[Session], api: Api
) -> None:
    import_quotas(session_factory, tmp_path, f"quota,CH,Python regius,{YEAR},5,KGM,SKI,,,,,,")
    trader, officer = api.trader(), api.user("officer")

    def codes(quantity: str, unit: str) -> set[str]:
        application_id = api.submitted_application(trader, **body(quantity, unit=unit, term="SKI"))
        api.client.post(f"{V1}/applications/{application_id}/withdraw", headers=trader)
        runs = api.client.get(f"{V1}/applications/{application_id}/checks", headers=trader)
        return {r["code"] for r in runs.json()[0]["results"]}

    assert "quota_exceeded" not in codes("4000", "GRM")
    assert "quota_exceeded" in codes("6000", "GRM")
    assert "quota_unit_differs" in codes("2", "LTR")
    application_id = api.submitted_application(trader, **body("1500", unit="GRM", term="SKI"))
    approved = api.client.post(f"{V1}/applications/{application_id}/approve", headers=officer)
    assert approved.status_code == 200, approved.text
    answer = api.client.post(f"{V1}/applications/{application_id}/issue", headers=officer)
    assert answer.status_code == 201, answer.text
    with unit_of_work(api.session_factory) as session:
        [entry] = ledger_entries(session, answer.json()["id"])
        assert entry.quantity == Decimal("1.5")
