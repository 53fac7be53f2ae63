"""The report's pure parts, without a database: how numbers and permit numbers are written,
every validation rule with its row and reason, the deadline, and the CSV writer."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from app.reports import output
from app.reports.rows import TradeRow, permit_numbers, quantity_text
from app.reports.schemas import Basis, View
from app.reports.statistics import Tally, deadline, month
from app.reports.validation import Problem, Validator

ROW = TradeRow(
    appendix="II",
    species_name="Python regius",
    term_code="LIV",
    quantity=Decimal("10.000"),
    unit_code="NAR",
    trading_partner="FR",
    country_of_origin=None,
    import_permit=None,
    export_permit="25CH000001",
    origin_permit=None,
    purpose_code="T",
    source_code="C",
    year=2025,
    document="25CH000001",
    line="A",
    traded_on=date(2025, 2, 10),
)
# name -> the appendices in 2025 per population ("" for every other population)
LISTINGS: dict[str, dict[str, frozenset[str]]] = {
    "Python regius": {"": frozenset({"II"})},
    "Loxodonta africana": {"": frozenset({"I"}), "ZA": frozenset({"II"})},
    "Homo sapiens": {"": frozenset()},
}


def listed(name: str, origin: str | None) -> frozenset[str] | None:
    populations = LISTINGS.get(name)
    if populations is None:
        return None
    return populations.get(origin or "", populations[""])


@pytest.mark.parametrize(
    ("quantity", "text"),
    [
        (Decimal("10.000"), "10"),
        (Decimal("12.500"), "12.5"),
        (Decimal("0.012"), "0.012"),
        (Decimal("12500"), "12500"),
        (Decimal("1E+3"), "1000"),
        (Decimal("1.5E-7"), "0.00000015"),
        (Decimal("123456789012345.125"), "123456789012345.125"),
        (Decimal("0"), "0"),
        (None, ""),
    ],
)
def test_quantities_are_written_exactly(quantity: Decimal | None, text: str) -> None:
    assert quantity_text(quantity) == text


def test_permit_numbers_share_a_cell() -> None:
    assert permit_numbers("BR-1991-0042", None, " DE-2019-R-77 ") == "BR-1991-0042;DE-2019-R-77"
    assert permit_numbers("X1", "X1") == "X1"
    assert permit_numbers(None, "  ") is None


def _check(row: TradeRow, *, number: int = 7, view: View = View.EXPORTER) -> list[Problem]:
    return Validator(party="CH", year=row.year, view=view, listed=listed).check(number, row)


def _codes(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(p.column, p.code) for p in problems]


def test_a_valid_row_has_no_problem() -> None:
    assert _check(ROW) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"appendix": None}, [("Appendix", "missing_value")]),
        ({"species_name": None}, [("SpeciesName", "missing_value")]),
        ({"term_code": ""}, [("TermCode", "missing_value")]),
        ({"trading_partner": None}, [("TradingPartner", "missing_value")]),
        ({"quantity": None}, [("Quantity", "missing_value")]),
        ({"quantity": Decimal(0)}, [("Quantity", "invalid_quantity")]),
        ({"quantity": Decimal("-1")}, [("Quantity", "invalid_quantity")]),
        ({"quantity": Decimal("NaN")}, [("Quantity", "invalid_quantity")]),
        ({"appendix": "IV"}, [("Appendix", "unknown_code")]),
        ({"term_code": "XYZ"}, [("TermCode", "unknown_code")]),
        ({"unit_code": "PCS"}, [("UnitCode", "unknown_code")]),
        ({"trading_partner": "QQ"}, [("TradingPartner", "unknown_code")]),
        ({"country_of_origin": "QQ"}, [("CountryOfOrigin", "unknown_code")]),
        ({"purpose_code": "X"}, [("PurposeCode", "unknown_code")]),
        ({"source_code": "K"}, [("SourceCode", "unknown_code")]),
        ({"trading_partner": "CH"}, [("TradingPartner", "trading_partner_is_reporter")]),
        ({"appendix": "I"}, [("Appendix", "appendix_not_valid_for_taxon")]),
        ({"species_name": "Panthera nova"}, [("SpeciesName", "species_unknown")]),
        ({"species_name": "Homo sapiens"}, [("Appendix", "appendix_not_valid_for_taxon")]),
    ],
)
def test_each_rule_names_the_column_and_code(
    change: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    assert _codes(_check(replace(ROW, **change))) == expected  # type: ignore[arg-type]


def test_a_problem_names_its_row_document_line_and_value() -> None:
    [problem] = _check(replace(ROW, appendix="I"), number=12)
    assert problem == Problem(
        row=12,
        document="25CH000001",
        line="A",
        column="Appendix",
        value="I",
        code="appendix_not_valid_for_taxon",
        message="Python regius was in Appendix II in 2025 (specimens of CH origin), "
        "not in Appendix I",
    )
    [unlisted] = _check(replace(ROW, species_name="Homo sapiens"))
    assert unlisted.message == "Homo sapiens was not listed in 2025 (specimens of CH origin)"


def test_the_population_is_the_origin_or_the_exporting_country() -> None:
    elephant = replace(ROW, species_name="Loxodonta africana", appendix="II")
    assert _codes(_check(elephant)) == [("Appendix", "appendix_not_valid_for_taxon")]
    assert _check(replace(elephant, country_of_origin="ZA")) == []
    # imports: the exporting country is the trading partner
    imported = replace(elephant, trading_partner="ZA")
    assert _check(imported, view=View.IMPORTER) == []


def test_a_five_digit_year_and_several_problems_in_one_row() -> None:
    row = replace(ROW, year=20251, quantity=None, term_code="XYZ")
    problems = Validator(party="CH", year=2025, view=View.EXPORTER, listed=listed).check(3, row)
    assert _codes(problems) == [
        ("TermCode", "unknown_code"),
        ("Quantity", "missing_value"),
        ("Year", "invalid_year"),
    ]
    assert {p.row for p in problems} == {3}


def test_without_species_data_the_listing_is_not_checked() -> None:
    validator = Validator(party="CH", year=2025, view=View.EXPORTER, listed=None)
    assert validator.check(1, replace(ROW, species_name="Panthera nova", appendix="I")) == []


def test_remembered_findings_still_name_each_row() -> None:
    validator = Validator(party="CH", year=2025, view=View.EXPORTER, listed=listed)
    bad = replace(ROW, appendix="I")
    first, second = validator.check(1, bad), validator.check(2, replace(bad, document="X"))
    assert [(p.row, p.document) for p in first + second] == [(1, "25CH000001"), (2, "X")]


@pytest.mark.parametrize(
    ("today", "status", "days_left"),
    [
        (date(2025, 6, 30), "period_open", 488),
        (date(2025, 12, 31), "period_open", 304),
        (date(2026, 1, 1), "due", 303),
        (date(2026, 10, 31), "due", 0),
        (date(2026, 11, 1), "overdue", -1),
    ],
)
def test_deadline_is_31_october_of_the_following_year(
    today: date, status: str, days_left: int
) -> None:
    due = deadline(2025, today)
    assert (due.due_on, due.status.value, due.days_left) == (date(2026, 10, 31), status, days_left)


def test_month_of_every_kind_of_moment() -> None:
    east = timezone(timedelta(hours=2))
    assert month(date(2025, 3, 31)) == "2025-03"
    assert month(datetime(2025, 4, 1, 1, tzinfo=east)) == "2025-03"  # 23:00 UTC on 31 March
    assert month(datetime(2025, 4, 1, 1)) == "2025-04"  # naive: UTC
    assert month("2025-12-31 23:59:59.000000") == "2025-12"
    assert month("2025-01-08") == "2025-01"


def test_tally_adds_per_unit_and_counts_documents() -> None:
    tally = Tally()
    tally.add(ROW)
    tally.add(replace(ROW, line="B", quantity=Decimal("2.5"), unit_code="KGM"))
    tally.add(replace(ROW, document="25CH000002", quantity=Decimal("0.500")))
    assert (tally.rows, tally.documents) == (3, 2)
    totals = [(t.key, t.unit, t.quantity, t.rows) for t in tally.totals("taxon")]
    assert totals == [("Python regius", "KGM", "2.5", 1), ("Python regius", "NAR", "10.5", 2)]
    assert [t.key for t in tally.totals("month")] == ["2025-02", "2025-02"]


def test_csv_quotes_where_needed_and_streams_in_chunks() -> None:
    odd = replace(ROW, species_name='Aloe "spp", hybrid', export_permit="Nº 1")
    rows = [ROW] * 5000 + [odd]
    chunks = list(output.csv_chunks(rows, View.IMPORTER))
    assert len(chunks) > 1
    assert all(len(chunk) < output.CHUNK + 200 for chunk in chunks)
    parsed = list(csv.reader(io.StringIO("".join(chunks))))
    assert len(parsed) == 5002
    assert parsed[-1][1] == 'Aloe "spp", hybrid'
    assert parsed[-1][7:9] == ["", "Nº 1"]  # ImportPermit empty, then ExportPermit


def test_json_rows_are_objects_in_column_order() -> None:
    text = "".join(
        output.json_chunks([ROW], party="CH", year=2025, view=View.EXPORTER, basis=Basis.ACTUAL)
    )
    assert text.startswith('{"party": "CH", "year": 2025, "view": "exporter", "basis": "actual"')
    assert '"Quantity": "10"' in text
    assert '"CountryOfOrigin": null' in text
    assert text.endswith("]}\n")
