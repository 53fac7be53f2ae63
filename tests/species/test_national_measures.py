"""National stricter measures (Art. XIV(1)(a)) on every backend: an administrator adds and
withdraws them (audited; bad input changes nothing); the checks block the trade they cover,
and only that trade."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from app.cli import cli
from app.core.actor import Actor
from app.core.clock import utcnow
from app.core.db import unit_of_work
from app.species import importing
from tests.factories import Api

V1 = "/api/v1"
MEASURES = f"{V1}/species/measures"
REASON = "national moratorium on commercial exports of ivory"
IVORY: dict[str, Any] = {
    "taxon": "Loxodonta africana",
    "direction": "export",
    "purpose_codes": ["T"],
    "start_date": "2026-01-01",
    "end_date": "2026-12-31",
    "reason": REASON,
}


@pytest.fixture
def reference(session_factory: sessionmaker[Session]) -> None:
    with unit_of_work(session_factory) as session:
        importing.import_reference(session, actor=Actor.system("measures-test"))


def _add(api: Api, **overrides: Any) -> dict[str, Any]:
    added = api.client.post(MEASURES, headers=api.login("admin"), json=IVORY | overrides)
    assert added.status_code == 201, added.text
    body: dict[str, Any] = added.json()
    return body


def _codes(
    api: Api,
    name: str = "Loxodonta africana",
    *,
    exporter: str = "CH",
    importer: str = "US",
    purpose: str = "T",
    source: str = "W",
    on: str = "2026-06-01",
    origin: str = "BW",
) -> set[str]:
    trade = {
        "document_type": "I" if importer == "CH" else "E",
        "exporter_country": exporter,
        "importer_country": importer,
        "purpose_code": purpose,
        "on": on,
        "lines": [
            {
                "scientific_name": name,
                "source_code": source,
                "term_code": "TUS",
                "quantity": "1",
                "origin_country": origin,
            }
        ],
    }
    answer = api.client.post(f"{V1}/checks", headers=api.login("admin"), json=trade)
    assert answer.status_code == 200, answer.text
    return {r["code"] for r in answer.json()["results"]}


def test_a_measure_blocks_what_it_covers_and_nothing_else(reference: None, api: Api) -> None:
    assert "national_measure" not in _codes(api)
    added = _add(api)
    assert (added["taxon"], added["party"], added["purpose_codes"]) == (
        "Loxodonta africana",
        "CH",
        ["T"],
    )
    assert "national_measure" in _codes(api)
    assert "national_measure" in _codes(api, "Loxodonta cyclotis")  # a synonym: the same taxon
    assert "national_measure" not in _codes(api, purpose="Z")  # another purpose
    assert "national_measure" not in _codes(api, on="2025-12-31")  # the day before it starts
    assert "national_measure" in _codes(api, on="2026-12-31")  # its last day
    assert "national_measure" not in _codes(api, on="2027-01-01")
    assert "national_measure" not in _codes(api, exporter="BW", origin="BW")  # not our export
    assert "national_measure" not in _codes(api, exporter="BW", importer="CH")  # an import
    assert "national_measure" not in _codes(api, "Elephas maximus")  # another species


def test_genus_import_and_source_scopes(reference: None, api: Api) -> None:
    _add(api, taxon="Dalbergia", direction="import", purpose_codes=[], source_codes=["W"])
    timber = {"exporter": "MG", "importer": "CH", "origin": "MG"}
    assert "national_measure" in _codes(api, "Dalbergia nigra", **timber)  # under the genus
    assert "national_measure" not in _codes(api, "Dalbergia nigra", source="A", **timber)
    assert "national_measure" not in _codes(api, "Dalbergia nigra", exporter="CH", importer="MG")
    _add(api, taxon="Python regius", direction="both", purpose_codes=[], end_date=None)
    for exporter, importer in (("CH", "FR"), ("GH", "CH")):
        codes = _codes(api, "Python regius", exporter=exporter, importer=importer, on="2030-01-01")
        assert "national_measure" in codes


def test_withdrawal_lifts_it_and_both_are_audited(reference: None, api: Api) -> None:
    admin, officer = api.login("admin"), api.user("officer")
    measure = _add(api)
    path = f"{MEASURES}/{measure['id']}/withdraw"
    short = api.client.post(path, headers=admin, json={"reason": "lifted"})
    assert (short.status_code, short.json()["code"]) == (422, "validation_error")
    withdrawn = api.client.post(path, headers=admin, json={"reason": "the moratorium has ended"})
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["withdrawn_at"] is not None
    assert "national_measure" not in _codes(api)
    again = api.client.post(path, headers=admin, json={"reason": "the moratorium has ended"})
    assert (again.status_code, again.json()["code"]) == (409, "measure_withdrawn")
    missing = api.client.post(
        f"{MEASURES}/999999/withdraw", headers=admin, json={"reason": "no such measure here"}
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "measure_not_found")

    listed = api.client.get(MEASURES, headers=officer).json()
    assert (listed["total"], listed["items"]) == (0, [])
    everything = api.client.get(MEASURES, headers=officer, params={"include_withdrawn": True})
    assert [m["id"] for m in everything.json()["items"]] == [measure["id"]]
    events = api.client.get(
        f"{V1}/audit/events", headers=admin, params={"object_type": "national_measure"}
    ).json()["items"]
    assert sorted(e["action"] for e in events) == ["measure.add", "measure.withdraw"]
    added = next(e for e in events if e["action"] == "measure.add")
    assert added["details"]["reason"] == REASON


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"taxon": "Felis imaginaria"}, "taxon_not_found"),
        ({"end_date": "2025-12-31"}, "invalid_dates"),
        ({"purpose_codes": ["K"]}, "validation_error"),
        ({"source_codes": ["WW"]}, "validation_error"),
        ({"direction": "sideways"}, "validation_error"),
        ({"reason": "short"}, "validation_error"),
        ({"colour": "red"}, "validation_error"),
    ],
)
def test_bad_input_changes_nothing(
    reference: None, api: Api, overrides: dict[str, Any], code: str
) -> None:
    admin = api.login("admin")
    before = api.client.get(f"{V1}/audit/events", headers=admin).json()["total"]
    refused = api.client.post(MEASURES, headers=admin, json=IVORY | overrides)
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == code
    listed = api.client.get(MEASURES, headers=admin, params={"include_withdrawn": True})
    assert listed.json()["total"] == 0
    assert api.client.get(f"{V1}/audit/events", headers=admin).json()["total"] == before


def test_without_reference_data_a_measure_cannot_name_a_taxon(api: Api) -> None:
    refused = api.client.post(MEASURES, headers=api.login("admin"), json=IVORY)
    assert (refused.status_code, refused.json()["code"]) == (422, "taxon_not_found")


def test_in_the_workflow_and_across_imports(
    reference: None, tmp_path: Path, session_factory: sessionmaker[Session], api: Api
) -> None:
    _add(api, taxon="Python regius", purpose_codes=["Z"], end_date=None, start_date="2020-01-01")
    # a new snapshot of the reference data: the measure is kept by the accepted name
    extra = tmp_path / "extra.csv"
    extra.write_text(
        "kind,party,taxon,year,quantity,unit,term_code,source_codes,purpose_codes,start_date,"
        "end_date,applies_to_import,notes\n"
        f"quota,CH,Python regius,{utcnow().year},100,NAR,LIV,,,,,,\n",
        encoding="utf-8",
    )
    with unit_of_work(session_factory) as session:
        importing.import_reference(
            session, [importing.DATASET, extra], actor=Actor.system("measures-test")
        )
    trader, officer = api.trader(), api.user("officer")
    application_id = api.submitted_application(trader)  # ball pythons for a zoo (purpose Z)
    [run] = api.client.get(f"{V1}/applications/{application_id}/checks", headers=trader).json()
    [result] = [r for r in run["results"] if r["code"] == "national_measure"]
    assert result["severity"] == "block"
    assert "Art. XIV(1)(a)" in result["message"]
    approved = api.client.post(f"{V1}/applications/{application_id}/approve", headers=officer)
    assert approved.status_code == 200, approved.text
    blocked = api.client.post(f"{V1}/applications/{application_id}/issue", headers=officer)
    assert (blocked.status_code, blocked.json()["code"]) == (409, "blocked_by_checks")


def test_cli(database_url: str, db: object, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {
        "ECITES_DATABASE_URL": database_url,
        "ECITES_DATA_DIR": str(tmp_path),
        "ECITES_PARTY": "CH",
    }

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(cli, list(args), env=env)
        assert result.exit_code == code, result.output
        return result.output

    quotas = tmp_path / "quotas.csv"
    quotas.write_text(
        "kind,party,taxon,year,quantity,unit,term_code,source_codes,purpose_codes,start_date,"
        "end_date,applies_to_import,notes\n"
        f"quota,CH,Python regius,{utcnow().year},25,NAR,LIV,,,,,,\n",
        encoding="utf-8",
    )
    run("species", "import", str(importing.DATASET), str(quotas))
    [quota] = json.loads(run("quotas", "list", "--party", "ch", "--taxon", "Python"))["items"]
    assert (quota["taxon"], quota["used"], quota["remaining"]) == ("Python regius", "0", "25.000")

    added = json.loads(
        run(
            "measures", "add", "Loxodonta cyclotis", "--direction", "export", "--from",
            "2026-01-01", "--purpose", "T", "--purpose", "P", "--reason", REASON,
        )
    )  # fmt: skip
    assert (added["taxon"], added["purpose_codes"]) == ("Loxodonta africana", ["P", "T"])
    assert "taxon_not_found" in run(
        "measures", "add", "Felis imaginaria", "--direction", "export", "--from", "2026-01-01",
        "--reason", REASON, code=1,
    )  # fmt: skip
    assert "validation_error" in run(
        "measures", "add", "Python regius", "--direction", "out", "--from", "2026-01-01",
        "--reason", REASON, code=2,
    )  # fmt: skip
    assert [m["id"] for m in json.loads(run("measures", "list"))] == [added["id"]]
    withdrawn = json.loads(
        run("measures", "withdraw", str(added["id"]), "--reason", "the moratorium has ended")
    )
    assert withdrawn["withdrawal_reason"] == "the moratorium has ended"
    assert json.loads(run("measures", "list")) == []
    assert len(json.loads(run("measures", "list", "--all"))) == 1
    assert "measure_withdrawn" in run(
        "measures", "withdraw", str(added["id"]), "--reason", "the moratorium has ended", code=1
    )
