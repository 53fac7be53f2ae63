from __future__ import annotations

import pytest

from app.codelists import lists
from app.core.errors import InvalidInput


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("KIL", "KGM"),
        ("pcs", "NAR"),
        ("", "NAR"),
        (None, "NAR"),
        ("CUM", "MTQ"),
        ("SQM", "MTK"),
        ("CCM", "CMQ"),
        ("GRM", "GRM"),
        ("kg", "KGM"),
    ],
)
def test_units_map_legacy_codes_to_rec20(given: str | None, expected: str) -> None:
    assert lists.unit_code(given) == expected


@pytest.mark.parametrize(("given", "expected"), [("1", "I"), ("2", "II"), ("iii", "III")])
def test_appendix_is_normalised(given: str, expected: str) -> None:
    assert lists.appendix(given) == expected


def test_countries_include_cites_pseudo_codes() -> None:
    assert {"XX", "XV", "HS", "CH", "FR", "KE"} <= set(lists.code_lists().country)


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (lists.purpose_code, "K"),
        (lists.source_code, "Q"),
        (lists.term_code, "ABC"),
        (lists.unit_code, "BARREL"),
        (lists.appendix, "IV"),
        (lists.country_code, "ZZ"),
        (lists.other_subtype, "passport"),
    ],
)
def test_unknown_codes_give_a_clear_error(check, value: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        check(value)
    assert raised.value.code == "unknown_code"
    assert raised.value.details["value"] == value
    assert raised.value.details["version"] == lists.code_lists().version


def test_validity_by_document_type() -> None:
    assert lists.validity_months("E", None) == 6
    assert lists.validity_months("R", None) == 6
    assert lists.validity_months("I", None) == 12
    assert lists.validity_months("O", "personal_ownership") == 36
