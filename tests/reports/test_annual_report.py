"""The annual trade report over HTTP, on every backend: the fixture year gives exactly the
golden CSV files in both views and on both bases; JSON says the same; problems are reported
with their row and reason; strict mode refuses; statistics and the deadline add up."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.reports.rows import EXPORTER_COLUMNS, IMPORTER_COLUMNS
from tests.factories import Api
from tests.reports.fixture_year import YEAR, FixtureYear

GOLDEN = Path(__file__).parent / "golden"
REPORT = f"/api/v1/reports/annual/{YEAR}"
COMBINATIONS = [(v, b) for v in ("exporter", "importer") for b in ("actual", "issued")]


def golden(view: str, basis: str) -> bytes:
    return (GOLDEN / f"{view}-{basis}-{YEAR}.csv").read_bytes()


def _get(api: Api, path: str, **params: Any) -> Any:
    response = api.client.get(path, headers=api.login("admin"), params=params)
    assert response.status_code == 200, response.text
    return response


def test_the_four_reports_are_exactly_the_golden_files(year_data: FixtureYear) -> None:
    for view, basis in COMBINATIONS:
        response = _get(year_data.api, REPORT, view=view, basis=basis)
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        name = f"annual-report-CH-{YEAR}-{view}-{basis}.csv"
        assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
        assert response.content == golden(view, basis), (view, basis)


def test_header_and_non_ascii_values(year_data: FixtureYear) -> None:
    exporter = _get(year_data.api, REPORT, view="exporter", basis="actual").content
    importer = _get(year_data.api, REPORT, view="importer", basis="actual").content
    assert exporter.split(b"\n")[0].decode() == ",".join(EXPORTER_COLUMNS)
    assert importer.split(b"\n")[0].decode() == ",".join(IMPORTER_COLUMNS)
    assert IMPORTER_COLUMNS.index("ImportPermit") + 1 == IMPORTER_COLUMNS.index("ExportPermit")
    assert "RU-Росрыболовство-24/7".encode() in importer  # UTF-8, not escaped or replaced
    assert "IBAMA nº 0042/1991;DE-2019-R-77".encode() in exporter  # two numbers, one cell


def test_quantities_are_exact_decimals(year_data: FixtureYear) -> None:
    for view, basis in COMBINATIONS:
        text = _get(year_data.api, REPORT, view=view, basis=basis).text
        for row in csv.DictReader(io.StringIO(text)):
            quantity = row["Quantity"]
            assert "e" not in quantity.lower(), quantity  # no exponent
            assert "." not in quantity or not quantity.endswith(("0", ".")), quantity
    actual = _get(year_data.api, REPORT, view="exporter", basis="actual").text
    quantities = [row["Quantity"] for row in csv.DictReader(io.StringIO(actual))]
    assert quantities == ["4", "10", "12.125", "2", "5", "1.25", "25", "1"]


def test_json_format_has_the_same_rows(year_data: FixtureYear) -> None:
    for view, basis in COMBINATIONS:
        response = _get(year_data.api, REPORT, view=view, basis=basis, format="json")
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        columns = EXPORTER_COLUMNS if view == "exporter" else IMPORTER_COLUMNS
        assert (body["party"], body["year"], body["view"], body["basis"]) == (
            "CH",
            YEAR,
            view,
            basis,
        )
        assert body["columns"] == list(columns)
        expected = list(csv.DictReader(io.StringIO(golden(view, basis).decode())))
        assert [{k: v or "" for k, v in row.items()} for row in body["rows"]] == expected
        assert all(list(row) == list(columns) for row in body["rows"])


def test_problems_name_their_row_and_reason(year_data: FixtureYear) -> None:
    report = _get(year_data.api, f"{REPORT}/problems", view="exporter", basis="issued").json()
    assert (report["rows"], report["valid"], report["total"], report["notes"]) == (
        10,
        False,
        2,
        [],
    )
    assert [
        (p["row"], p["document"], p["line"], p["column"], p["value"], p["code"])
        for p in report["items"]
    ] == [
        (5, "25CH000006", "A", "Appendix", "II", "appendix_not_valid_for_taxon"),
        (6, "25CH000006", "B", "SpeciesName", "Euphorbia obesa", "species_unknown"),
    ]
    assert report["items"][0]["message"] == (
        "Psittacus erithacus was in Appendix I in 2025 (specimens of CH origin), not in Appendix II"
    )
    # the row number is the row in the CSV file after its header
    rows = list(csv.DictReader(io.StringIO(golden("exporter", "issued").decode())))
    assert rows[5 - 1]["SpeciesName"] == "Psittacus erithacus"
    second = _get(
        year_data.api, f"{REPORT}/problems", view="exporter", basis="issued", limit=1, offset=1
    ).json()
    assert [p["row"] for p in second["items"]] == [6]
    assert (second["total"], second["limit"], second["offset"]) == (2, 1, 1)
    importer = _get(year_data.api, f"{REPORT}/problems", view="importer", basis="actual").json()
    assert [(p["row"], p["document"], p["code"]) for p in importer["items"]] == [
        (4, "DE-E-2025-0815", "species_unknown")
    ]
    clean = _get(year_data.api, f"{REPORT}/problems", view="importer", basis="issued").json()
    assert (clean["valid"], clean["total"], clean["items"]) == (True, 0, [])


def test_strict_refuses_a_report_with_problems(year_data: FixtureYear) -> None:
    api = year_data.api
    refused = api.client.get(
        REPORT, headers=api.login("admin"), params={"view": "exporter", "strict": "true"}
    )
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["code"] == "report_has_problems"
    assert (body["details"]["rows"], body["details"]["problems"]) == (8, 2)
    assert [p["row"] for p in body["details"]["first"]] == [4, 5]
    valid = _get(api, REPORT, view="importer", basis="issued", strict="true")
    assert valid.content == golden("importer", "issued")


def test_statistics_and_deadline(year_data: FixtureYear) -> None:
    year_data.set_clock(datetime(2026, 3, 1, 12, tzinfo=UTC))
    stats = _get(year_data.api, f"{REPORT}/statistics", view="exporter", basis="actual").json()
    assert (stats["rows"], stats["documents"], stats["problems"]) == (8, 6, 2)
    by_partner = {(t["key"], t["unit"]): (t["quantity"], t["rows"]) for t in stats["by_partner"]}
    assert by_partner == {
        ("AE", "NAR"): ("7", 2),
        ("FR", "NAR"): ("14", 2),
        ("HK", "NAR"): ("26", 2),
        ("JP", "KGM"): ("12.125", 1),
        ("US", "MTQ"): ("1.25", 1),
    }
    by_month = [(t["key"], t["unit"], t["quantity"]) for t in stats["by_month"]]
    assert by_month == [
        ("2025-01", "NAR", "4"),
        ("2025-02", "NAR", "10"),
        ("2025-04", "KGM", "12.125"),
        ("2025-07", "NAR", "7"),
        ("2025-08", "MTQ", "1.25"),
        ("2025-09", "NAR", "26"),
    ]
    by_term = {(t["key"], t["unit"]): t["quantity"] for t in stats["by_term"]}
    assert by_term[("LIV", "NAR")] == "21"
    assert {t["key"] for t in stats["by_taxon"]} == {
        "Aquilaria malaccensis",
        "Crocodylus niloticus",
        "Dalbergia nigra",
        "Euphorbia obesa",
        "Psittacus erithacus",
        "Python regius",
        "Swietenia macrophylla",
        "Testudo hermanni",
    }
    assert stats["deadline"] == {
        "due_on": "2026-10-31",
        "as_of": "2026-03-01",
        "status": "due",
        "days_left": 244,
    }
    year_data.set_clock(datetime(2026, 11, 2, tzinfo=UTC))
    late = _get(year_data.api, f"{REPORT}/statistics", view="importer", basis="issued").json()
    assert (late["rows"], late["documents"], late["problems"]) == (2, 2, 0)
    assert (late["deadline"]["status"], late["deadline"]["days_left"]) == ("overdue", -2)
    # on the issued basis the month is the (25CH000003 on 10 April, 25CH000010 on 1 October)
    assert [(t["key"], t["unit"], t["quantity"]) for t in late["by_month"]] == [
        ("2025-04", "MTQ", "0.012"),
        ("2025-10", "NAR", "2"),
    ]


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/api/v1/reports/annual/1974", {}, 422, "invalid_report_year"),
        ("/api/v1/reports/annual/2027", {}, 422, "invalid_report_year"),
        ("/api/v1/reports/annual/2025", {"view": "exports"}, 422, "validation_error"),
        ("/api/v1/reports/annual/2025", {"basis": "permits"}, 422, "validation_error"),
        ("/api/v1/reports/annual/2025", {"format": "xlsx"}, 422, "validation_error"),
        ("/api/v1/reports/annual/20x5", {}, 422, "validation_error"),
        ("/api/v1/reports/annual/2025/problems", {"limit": 0}, 422, "validation_error"),
        ("/api/v1/reports/annual/99999/statistics", {}, 422, "invalid_report_year"),
    ],
)
def test_bad_input_is_a_clear_json_error(
    api: Api, path: str, params: dict[str, Any], status: int, code: str
) -> None:
    app: Any = api.client.app
    app.state.clock = lambda: datetime(2026, 6, 1, tzinfo=UTC)
    response = api.client.get(path, headers=api.login("admin"), params=params)
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code


def test_an_empty_year_is_a_header_and_a_note(api: Api) -> None:
    report = api.client.get("/api/v1/reports/annual/2024", headers=api.login("admin"))
    assert report.status_code == 200, report.text
    assert report.content == (",".join(EXPORTER_COLUMNS) + "\n").encode()
    problems = _get(api, "/api/v1/reports/annual/2024/problems").json()
    assert (problems["rows"], problems["valid"]) == (0, True)
    assert len(problems["notes"]) == 1
    assert "species reference data" in problems["notes"][0]
