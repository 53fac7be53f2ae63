"""The layered report: well-formed -> XSD -> CITES rules; later layers skipped on failure."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from app.xml.document import PermitDocument
from app.xml.reader import read_permit_bytes
from app.xml.rules import check_document
from app.xml.schema import SchemaRegistry
from app.xml.validation import validate_xml
from app.xml.writer import serialise, to_xml

SAMPLES = Path(__file__).parent.parent / "samples"


@cache
def registry() -> SchemaRegistry:
    return SchemaRegistry.load()


def _sample_document(name: str = "ours-export-3-lines.xml") -> PermitDocument:
    document = read_permit_bytes((SAMPLES / name).read_bytes()).document
    assert document is not None
    return document


def _statuses(data: bytes) -> list[tuple[str, str]]:
    report = validate_xml(data, schema=registry())
    return [(layer.layer, layer.status) for layer in report.layers]


def test_a_valid_permit_passes_every_layer() -> None:
    report = validate_xml((SAMPLES / "ours-export-3-lines.xml").read_bytes(), schema=registry())
    assert report.valid
    assert [(r.layer, r.status) for r in report.layers] == [
        ("wellformed", "passed"),
        ("schema", "passed"),
        ("rules", "passed"),
    ]
    assert report.document is not None
    assert report.as_dict()["valid"] is True


def test_malformed_stops_at_the_first_layer() -> None:
    assert _statuses(b"<CITESEPermit><unclosed></CITESEPermit>") == [
        ("wellformed", "failed"),
        ("schema", "skipped"),
        ("rules", "skipped"),
    ]


def test_schema_failure_skips_the_rules() -> None:
    data = (
        (SAMPLES / "ours-export-3-lines.xml")
        .read_bytes()
        .replace(b">E</ram:TypeCode>", b">Z</ram:TypeCode>", 1)
    )
    report = validate_xml(data, schema=registry())
    assert [(r.layer, r.status) for r in report.layers] == [
        ("wellformed", "passed"),
        ("schema", "failed"),
        ("rules", "skipped"),
    ]
    problem = report.layers[1].problems[0]
    assert problem.code == "schema_invalid"
    assert problem.path is not None
    assert problem.path.endswith("HeaderExchangedDocument/TypeCode")
    assert problem.line is not None


def _rules_failure(document: PermitDocument) -> list[str]:
    """XSD-valid but against the CITES rules: the third layer fails, with these codes."""
    data = serialise(to_xml(document))
    report = validate_xml(data, schema=registry())
    assert [(r.layer, r.status) for r in report.layers][:2] == [
        ("wellformed", "passed"),
        ("schema", "passed"),
    ]
    assert report.layers[2].status == "failed"
    return [p.code for p in report.layers[2].problems if p.is_error]


def test_validity_longer_than_allowed_for_the_type() -> None:
    document = replace(_sample_document(), valid_until=date(2030, 1, 1))
    assert "validity_too_long" in _rules_failure(document)


def test_dates_out_of_order() -> None:
    document = _sample_document()
    assert document.valid_from is not None
    earlier = date(document.valid_from.year - 1, 1, 1)
    assert "dates_out_of_order" in _rules_failure(replace(document, valid_until=earlier))


def test_lines_must_be_lettered_in_order() -> None:
    document = _sample_document()
    first, second, *rest = document.lines
    swapped = (replace(first, id="B"), replace(second, id="A"), *rest)
    assert "line_letter" in _rules_failure(replace(document, lines=swapped))


@pytest.mark.parametrize("purpose", ["K", "1"])
def test_rules_check_codes_against_the_code_lists(purpose: str) -> None:
    problems = check_document(replace(_sample_document(), purpose_code=purpose))
    assert [(p.code, p.path) for p in problems] == [
        ("unknown_code", "/CITESEPermit/HeaderExchangedDocument/PurposeCode")
    ]


def test_rules_on_documents_read_leniently() -> None:
    document = _sample_document()
    no_lines = replace(document, lines=())
    assert [p.code for p in check_document(no_lines)] == ["no_lines"]
    zero = replace(
        document, lines=(replace(document.lines[0], quantity=Decimal(0)), *document.lines[1:])
    )
    assert "quantity_not_positive" in [p.code for p in check_document(zero)]
    d_on_ii = replace(
        document,
        lines=(replace(document.lines[0], source_code="D", appendix="II"), *document.lines[1:]),
    )
    warnings = [p for p in check_document(d_on_ii) if not p.is_error]
    assert [w.code for w in warnings] == ["source_appendix"]


def test_foreign_samples_are_readable_but_not_our_xsd() -> None:
    for sample in sorted(SAMPLES.glob("foreign-*.xml")):
        report = validate_xml(sample.read_bytes(), schema=registry())
        assert report.layers[0].status == "passed", sample.name
        assert report.layers[1].status == "failed", sample.name
        assert report.layers[2].status == "skipped", sample.name


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"\x00\x01\x02",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        b"<a>" * 5000 + b"</a>" * 5000,
        "<CITESEPermit>caf\xe9</CITESEPermit>".encode("latin-1"),
    ],
)
def test_hostile_input_gives_a_report(payload: bytes) -> None:
    report = validate_xml(payload, schema=registry())
    assert not report.valid
    assert report.layers[0].status == "failed"
    assert report.layers[0].problems
