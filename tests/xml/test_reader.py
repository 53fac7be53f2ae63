"""The lenient reader: foreign samples read exactly, each leniency rule, and its problems."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from app.xml.document import DocumentReference, PermitDocument, PermitLine, TradeParty
from app.xml.namespaces import CBF_V1, CITES, RAM
from app.xml.parser import parse_xml, safe_parser
from app.xml.problems import Problem
from app.xml.reader import ReadResult, read_permit, read_permit_bytes

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
ITEM = "/CITESEPermit/SpecifiedSupplyChainConsignment/IncludedSupplyChainConsignmentItem"
HEADER = "/CITESEPermit/HeaderExchangedDocument"


def read_sample(name: str) -> ReadResult:
    return read_permit_bytes((SAMPLES / name).read_bytes())


def codes(problems: list[Problem]) -> list[tuple[str, str, str | None]]:
    return [(p.severity, p.code, p.path) for p in problems]


# -- the foreign samples --------------------------------------------------------------------


def test_fr_reexport_unqualified_root_placeholders_legacy_units_numeric_codes() -> None:
    result = read_sample("foreign-fr-reexport.xml")

    assert result.document == PermitDocument(
        number="FR1202501030-R",
        type="R",
        name=None,
        issued_at=datetime(2025, 1, 3, 10, 15, tzinfo=timezone(timedelta(hours=1))),
        valid_from=date(2025, 1, 3),
        valid_until=date(2025, 7, 2),
        purpose_code="T",
        special_conditions=("Valable uniquement avec l'original",),
        copy=False,
        issuing_country="FR",
        issuing_authority=TradeParty(
            name="Ministere de la Transition ecologique - Organe de gestion CITES",
            address="Tour Sequoia, 92055 La Defense",
            country="FR",
        ),
        place_of_issue="Paris",
        issuing_official="M. Dupont",
        security_stamp="0123456",
        exporter=TradeParty(
            name="Maison Exotique SARL", address="12 rue des Lilas, Lyon", country="FR"
        ),
        importer=TradeParty(
            name="Swiss Reptile AG", address="Bahnhofstrasse 1, 8001 Zurich", country="CH"
        ),
        replaces=None,
        replacement_reason=None,
        lines=(
            PermitLine(
                id="A",
                scientific_name="Python regius",
                common_name="Python royal",
                term_code="SKI",
                quantity=Decimal("25"),
                unit="NAR",
                appendix="II",
                source_code="W",
                origin_country="GH",
                origin_permit=DocumentReference("GH-2024-0815", "861", date(2024, 6, 12)),
                reexport_country="FR",
                reexport_certificate=DocumentReference("FR1202409001-R", "811", date(2024, 9, 30)),
            ),
            PermitLine(
                id="B",
                scientific_name="Falco rusticolus",
                description="Falcons bred at registered operation A-FR-501",
                term_code="LIV",
                quantity=Decimal("2"),
                unit="NAR",
                appendix="I",
                source_code="D",
                origin_country="FR",
                marks="Bague FR-CB-0042; Microchip 250269604123456",
            ),
            PermitLine(
                id="C",
                scientific_name="Dalbergia baronii",
                term_code="WPR",
                quantity=Decimal("1.5"),
                unit="KGM",
                appendix="II",
                source_code="W",
                origin_country="MG",
                origin_permit=DocumentReference("MG/2023/117", "861", None),
            ),
        ),
    )
    assert codes(result.problems) == [
        ("warning", "unqualified_root", "/CITESEPermit"),
        ("warning", "legacy_unit", f"{ITEM}[1]/TransportLogisticsPackage/ItemQuantity/@unitCode"),
        ("warning", "placeholder", f"{ITEM}[2]/TransportLogisticsPackage/ItemQuantity/@unitCode"),
        (
            "warning",
            "placeholder",
            f"{ITEM}[2]/IncludedSupplyChainTradeLineItem/SpecifiedTradeProduct/CommonName",
        ),
        ("warning", "legacy_unit", f"{ITEM}[3]/TransportLogisticsPackage/ItemQuantity/@unitCode"),
    ]
    assert result.ok
    assert result.problems[1].line == 83
    assert "PCS" in result.problems[1].message
    assert "NAR" in result.problems[1].message


def test_export_with_words_default_namespace_numbers_for_appendices() -> None:
    result = read_sample("foreign-export-words.xml")
    document = result.document

    assert document is not None
    assert (document.number, document.type, document.copy) == ("25DE004711", "E", True)
    assert document.issued_at == datetime(2025, 2, 10, 9, 30, tzinfo=UTC)  # naive -> UTC
    assert (document.valid_from, document.valid_until) == (date(2025, 2, 10), date(2025, 8, 9))
    assert document.purpose_code == "Z"
    assert document.special_conditions == (
        "Live animals: transport per IATA Live Animals Regulations",
    )
    assert document.issuing_authority == TradeParty(
        name="Bundesamt fuer Naturschutz", address=None, country="DE"
    )
    assert (document.issuing_country, document.place_of_issue) == ("DE", "Bonn")
    assert document.issuing_official == "Dr. A. Weber"
    assert document.security_stamp is None  # "-"
    assert document.exporter == TradeParty("Tierpark Nord GmbH", "Zooweg 5, 20099 Hamburg", "DE")
    assert document.importer == TradeParty("Zoo de Lisboa", None, "PT")
    assert document.lines == (
        PermitLine(
            id="A",
            scientific_name="Panthera tigris sumatrae",
            common_name="Sumatra-Tiger",
            term_code="LIV",
            quantity=Decimal("2"),
            unit="NAR",
            appendix="I",
            source_code="C",
            origin_country="ID",
            origin_permit=DocumentReference("ID/KSDAE/2023/0099", "861", date(2023, 4, 12)),
            reexport_country="NL",
            reexport_certificate=DocumentReference("NL-22-0456", "811", None),
        ),
        PermitLine(
            id="B",
            scientific_name="Testudo hermanni",
            term_code="LIV",
            quantity=Decimal("3"),
            unit="NAR",
            appendix="II",
            source_code="C",
            origin_country="DE",
        ),
    )
    assert codes(result.problems) == [
        ("warning", "placeholder", f"{HEADER}/Information[2]"),
        ("warning", "placeholder", f"{HEADER}/FirstSignatoryDocumentAuthentication/ID"),
        (
            "warning",
            "ignored_reference",
            f"{ITEM}[2]/AssociatedReferencedDocument/TypeCode",
        ),
    ]


def test_other_certificate_with_name_replacement_and_ram_namespace() -> None:
    result = read_sample("foreign-other-certificate.xml")
    document = result.document

    assert document is not None
    assert (document.number, document.type) == ("26CH000123", "O")
    assert document.name == "Certificate of ownership"  # the first of two languages
    assert document.issued_at == datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    assert (document.valid_from, document.valid_until) == (date(2026, 3, 1), date(2029, 2, 28))
    assert document.copy is True
    assert document.purpose_code == "P"  # from the purpose name "Personal"
    assert document.replaces == DocumentReference("25CH000077", "O", date(2025, 11, 20))
    assert document.replacement_reason == "lost"
    assert document.special_conditions == ("Not valid for commercial purposes",)
    assert document.security_stamp == "CH-STAMP-0009"
    assert document.issuing_official == "E. Muster"  # ProviderTradeParty/Name
    assert document.exporter == TradeParty("Anna Keller", "Seeweg 3, 6003 Luzern", "CH")
    assert document.importer == TradeParty("Anna Keller", None, "XV")
    assert document.lines == (
        PermitLine(
            id="A",
            scientific_name="Paubrasilia echinata",
            common_name="Pernambuco",
            description="Violin bow, pernambuco stick with ivory tip",
            term_code="CAR",
            quantity=Decimal("0.750"),
            unit="KGM",
            appendix="II",
            source_code="O",
            origin_country="XX",
        ),
    )
    assert [(p.code, p.severity) for p in result.problems] == [
        ("placeholder", "warning"),
        ("normalised_code", "warning"),
        ("legacy_unit", "warning"),
        ("placeholder", "warning"),
    ]


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("ours-*.xml")), ids=lambda p: p.name)
def test_our_own_documents_read_without_any_problem(path: Path) -> None:
    result = read_permit_bytes(path.read_bytes())
    assert result.document is not None
    assert result.problems == []


def test_utf16_document_reads_like_utf8() -> None:
    text = (SAMPLES / "foreign-fr-reexport.xml").read_text("utf-8")
    utf16 = text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert read_permit_bytes(utf16).document == read_sample("foreign-fr-reexport.xml").document


# -- leniency rules, one at a time ---------------------------------------------------------


def permit(
    *,
    header: str = "<ID>26CH000001</ID><TypeCode>E</TypeCode>",
    line: str = "<ID>A</ID>",
    lines: str | None = None,
    root: str = "CITESEPermit",
) -> bytes:
    items = lines if lines is not None else f"<{_ITEM}>{line}</{_ITEM}>"
    return (
        f"<{root}><HeaderExchangedDocument>{header}</HeaderExchangedDocument>"
        f"<SpecifiedSupplyChainConsignment>{items}</SpecifiedSupplyChainConsignment></{root}>"
    ).encode()


_ITEM = "IncludedSupplyChainConsignmentItem"


def read(data: bytes) -> tuple[PermitDocument, list[tuple[str, str]]]:
    result = read_permit_bytes(data)
    assert result.document is not None, result.problems
    return result.document, [
        (p.code, p.severity) for p in result.problems if p.code != "unqualified_root"
    ]


def one_line(data: bytes) -> tuple[PermitLine, list[tuple[str, str]]]:
    document, problems = read(data)
    assert len(document.lines) == 1
    return document.lines[0], problems


def quantity(text: str, unit: str | None = None) -> bytes:
    attribute = f' unitCode="{unit}"' if unit is not None else ""
    return permit(
        line=f"<ID>A</ID><TransportLogisticsPackage><ItemQuantity{attribute}>{text}"
        "</ItemQuantity></TransportLogisticsPackage>"
    )


@pytest.mark.parametrize(
    ("unit", "expected", "problems"),
    [
        ("KGM", "KGM", []),
        (None, "NAR", []),
        ("", "NAR", []),
        ("  ", "NAR", []),
        ("?", "NAR", [("placeholder", "warning")]),
        ("N/A", "NAR", [("placeholder", "warning")]),
        ("PCS", "NAR", [("legacy_unit", "warning")]),
        ("KIL", "KGM", [("legacy_unit", "warning")]),
        ("kgm", "KGM", []),
        ("CUM", "MTQ", [("legacy_unit", "warning")]),
        ("BOXES", "BOXES", [("unknown_code", "error")]),
    ],
)
def test_units(unit: str | None, expected: str, problems: list[tuple[str, str]]) -> None:
    line, found = one_line(quantity("3", unit))
    assert (line.quantity, line.unit, found) == (Decimal("3"), expected, problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10", Decimal(10)), (" 0.5 ", Decimal("0.5")), ("1E+2", Decimal(100)), ("-1", Decimal(-1))],
)
def test_quantities(text: str, expected: Decimal) -> None:
    line, problems = one_line(quantity(text, "NAR"))
    assert (line.quantity, problems) == (expected, [])


@pytest.mark.parametrize("text", ["1,5", "1 000", "NaN", "Infinity", "1e999", "ten", "0x10"])
def test_invalid_quantities_are_problems(text: str) -> None:
    result = read_permit_bytes(quantity(text, "NAR"))
    assert result.document is not None
    assert result.document.lines[0].quantity is None
    (problem,) = [p for p in result.problems if p.code == "invalid_number"]
    assert problem.severity == "error"
    assert problem.path == f"{ITEM}[1]/TransportLogisticsPackage/ItemQuantity"
    if text == "1,5":
        assert "decimal point" in problem.message


def test_empty_quantity_is_none_without_unit() -> None:
    line, problems = one_line(quantity("", "?"))
    assert (line.quantity, line.unit, problems) == (None, None, [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [("I", "I"), ("ii", "II"), ("1", "I"), ("2", "II"), ("3", "III"), ("Appendix II", "II")],
)
def test_appendix(text: str, expected: str) -> None:
    line, problems = one_line(
        permit(
            line=f"<ID>A</ID><IncludedSupplyChainTradeLineItem><TypeCode>{text}</TypeCode>"
            "<TypeExtensionCode>d</TypeExtensionCode></IncludedSupplyChainTradeLineItem>"
        )
    )
    assert (line.appendix, line.source_code, problems) == (expected, "D", [])


def test_unknown_appendix_is_an_error_and_keeps_the_value() -> None:
    line, problems = one_line(
        permit(
            line="<ID>A</ID><IncludedSupplyChainTradeLineItem><TypeCode>N</TypeCode>"
            "</IncludedSupplyChainTradeLineItem>"
        )
    )
    assert (line.appendix, problems) == ("N", [("unknown_code", "error")])


def reference(type_code: str | None, number: str | None = "X-1", date_text: str = "") -> bytes:
    parts = f"<IssueDateTime>{date_text}</IssueDateTime>" if date_text else ""
    parts += f"<TypeCode>{type_code}</TypeCode>" if type_code is not None else ""
    parts += f"<ID>{number}</ID>" if number is not None else ""
    return permit(
        line=f"<ID>A</ID><AssociatedReferencedDocument>{parts}</AssociatedReferencedDocument>"
    )


@pytest.mark.parametrize(
    "type_code", ["861", "Export", "EXPORT", "export permit", "Export-Permit", "Origin", "E"]
)
def test_origin_permit_reference_types(type_code: str) -> None:
    line, problems = one_line(reference(type_code, date_text="2024-06-12"))
    assert line.origin_permit == DocumentReference("X-1", "861", date(2024, 6, 12))
    assert (line.reexport_certificate, problems) == (None, [])


@pytest.mark.parametrize(
    "type_code", ["811", "Re-export", "re-export", "REEXPORT", "Re-export certificate", "R"]
)
def test_reexport_certificate_reference_types(type_code: str) -> None:
    line, problems = one_line(reference(type_code))
    assert line.reexport_certificate == DocumentReference("X-1", "811", None)
    assert (line.origin_permit, problems) == (None, [])


@pytest.mark.parametrize(
    ("type_code", "number", "expected"),
    [
        ("Import", "X-1", [("ignored_reference", "warning")]),
        ("Other", "X-1", [("ignored_reference", "warning")]),
        ("999", "X-1", [("unknown_code", "error")]),
        ("?", "X-1", [("placeholder", "warning"), ("missing", "error")]),
        (None, "X-1", [("missing", "error")]),
        ("861", None, [("missing", "warning")]),
    ],
)
def test_references_that_are_not_box_12(
    type_code: str | None, number: str | None, expected: list[tuple[str, str]]
) -> None:
    line, problems = one_line(reference(type_code, number))
    assert (line.origin_permit, line.reexport_certificate) == (None, None)
    assert problems == expected


def test_a_second_origin_permit_is_ignored_with_a_warning() -> None:
    doc = (
        "<AssociatedReferencedDocument><TypeCode>861</TypeCode><ID>P1</ID>"
        "</AssociatedReferencedDocument>"
        "<AssociatedReferencedDocument><TypeCode>Export</TypeCode><ID>P2</ID>"
        "</AssociatedReferencedDocument>"
    )
    result = read_permit_bytes(permit(line=f"<ID>A</ID>{doc}"))
    assert result.document is not None
    origin = result.document.lines[0].origin_permit
    assert origin is not None
    assert origin.id == "P1"
    (problem,) = [p for p in result.problems if p.code == "duplicate"]
    assert problem.path == f"{ITEM}[1]/AssociatedReferencedDocument[2]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-03T10:15:00+01:00", datetime(2025, 1, 3, 9, 15, tzinfo=UTC)),
        ("2025-01-03T10:15:00Z", datetime(2025, 1, 3, 10, 15, tzinfo=UTC)),
        ("2025-01-03T10:15:00", datetime(2025, 1, 3, 10, 15, tzinfo=UTC)),
        ("2025-01-03T10:15:00.5", datetime(2025, 1, 3, 10, 15, 0, 500000, tzinfo=UTC)),
        ("2025-01-03", datetime(2025, 1, 3, tzinfo=UTC)),
        ("2025-01-03Z", datetime(2025, 1, 3, tzinfo=UTC)),
        ("20250103", datetime(2025, 1, 3, tzinfo=UTC)),
        (
            '<DateTimeString format="102">20250103</DateTimeString>',
            datetime(2025, 1, 3, tzinfo=UTC),
        ),
        (
            '<DateTimeString format="204">20250103101500</DateTimeString>',
            datetime(2025, 1, 3, 10, 15, tzinfo=UTC),
        ),
    ],
)
def test_date_times(text: str, expected: datetime) -> None:
    document, problems = read(permit(header=f"<ID>N1</ID><IssueDateTime>{text}</IssueDateTime>"))
    assert document.issued_at == expected
    assert document.issued_at is not None
    assert document.issued_at.tzinfo is not None
    assert problems == []


@pytest.mark.parametrize("text", ["03.01.2025", "2025-13-01", "yesterday", "2025-01-03T25:00"])
def test_invalid_dates_are_problems(text: str) -> None:
    header = (
        f"<ID>N1</ID><EffectiveSpecifiedPeriod><EndDateTime>{text}</EndDateTime>"
        "</EffectiveSpecifiedPeriod>"
    )
    result = read_permit_bytes(permit(header=header))
    assert result.document is not None
    assert result.document.valid_until is None
    (problem,) = [p for p in result.problems if p.code == "invalid_date"]
    assert problem.path == f"{HEADER}/EffectiveSpecifiedPeriod/EndDateTime"
    assert problem.severity == "error"


def test_a_date_field_takes_the_date_as_written() -> None:
    header = (
        "<ID>N1</ID><EffectiveSpecifiedPeriod><StartDateTime>2025-01-03T00:00:00+14:00"
        "</StartDateTime><EndDateTime>2025-07-02T23:59:59-11:00</EndDateTime>"
        "</EffectiveSpecifiedPeriod>"
    )
    document, _ = read(permit(header=header))
    assert (document.valid_from, document.valid_until) == (date(2025, 1, 3), date(2025, 7, 2))


@pytest.mark.parametrize(
    ("text", "expected", "problems"),
    [
        ("true", True, []),
        ("TRUE", True, []),
        ("1", True, []),
        ("false", False, []),
        ("0", False, []),
        ("", False, []),
        ("yes", False, [("invalid_boolean", "error")]),
    ],
)
def test_copy_indicator(text: str, expected: bool, problems: list[tuple[str, str]]) -> None:
    document, found = read(permit(header=f"<ID>N1</ID><CopyIndicator>{text}</CopyIndicator>"))
    assert (document.copy, found) == (expected, problems)


@pytest.mark.parametrize(
    ("text", "expected", "problems"),
    [
        ("R", "R", []),
        ("o", "O", []),
        ("Export permit", "E", [("normalised_code", "warning")]),
        ("Re-export certificate", "R", [("normalised_code", "warning")]),
        ("X", "X", []),  # passed through: the rules layer reports the unknown code
    ],
)
def test_document_type(text: str, expected: str, problems: list[tuple[str, str]]) -> None:
    document, found = read(permit(header=f"<ID>N1</ID><TypeCode>{text}</TypeCode>"))
    assert (document.type, found) == (expected, problems)


@pytest.mark.parametrize(
    ("header", "expected", "problems"),
    [
        ("<PurposeCode>t</PurposeCode>", "T", []),
        ("<PurposeCode/><Purpose>Z</Purpose>", "Z", []),
        ("<Purpose>Commercial</Purpose>", "T", [("normalised_code", "warning")]),
        ("<Purpose>for fun</Purpose>", None, [("unknown_code", "error")]),
    ],
)
def test_purpose(header: str, expected: str | None, problems: list[tuple[str, str]]) -> None:
    document, found = read(permit(header=f"<ID>N1</ID>{header}"))
    assert (document.purpose_code, found) == (expected, problems)


@pytest.mark.parametrize("placeholder", ["?", "??", "???", "-", "--", "N/A", "n/a", "NULL", "None"])
def test_placeholders_are_no_value_with_a_warning(placeholder: str) -> None:
    document, problems = read(
        permit(
            header=f"<ID>N1</ID><IssueLogisticsLocation><Name> {placeholder} </Name>"
            "</IssueLogisticsLocation>"
        )
    )
    assert document.place_of_issue is None
    assert problems == [("placeholder", "warning")]


def test_empty_and_blank_elements_are_none_without_problems() -> None:
    header = (
        "<ID>N1</ID><Name/><TypeCode>  </TypeCode><IssueDateTime/><Information>\n\t</Information>"
        "<IssueLogisticsLocation><Name></Name></IssueLogisticsLocation>"
        '<FirstSignatoryDocumentAuthentication><ID xmlns:xsi="http://www.w3.org/2001/'
        'XMLSchema-instance" xsi:nil="true"/><ProviderTradeParty><Name/>'
        "</ProviderTradeParty></FirstSignatoryDocumentAuthentication>"
    )
    document, problems = read(permit(header=header))
    assert document == PermitDocument(number="N1", type=None, lines=(PermitLine(id="A"),))
    assert problems == []


def test_text_split_by_a_comment_is_joined_and_children_are_ignored() -> None:
    header = "<ID>26CH<!-- x -->0001<?pi x?>23</ID><TypeCode>E<b>junk</b></TypeCode>"
    document, _ = read(permit(header=header))
    assert (document.number, document.type) == ("26CH000123", "E")


def test_children_match_by_local_name_in_any_namespace() -> None:
    data = (
        f'<c:CITESEPermit xmlns:c="{CITES}" xmlns:r="{RAM}" xmlns:x="urn:other">'
        "<c:HeaderExchangedDocument><x:ID>N1</x:ID><TypeCode>I</TypeCode>"
        "</c:HeaderExchangedDocument><SpecifiedSupplyChainConsignment>"
        f"<r:{_ITEM}><r:ID>A</r:ID></r:{_ITEM}></SpecifiedSupplyChainConsignment></c:CITESEPermit>"
    ).encode()
    result = read_permit_bytes(data)
    assert result.document == PermitDocument(number="N1", type="I", lines=(PermitLine(id="A"),))
    assert result.problems == []


def test_elements_only_count_under_their_expected_parent() -> None:
    # An ID or a line in the wrong place is not the permit number or a line.
    data = (
        "<CITESEPermit><ID>N1</ID><HeaderExchangedDocument><TypeCode>E</TypeCode>"
        f"<{_ITEM}><ID>A</ID></{_ITEM}></HeaderExchangedDocument></CITESEPermit>"
    ).encode()
    result = read_permit_bytes(data)
    assert result.document == PermitDocument(number=None, type="E")
    assert [(p.code, p.severity, p.path) for p in result.problems] == [
        ("unqualified_root", "warning", "/CITESEPermit"),
        ("missing_number", "error", f"{HEADER}/ID"),
        ("no_lines", "error", f"/CITESEPermit/SpecifiedSupplyChainConsignment/{_ITEM}"),
    ]
    assert not result.ok


def test_duplicates_of_single_elements_warn_and_the_first_wins() -> None:
    document, problems = read(permit(header="<ID>N1</ID><ID>N2</ID><TypeCode>E</TypeCode>"))
    assert document.number == "N1"
    assert problems == [("duplicate", "warning")]


def test_missing_line_ids_are_lettered_by_position() -> None:
    lines = f"<{_ITEM}><ID>A</ID></{_ITEM}><{_ITEM}/><{_ITEM}><ID>?</ID></{_ITEM}>"
    result = read_permit_bytes(permit(lines=lines))
    assert result.document is not None
    assert [line.id for line in result.document.lines] == ["A", "B", "C"]
    assert [(p.code, p.path) for p in result.problems if p.code != "unqualified_root"] == [
        ("missing_line_id", f"{ITEM}[2]/ID"),
        ("placeholder", f"{ITEM}[3]/ID"),
        ("missing_line_id", f"{ITEM}[3]/ID"),
    ]


def test_marks_are_joined() -> None:
    marks = (
        "<PhysicalLogisticsShippingMarks><Marking>M1</Marking><Marking/></PhysicalLogisticsShippingMarks>"
        "<PhysicalLogisticsShippingMarks><Marking>M2</Marking></PhysicalLogisticsShippingMarks>"
    )
    line, _ = one_line(permit(line=f"<ID>A</ID>{marks}"))
    assert line.marks == "M1; M2"


def test_the_replacement_statement_is_only_read_for_the_document_replaced() -> None:
    header = (
        "<ID>N2</ID><Information>Replaces N0: stolen</Information>"
        "<Information>Replaces N1: lost</Information><Information>Replaces N1: again</Information>"
        "<ReferenceReferencedDocument><ID>N1</ID></ReferenceReferencedDocument>"
    )
    document, _ = read(permit(header=header))
    assert document.replaces == DocumentReference("N1")
    assert document.replacement_reason == "lost"
    assert document.special_conditions == ("Replaces N0: stolen", "Replaces N1: again")


def test_issuing_official_prefers_the_signatory_person() -> None:
    header = (
        "<ID>N1</ID><ThirdSignatoryDocumentAuthentication><ProviderTradeParty><Name>Office</Name>"
        "<SpecifiedAuthoritativeSignatoryPerson><Name>A. Person</Name>"
        "</SpecifiedAuthoritativeSignatoryPerson></ProviderTradeParty>"
        "</ThirdSignatoryDocumentAuthentication>"
    )
    document, _ = read(permit(header=header))
    assert document.issuing_official == "A. Person"


# -- roots ---------------------------------------------------------------------------------


def test_qualified_root_has_no_namespace_warning() -> None:
    data = permit().replace(b"<CITESEPermit>", f'<CITESEPermit xmlns="{CITES}">'.encode())
    result = read_permit_bytes(data)
    assert result.document is not None
    assert result.problems == []


def test_root_in_another_namespace_is_read_with_a_warning() -> None:
    data = permit().replace(
        b"<CITESEPermit>",
        b'<CITESEPermit xmlns="urn:un:unece:uncefact:data:standard:CITESEPermit:3">',
    )
    result = read_permit_bytes(data)
    assert result.document is not None
    assert result.document.number == "26CH000001"
    assert [p.code for p in result.problems] == ["unexpected_namespace"]


def test_toolkit_v1_is_unsupported() -> None:
    data = f'<CBFShip xmlns="{CBF_V1}"><Header/></CBFShip>'.encode()
    result = read_permit_bytes(data)
    assert result.document is None
    assert [(p.code, p.severity, p.path) for p in result.problems] == [
        ("unsupported_version", "error", "/CBFShip")
    ]


def test_another_root_is_not_a_permit() -> None:
    result = read_permit_bytes(b"<Invoice><ID>1</ID></Invoice>")
    assert result.document is None
    assert [p.code for p in result.problems] == ["not_a_permit"]
    assert not result.ok
    assert result.errors == result.problems


def test_a_permit_inside_an_envelope_has_paths_from_its_own_root() -> None:
    envelope = b"<Envelope><Body>" + permit(header="<ID>?</ID>") + b"</Body></Envelope>"
    parsed = parse_xml(envelope)
    assert parsed.root is not None
    result = read_permit(parsed.root[0][0])
    assert [p.path for p in result.problems if p.code == "placeholder"] == [f"{HEADER}/ID"]


def test_parse_problems_come_back_from_read_permit_bytes() -> None:
    result = read_permit_bytes(b"<CITESEPermit>", max_bytes=100)
    assert result.document is None
    assert [(p.layer, p.code) for p in result.problems] == [("wellformed", "malformed")]
    assert read_permit_bytes(permit(), max_bytes=10).problems[0].code == "too_large"


def test_read_permit_takes_an_element() -> None:
    root = etree.fromstring(permit(), safe_parser())
    result = read_permit(root)
    assert result.document is not None
    assert result.document.number == "26CH000001"
    assert all(p.layer == "read" for p in result.problems)
