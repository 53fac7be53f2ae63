"""`ecites report` on the fixture year: the same golden files as over HTTP, --strict writes
nothing when a row has a problem, --problems lists them all, validate and statistics."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli
from tests.reports.fixture_year import YEAR, FixtureYear
from tests.reports.test_annual_report import COMBINATIONS, golden


@pytest.fixture
def run(database_url: str, tmp_path: Path):
    runner = CliRunner()
    env = {"ECITES_DATABASE_URL": database_url, "ECITES_DATA_DIR": str(tmp_path)}

    def invoke(*args: str, code: int = 0) -> tuple[str, str]:
        result = runner.invoke(cli, ["report", *args], env=env)
        assert result.exit_code == code, result.output + result.stderr
        return result.stdout, result.stderr

    return invoke


def test_cli_writes_the_golden_files(year_data: FixtureYear, run, tmp_path: Path) -> None:
    for view, basis in COMBINATIONS:
        out = tmp_path / f"{view}-{basis}.csv"
        _, err = run(
            "annual", "--year", str(YEAR), "--view", view, "--basis", basis, "--out", str(out)
        )
        assert out.read_bytes() == golden(view, basis), (view, basis)
        assert f": written to {out}" in err
    out = tmp_path / "importer.json"
    run("annual", "--year", str(YEAR), "--view", "importer", "--format", "json", "--out", str(out))
    body = json.loads(out.read_text("utf-8"))
    assert body["rows"][0]["OriginPermit"] == "RU-Росрыболовство-24/7"
    assert len(body["rows"]) == 4
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_strict_writes_no_file_and_lists_the_problems(
    year_data: FixtureYear, run, tmp_path: Path
) -> None:
    out, problems = tmp_path / "report.csv", tmp_path / "problems.csv"
    args = ("annual", "--year", str(YEAR), "--out", str(out), "--problems", str(problems))
    _, err = run(*args, "--strict", code=1)
    assert not out.exists()
    assert not any(p.name.endswith(".partial") for p in tmp_path.iterdir())
    assert "8 rows, 2 problems" in err
    assert "not written (--strict)" in err
    assert "row 4 (25CH000006 line A) Appendix 'II': appendix_not_valid_for_taxon" in err
    listed = list(csv.DictReader(io.StringIO(problems.read_text("utf-8"))))
    assert [(p["row"], p["document"], p["line"], p["column"], p["code"]) for p in listed] == [
        ("4", "25CH000006", "A", "Appendix", "appendix_not_valid_for_taxon"),
        ("5", "25CH000006", "B", "SpeciesName", "species_unknown"),
    ]
    # without --strict the same report is written, its problems listed
    _, err = run(*args)
    assert out.read_bytes() == golden("exporter", "actual")
    assert "8 rows, 2 problems" in err
    # and a valid report is written with --strict too
    clean = tmp_path / "clean.csv"
    run(
        "annual",
        "--year",
        str(YEAR),
        "--view",
        "importer",
        "--basis",
        "issued",
        "--out",
        str(clean),
        "--strict",
    )
    assert clean.read_bytes() == golden("importer", "issued")


def test_validate_and_statistics(year_data: FixtureYear, run) -> None:
    out, err = run("validate", "--year", str(YEAR), "--view", "importer", code=1)
    assert out.splitlines() == [
        "row 4 (DE-E-2025-0815 line B) SpeciesName 'Euphorbia obesa': species_unknown: "
        "Euphorbia obesa is not in the species reference data"
    ]
    assert "4 rows, 1 problems" in err
    run("validate", "--year", str(YEAR), "--view", "importer", "--basis", "issued")
    out, _ = run("statistics", "--year", str(YEAR), "--view", "importer", "--basis", "actual")
    stats = json.loads(out)
    assert (stats["rows"], stats["documents"], stats["problems"]) == (4, 2, 1)
    assert {(t["key"], t["unit"], t["quantity"]) for t in stats["by_partner"]} == {
        ("DE", "NAR", "23"),
        ("FR", "GRM", "10000"),
        ("FR", "MTQ", "0.012"),
    }


def test_bad_year_and_unwritable_file(db, run, tmp_path: Path) -> None:
    _, err = run("annual", "--year", "1970", "--out", str(tmp_path / "x.csv"), code=2)
    assert "invalid_report_year" in err
    _, err = run("annual", "--year", "2024", "--out", str(tmp_path / "missing" / "x.csv"), code=2)
    assert "cannot write" in err
    run("annual", "--year", "2024", "--view", "sideways", "--out", str(tmp_path / "x.csv"), code=2)
