"""The shipped reference dataset, the name lookup API and the CLI, on every backend."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from app.cli import cli
from app.core.actor import Actor
from app.core.db import unit_of_work
from app.species import importing
from app.species import service as species
from tests.factories import Api

TODAY = date(2026, 11, 24)


@pytest.fixture
def shipped(session_factory: sessionmaker[Session]) -> None:
    with unit_of_work(session_factory) as session:
        importing.import_reference(session, actor=Actor.system("test"))


@pytest.mark.parametrize(
    ("name", "origin", "appendix"),
    [
        ("Python regius", "GH", "II"),
        ("Loxodonta africana", "KE", "I"),
        ("Loxodonta africana", "ZA", "II"),
        ("Loxodonta cyclotis", "CM", "I"),  # a synonym, resolved
        ("Dalbergia nigra", "BR", "I"),
        ("Dalbergia melanoxylon", "TZ", "II"),  # from the genus
        ("Paphiopedilum rothschildianum", "MY", "I"),  # the genus, not the family
        ("Phalaenopsis amabilis", "ID", "II"),  # from the family
        ("Acropora cervicornis", "BS", "II"),  # from the order
        ("Mellivora capensis", "BW", "III"),
    ],
)
def test_shipped_listings(
    shipped: None, session_factory: sessionmaker[Session], name: str, origin: str, appendix: str
) -> None:
    with unit_of_work(session_factory) as session:
        taxon = species.resolve(session, name)
        assert taxon is not None, name
        listing = species.listing_at(session, taxon, on=TODAY, origin=origin)
        assert listing is not None
        assert listing.appendix == appendix


def test_lookup_api(shipped: None, api: Api) -> None:
    trader = api.trader()
    found = api.client.get("/api/v1/species", params={"q": "python reg"}, headers=trader).json()
    [python] = found["items"]
    assert (python["accepted_name"], python["appendix"]) == ("Python regius", "II")
    assert found["snapshot_id"] is not None
    elephant = api.client.get(
        "/api/v1/species", params={"q": "Loxodonta cyclotis"}, headers=trader
    ).json()["items"][0]
    assert (elephant["accepted_name"], elephant["matched"]) == (
        "Loxodonta africana",
        "Loxodonta cyclotis",
    )
    assert any("BW" in note for note in elephant["listing_notes"])
    dry = api.client.post(
        "/api/v1/checks",
        headers=trader,
        json={
            "document_type": "E",
            "exporter_country": "CM",
            "importer_country": "CN",
            "purpose_code": "T",
            "lines": [
                {
                    "scientific_name": "Loxodonta africana",
                    "source_code": "W",
                    "term_code": "TUS",
                    "quantity": "2",
                }
            ],
        },
    ).json()
    assert dry["blocked"] is True
    [commercial] = [r for r in dry["results"] if r["code"] == "appendix_i_commercial"]
    assert (commercial["severity"], commercial["line"]) == ("block", "A")
    assert "Art. III" in commercial["message"]


def test_cli(database_url: str, db: object, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"ECITES_DATABASE_URL": database_url, "ECITES_DATA_DIR": str(tmp_path)}
    imported = runner.invoke(cli, ["species", "import"], env=env)
    assert imported.exit_code == 0, imported.output
    assert "snapshot" in imported.output
    searched = runner.invoke(cli, ["species", "search", "African elephant"], env=env)
    assert json.loads(searched.output)[0]["accepted_name"] == "Loxodonta africana"
    trade = tmp_path / "trade.json"
    trade.write_text(
        json.dumps(
            {
                "document_type": "E",
                "exporter_country": "GH",
                "importer_country": "CH",
                "purpose_code": "T",
                "lines": [
                    {
                        "scientific_name": "Python regius",
                        "source_code": "C",
                        "term_code": "LIV",
                        "quantity": "10",
                    }
                ],
            }
        )
    )
    checked = runner.invoke(cli, ["checks", "run", str(trade)], env=env)
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.output)["blocked"] is False
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,party\nquota,NA\n")
    refused = runner.invoke(cli, ["species", "import", str(bad)], env=env)
    assert refused.exit_code == 1
    assert "missing columns" in refused.output
