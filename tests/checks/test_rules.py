"""Every compliance rule, as a pure function of the facts (no database): for each, cases that
trigger it and cases that must not, including the edges (a suspension that ended yesterday, a
population listed differently, a reservation, a zero quota, units that differ, a validity one
day too long)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from app.checks.facts import (
    ImportPermitFact,
    LineFacts,
    MeasureFact,
    QuotaFact,
    Severity,
    SuspensionFact,
    Trade,
)
from app.checks.rules import CODES, run

ON = date(2026, 11, 24)
YESTERDAY, TOMORROW = ON - timedelta(days=1), ON + timedelta(days=1)

SUSPENSION = SuspensionFact(
    party="MG",
    source_codes=frozenset(),
    purpose_codes=frozenset(),
    start=date(2013, 8, 16),
    end=None,
    applies_to_import=False,
    taxon_name="Dalbergia",
    notes=None,
)
MEASURE = MeasureFact(
    party="CH",
    taxon_name="Loxodonta africana",
    direction="export",
    purpose_codes=frozenset({"T"}),
    source_codes=frozenset(),
    start=date(2020, 1, 1),
    end=None,
    reason="no ivory trade",
)
QUOTA = QuotaFact(
    party="ZA",
    year=2026,
    quantity=Decimal(10),
    unit="NAR",
    term_code="TRO",
    source_code="W",
    used=Decimal(4),
    taxon_name="Loxodonta africana",
    id=7,
)


def _line(**kw: Any) -> LineFacts:
    base: dict[str, Any] = {
        "letter": "A",
        "scientific_name": "Loxodonta africana",
        "source_code": "W",
        "term_code": "LIV",
        "quantity": Decimal(1),
        "unit": "NAR",
        "origin_country": "KE",
        "accepted_name": "Loxodonta africana",
        "kingdom": "Animalia",
        "appendix": "II",
    }
    return LineFacts(**(base | kw))


def _trade(*lines: LineFacts, **kw: Any) -> Trade:
    base: dict[str, Any] = {
        "document_type": "E",
        "exporter_country": "KE",
        "importer_country": "US",
        "purpose_code": "Z",
        "on": ON,
        "lines": lines or (_line(),),
    }
    return Trade(**(base | kw))


def _results(trade: Trade, code: str) -> list[tuple[str, str | None]]:
    return [(r.severity.value, r.line) for r in run(trade) if r.code == code]


# (code, expected severity, the trade); each code appears at least once here
TRIGGERS = [
    ("suspension", Severity.BLOCK, _trade(_line(suspensions=(SUSPENSION,)), exporter_country="MG")),
    (
        "suspension",
        Severity.BLOCK,
        _trade(
            _line(suspensions=(dataclasses.replace(SUSPENSION, end=ON),)), exporter_country="MG"
        ),
    ),
    (
        "suspension",
        Severity.BLOCK,
        _trade(
            _line(suspensions=(dataclasses.replace(SUSPENSION, applies_to_import=True),)),
            importer_country="MG",
        ),
    ),
    (
        "national_measure",
        Severity.BLOCK,
        _trade(_line(measures=(MEASURE,)), exporter_country="CH", purpose_code="T"),
    ),
    ("appendix_i_commercial", Severity.BLOCK, _trade(_line(appendix="I"), purpose_code="T")),
    (
        "appendix_i_commercial",
        Severity.BLOCK,  # a reservation of a third Party does not help
        _trade(_line(appendix="I", reservations=frozenset({"JP"})), purpose_code="T"),
    ),
    (
        "quota_exceeded",
        Severity.BLOCK,
        _trade(_line(term_code="TRO", quantity=Decimal(7), quotas=(QUOTA,)), exporter_country="ZA"),
    ),
    (
        "quota_exceeded",
        Severity.BLOCK,  # a zero quota: nothing may be exported
        _trade(
            _line(
                term_code="TRO",
                quotas=(dataclasses.replace(QUOTA, quantity=Decimal(0), used=Decimal(0)),),
            ),
            exporter_country="ZA",
        ),
    ),
    (
        "quota_exceeded",
        Severity.BLOCK,  # two lines on one quota add up: 3 + 4 > 10 - 4
        _trade(
            _line(term_code="TRO", quantity=Decimal(3), quotas=(QUOTA,)),
            _line(letter="B", term_code="TRO", quantity=Decimal(4), quotas=(QUOTA,)),
            exporter_country="ZA",
        ),
    ),
    (
        "quota_exceeded",
        Severity.BLOCK,  # 7000 g are 7 kg, over 10 - 4 kg
        _trade(
            _line(
                term_code="TRO",
                quantity=Decimal(7000),
                unit="GRM",
                quotas=(dataclasses.replace(QUOTA, unit="KGM"),),
            ),
            exporter_country="ZA",
        ),
    ),
    (
        "quota_unit_differs",
        Severity.WARN,
        _trade(_line(term_code="TRO", unit="KGM", quotas=(QUOTA,)), exporter_country="ZA"),
    ),
    ("appendix_i_import_permit", Severity.WARN, _trade(_line(appendix="I"))),
    (
        "appendix_i_import_permit",
        Severity.WARN,  # named, received by EPIX, but cancelled
        _trade(
            _line(appendix="I"),
            import_permit=ImportPermitFact("US", "US-1", received=True, problem="is cancelled"),
        ),
    ),
    (
        "appendix_i_import_permit",
        Severity.WARN,
        _trade(_line(appendix="I"), document_type="R"),
    ),
    (
        "appendix_i_import_commercial",
        Severity.BLOCK,
        _trade(_line(appendix="I"), document_type="I", purpose_code="T"),
    ),
    (
        "appendix_iii_origin",
        Severity.WARN,
        _trade(_line(appendix="III", listed_by="BW"), exporter_country="ZA"),
    ),
    ("source_kingdom", Severity.BLOCK, _trade(_line(kingdom="Plantae", source_code="C"))),
    ("source_kingdom", Severity.BLOCK, _trade(_line(source_code="A"))),
    ("source_unknown", Severity.WARN, _trade(_line(source_code="U"))),
    ("name_not_found", Severity.WARN, _trade(_line(accepted_name=None, appendix=None))),
    ("not_listed", Severity.WARN, _trade(_line(appendix=None))),
    ("synonym_used", Severity.WARN, _trade(_line(scientific_name="Loxodonta cyclotis"))),
    ("appendix_mismatch", Severity.BLOCK, _trade(_line(declared_appendix="I"))),
    ("same_exporter_importer", Severity.BLOCK, _trade(importer_country="KE")),
    (
        "validity_too_long",
        Severity.BLOCK,  # 6 months and a day for an export permit
        _trade(valid_until=date(2027, 5, 25), validity_months=6),
    ),
    (
        "validity_too_long",
        Severity.BLOCK,
        _trade(document_type="I", valid_until=date(2027, 11, 25), validity_months=12),
    ),
    ("validity_in_past", Severity.BLOCK, _trade(valid_until=YESTERDAY, validity_months=6)),
]

# (code, the trade): the rule must stay silent
SILENT = [
    (
        "suspension",
        _trade(  # ended yesterday
            _line(suspensions=(dataclasses.replace(SUSPENSION, end=YESTERDAY),)),
            exporter_country="MG",
        ),
    ),
    (
        "suspension",
        _trade(
            _line(suspensions=(dataclasses.replace(SUSPENSION, start=TOMORROW),)),
            exporter_country="MG",
        ),
    ),
    ("suspension", _trade(_line(suspensions=(SUSPENSION,)), importer_country="MG")),
    ("suspension", _trade(_line(suspensions=(SUSPENSION,)), exporter_country="BZ")),
    (
        "suspension",
        _trade(
            _line(
                source_code="C",
                suspensions=(dataclasses.replace(SUSPENSION, source_codes=frozenset("W")),),
            ),
            exporter_country="MG",
        ),
    ),
    (
        "suspension",
        _trade(
            _line(suspensions=(dataclasses.replace(SUSPENSION, purpose_codes=frozenset("T")),)),
            exporter_country="MG",
        ),
    ),
    ("national_measure", _trade(_line(measures=(MEASURE,)), exporter_country="CH")),  # purpose Z
    (
        "national_measure",
        _trade(
            _line(measures=(dataclasses.replace(MEASURE, end=YESTERDAY),)),
            exporter_country="CH",
            purpose_code="T",
        ),
    ),
    (
        "national_measure",
        _trade(_line(measures=(MEASURE,)), importer_country="CH", purpose_code="T"),
    ),
    ("appendix_i_commercial", _trade(_line(appendix="I"), purpose_code="Z")),
    ("appendix_i_commercial", _trade(_line(appendix="I", source_code="C"), purpose_code="T")),
    ("appendix_i_commercial", _trade(_line(appendix="II"), purpose_code="T")),  # a population
    (
        "appendix_i_commercial",  # the importing Party holds a reservation
        _trade(_line(appendix="I", reservations=frozenset({"US"})), purpose_code="T"),
    ),
    (
        "quota_exceeded",
        _trade(_line(term_code="TRO", quantity=Decimal(6), quotas=(QUOTA,)), exporter_country="ZA"),
    ),
    (
        "quota_exceeded",
        _trade(
            _line(term_code="TUS", quantity=Decimal(60), quotas=(QUOTA,)), exporter_country="ZA"
        ),
    ),
    (
        "quota_exceeded",
        _trade(_line(term_code="TRO", quantity=Decimal(60), quotas=(QUOTA,)), on=date(2027, 1, 1)),
    ),
    (
        "quota_exceeded",  # an import is not counted against an export quota
        _trade(
            _line(term_code="TRO", quantity=Decimal(60), quotas=(QUOTA,)),
            document_type="I",
            exporter_country="ZA",
        ),
    ),
    (
        "quota_unit_differs",
        _trade(
            _line(
                term_code="TRO",
                quantity=Decimal(6000),
                unit="GRM",
                quotas=(dataclasses.replace(QUOTA, unit="KGM"),),
            ),
            exporter_country="ZA",
        ),
    ),
    (
        "appendix_i_import_permit",
        _trade(_line(appendix="I"), import_permit=ImportPermitFact("US", "US-1")),
    ),
    (
        "appendix_i_import_permit",
        _trade(_line(appendix="I"), import_permit=ImportPermitFact("US", "US-1", received=True)),
    ),
    ("appendix_i_import_permit", _trade(_line(appendix="I", import_permit_received=True))),
    ("appendix_i_import_permit", _trade(_line(appendix="I", term_code="SKI"), document_type="R")),
    ("appendix_i_import_permit", _trade(_line(appendix="II"))),
    (
        "appendix_i_import_commercial",
        _trade(_line(appendix="I", source_code="D"), document_type="I", purpose_code="T"),
    ),
    (
        "appendix_i_import_commercial",
        _trade(_line(appendix="I"), document_type="I", purpose_code="S"),
    ),
    ("appendix_iii_origin", _trade(_line(appendix="III", listed_by="BW"), exporter_country="BW")),
    ("appendix_iii_origin", _trade(_line(appendix="III", listed_by="BW"), document_type="O")),
    ("source_kingdom", _trade(_line(kingdom="Plantae", source_code="A"))),
    ("source_kingdom", _trade(_line(source_code="F"))),
    ("source_unknown", _trade(_line(source_code="W"))),
    ("name_not_found", _trade(_line())),
    ("not_listed", _trade(_line())),
    ("synonym_used", _trade(_line(scientific_name="  loxodonta   Africana"))),
    ("appendix_mismatch", _trade(_line(declared_appendix="II"))),
    ("same_exporter_importer", _trade()),
    ("validity_too_long", _trade(valid_until=date(2027, 5, 24), validity_months=6)),  # exactly
    (
        "validity_too_long",
        _trade(document_type="I", valid_until=date(2027, 11, 24), validity_months=12),
    ),
    (
        "validity_too_long",  # a certificate of ownership: up to 3 years
        _trade(document_type="O", valid_until=date(2029, 11, 24), validity_months=36),
    ),
    ("validity_too_long", _trade(validity_months=6)),  # none asked: the longest allowed
    (  # a limit beyond the calendar
        "validity_too_long",
        _trade(on=date(9999, 12, 1), valid_until=date.max, validity_months=36),
    ),
    ("validity_in_past", _trade(valid_until=ON, validity_months=6)),
]


@pytest.mark.parametrize(("code", "severity", "trade"), TRIGGERS)
def test_the_rule_triggers(code: str, severity: Severity, trade: Trade) -> None:
    found = [r for r in run(trade) if r.code == code]
    assert found, f"{code} not reported"
    assert {r.severity for r in found} == {severity}
    assert all(len(r.message) > 40 for r in found)  # a sentence, not a code


@pytest.mark.parametrize(("code", "trade"), SILENT)
def test_the_rule_stays_silent(code: str, trade: Trade) -> None:
    assert code in CODES
    assert _results(trade, code) == []


def test_every_rule_has_cases_both_ways() -> None:
    assert {code for code, _, _ in TRIGGERS} == set(CODES)
    assert {code for code, _ in SILENT} == set(CODES)


def test_results_cite_the_rule_and_name_the_line() -> None:
    blocked = run(_trade(_line(appendix="I", letter="C"), purpose_code="T"))
    [commercial] = [r for r in blocked if r.code == "appendix_i_commercial"]
    assert (commercial.line, "Art. III(3)(c)" in commercial.message) == ("C", True)
    [permit] = [r for r in blocked if r.code == "appendix_i_import_permit"]
    assert "Art. III(2)(d)" in permit.message
    assert "import_permit_party" in permit.message  # says what to give
    cancelled = run(
        _trade(
            _line(appendix="I"),
            import_permit=ImportPermitFact("US", "US-1", received=True, problem="is cancelled"),
        )
    )
    assert any("US US-1" in r.message and "is cancelled" in r.message for r in cancelled)
    [long] = run(_trade(valid_until=date(2027, 6, 1), validity_months=6))
    assert (long.code, long.line) == ("validity_too_long", None)
    assert "2027-05-24" in long.message
    assert "Art. VI(2)" in long.message
