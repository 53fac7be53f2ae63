"""Each check run records the reference-data snapshot it used: a run keeps its snapshot after a
new import, and the next run uses (and records) the new one; the dry run names the one it used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.core.actor import Actor
from app.core.db import unit_of_work
from app.species import importing
from app.species import service as species
from app.species.models import Snapshot
from tests.factories import Api, application_body

V1 = "/api/v1"
SUSPENSION = (
    "kind,party,taxon,year,quantity,unit,term_code,source_codes,purpose_codes,start_date,"
    "end_date,applies_to_import,notes\n"
    "suspension,US,Python regius,,,,,,,2020-01-01,,true,imports of ball pythons suspended\n"
)


def _import(factory: sessionmaker[Session], *paths: Path) -> int:
    with unit_of_work(factory) as session:
        return importing.import_reference(session, list(paths) or None, actor=Actor.system("t")).id


def _runs(api: Api, who: dict[str, str], application_id: int) -> list[dict[str, Any]]:
    answer = api.client.get(f"{V1}/applications/{application_id}/checks", headers=who)
    assert answer.status_code == 200, answer.text
    runs: list[dict[str, Any]] = answer.json()
    return runs


def test_each_run_records_the_snapshot_it_used(
    api: Api, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    first = _import(session_factory)
    trader, officer = api.trader(), api.user("officer")
    # ball pythons to the US (purpose Z, source C: clean on the shipped dataset)
    pythons = application_body(
        counterparty={"name": "Reptile House", "address": "1 Main St", "country": "US"}
    )
    application_id = api.submitted_application(trader, **pythons)
    [submission] = _runs(api, trader, application_id)
    assert (submission["snapshot_id"], submission["results"]) == (first, [])

    # new reference data: the US suspends imports of ball pythons
    measures = tmp_path / "measures.csv"
    measures.write_text(SUSPENSION, "utf-8")
    second = _import(session_factory, importing.DATASET, measures)
    assert second != first
    approved = api.client.post(f"{V1}/applications/{application_id}/approve", headers=officer)
    assert approved.status_code == 200, approved.text
    kept, approval = _runs(api, officer, application_id)
    assert kept == submission  # the earlier run is unchanged, with its snapshot
    assert approval["snapshot_id"] == second
    assert [r["code"] for r in approval["results"]] == ["suspension"]
    with unit_of_work(session_factory) as session:
        current = species.current_snapshot(session)
        assert current is not None
        assert current.id == second
        recorded = session.get(Snapshot, first)
        assert recorded is not None  # the snapshot a run names stays, with its counts
        assert json.loads(recorded.counts)["suspensions"] == 0

    trade = {
        "document_type": "E",
        "exporter_country": "CH",
        "importer_country": "US",
        "purpose_code": "Z",
        "lines": [
            {
                "scientific_name": "Python regius",
                "source_code": "C",
                "term_code": "LIV",
                "quantity": "2",
            }
        ],
    }
    dry = api.client.post(f"{V1}/checks", headers=trader, json=trade)
    assert dry.status_code == 200, dry.text
    assert (dry.json()["snapshot_id"], dry.json()["blocked"]) == (second, True)
