"""An import with bad rows reports every bad row, each with its file and line (CSV) or item
(JSON), including rows that read well but name an unknown taxon, and imports nothing of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.core.actor import Actor
from app.core.db import unit_of_work
from app.core.errors import InvalidInput
from app.species import importing
from app.species.models import Quota, Snapshot, Suspension, Taxon

ADMIN = Actor.system("species-test")
HEADER = (
    "kind,party,taxon,year,quantity,unit,term_code,source_codes,purpose_codes,start_date,"
    "end_date,applies_to_import,notes\n"
)


def _taxon(id_: int, name: str) -> dict[str, object]:
    genus = name.split()[0]
    return {
        "id": id_,
        "full_name": name,
        "rank": "SPECIES",
        "name_status": "A",
        "higher_taxa": {"kingdom": "Animalia", "class": "Reptilia", "genus": genus},
        "cites_listings": [{"appendix": "II", "effective_at": "1977-02-04"}],
    }


@pytest.fixture
def concepts(tmp_path: Path) -> Path:
    path = tmp_path / "taxon_concepts.json"
    path.write_text(json.dumps({"taxon_concepts": [_taxon(1, "Python regius")]}), "utf-8")
    return path


def _counts(factory: sessionmaker[Session]) -> tuple[int, ...]:
    with unit_of_work(factory) as session:
        return tuple(
            int(session.scalar(select(func.count()).select_from(m)) or 0)
            for m in (Snapshot, Taxon, Quota, Suspension)
        )


def _problems(factory: sessionmaker[Session], *paths: Path) -> list[str]:
    before = _counts(factory)
    with unit_of_work(factory) as session, pytest.raises(InvalidInput) as caught:
        importing.import_reference(session, list(paths), actor=ADMIN)
    assert caught.value.code == "reference_data_invalid"
    assert _counts(factory) == before  # nothing of it was stored
    problems: list[str] = caught.value.details["problems"]
    assert caught.value.message.startswith(f"the reference data has {len(problems)} bad row")
    return problems


def test_unknown_taxa_are_reported_with_their_csv_line(
    tmp_path: Path, concepts: Path, session_factory: sessionmaker[Session]
) -> None:
    measures = tmp_path / "measures.csv"
    measures.write_text(
        HEADER
        + "quota,CH,Python regius,2026,10,NAR,LIV,C,,,,,fine\n"
        + "quota,CH,Python imaginarius,2026,10,NAR,LIV,C,,,,,unknown taxon\n"
        + "suspension,MG,Furcifer fantasticus,,,,,,,2013-08-16,,false,unknown taxon\n"
        + "suspension,MG,,,,,,,,not-a-date,,false,bad date\n"
        + "quota,GH,Python regius,2026,5,NAR,LIV,W,,,,,fine\n"
        + "quota,TG,Python nonexistens,2026,0,NAR,LIV,W,,,,,unknown taxon of a zero quota\n",
        "utf-8",
    )
    problems = _problems(session_factory, concepts, measures)
    assert [p.split(": ")[0] for p in problems] == [
        "measures.csv line 3",
        "measures.csv line 4",
        "measures.csv line 5",
        "measures.csv line 7",
    ]
    assert "unknown taxon Python imaginarius" in problems[0]
    assert "unknown taxon Furcifer fantasticus" in problems[1]
    assert "unknown taxon Python nonexistens" in problems[3]


def test_json_items_and_duplicates_are_named(
    tmp_path: Path, concepts: Path, session_factory: sessionmaker[Session]
) -> None:
    quotas = tmp_path / "quotas.json"
    quotas.write_text(
        json.dumps(
            {
                "cites_quotas": [
                    {"party": "CH", "full_name": "Python regius", "year": 2026, "quota": 1},
                    {"party": "CH", "full_name": "Python fictus", "year": 2026, "quota": 1},
                ],
                "cites_suspensions": [
                    {"party": "MG", "full_name": "Python fictus", "start_date": "2020-01-01"}
                ],
            }
        ),
        "utf-8",
    )
    twice = tmp_path / "more_concepts.json"
    twice.write_text(json.dumps({"taxon_concepts": [_taxon(2, "Python regius")]}), "utf-8")
    problems = _problems(session_factory, concepts, twice, quotas)
    assert sorted(p.split(": ")[0] for p in problems) == [
        "more_concepts.json taxon_concepts item 1",
        "quotas.json cites_quotas item 2",
        "quotas.json cites_suspensions item 1",
    ]
    assert any("appears twice" in p for p in problems)


def test_a_good_file_still_imports(
    tmp_path: Path, concepts: Path, session_factory: sessionmaker[Session]
) -> None:
    measures = tmp_path / "measures.csv"
    measures.write_text(HEADER + "quota,CH,Python regius,2026,10,NAR,LIV,C,,,,,fine\n", "utf-8")
    with unit_of_work(session_factory) as session:
        snapshot = importing.import_reference(session, [concepts, measures], actor=ADMIN)
        assert json.loads(snapshot.counts)["quotas"] == 1
