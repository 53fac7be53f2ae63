"""The strict writer and our XSD: valid, deterministic, complete output; invalid input refused."""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from lxml import etree

import app.xml.writer as writer_module
from app.codelists.lists import code_lists
from app.xml.document import DocumentReference, PermitDocument, PermitLine, TradeParty
from app.xml.namespaces import CITES, RAM
from app.xml.parser import parse_xml
from app.xml.schema import (
    SchemaLoadError,
    SchemaRegistry,
    default_schema_dir,
    load_schema,
)
from app.xml.writer import XmlOutputInvalid, to_bytes, to_xml
from tests.xml.strategies import permit_documents

REPO = Path(__file__).resolve().parents[2]
SAMPLES_DIR = REPO / "tests" / "samples"
SCHEMA_DIR = REPO / "schemas"
NS = {"cites": CITES, "ram": RAM}
XS = "{http://www.w3.org/2001/XMLSchema}"
H = "/cites:CITESEPermit/cites:HeaderExchangedDocument"
C = "/cites:CITESEPermit/cites:SpecifiedSupplyChainConsignment"
L = f"{C}/ram:IncludedSupplyChainConsignmentItem"


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_ours = _load(SAMPLES_DIR / "make_ours.py", "make_ours")
generate_enums = _load(SCHEMA_DIR / "generate_enums.py", "generate_enums")
SAMPLES: dict[str, PermitDocument] = make_ours.SAMPLES


@pytest.fixture(scope="module")
def registry() -> SchemaRegistry:
    return SchemaRegistry.load()


def _text(root: etree._Element, path: str) -> list[str]:
    return [str(value) for value in root.xpath(path, namespaces=NS)]


def _one(root: etree._Element, path: str) -> str:
    values = _text(root, path)
    assert len(values) == 1, f"{path}: {values}"
    return values[0]


def minimal() -> PermitDocument:
    """Only what the XSD requires: every optional field None."""
    return PermitDocument(
        number="26CH000200",
        type="E",
        issued_at=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
        valid_until=date(2027, 5, 24),
        issuing_country="CH",
        exporter=TradeParty(name="Exporter"),
        importer=TradeParty(name="Importer"),
        lines=(
            PermitLine(
                id="A",
                scientific_name="Python regius",
                term_code="LIV",
                quantity=Decimal("1"),
                unit="NAR",
                appendix="II",
                source_code="C",
            ),
        ),
    )


# ---------------------------------------------------------------- valid output, samples


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_is_what_the_writer_makes_and_valid(registry: SchemaRegistry, name: str) -> None:
    data = to_bytes(SAMPLES[name], registry)
    assert (SAMPLES_DIR / name).read_bytes() == data, (
        f"{name} is stale: run .venv/bin/python tests/samples/make_ours.py"
    )
    parsed = parse_xml(data)
    assert parsed.root is not None
    assert registry.validate(parsed.root) == []


def test_minimal_document_is_valid(registry: SchemaRegistry) -> None:
    assert registry.validate(to_xml(minimal())) == []


def test_output_conventions(registry: SchemaRegistry) -> None:
    data = to_bytes(SAMPLES["ours-export-3-lines.xml"], registry)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<cites:CITESEPermit ")
    assert data.endswith(b"</cites:CITESEPermit>")
    root = etree.fromstring(data)
    assert root.nsmap == {"cites": CITES, "ram": RAM}
    assert all(el.nsmap == root.nsmap for el in root.iter())  # no other declarations
    assert b"><ram:ID>26CH000123</ram:ID><" in data  # compact: no whitespace between elements
    assert data.count(b"\n") == 1  # only after the XML declaration


def test_signature_is_allowed_as_last_child(registry: SchemaRegistry) -> None:
    root = to_xml(minimal())
    etree.SubElement(root, "{http://www.w3.org/2000/09/xmldsig#}Signature")
    assert registry.validate(root) == []
    etree.SubElement(root, "{urn:example}Extension")
    assert [e.path for e in registry.validate(root)] == ["/CITESEPermit/Extension"]


@settings(max_examples=200, deadline=None)
@given(permit_documents())
def test_generated_documents_are_valid(registry: SchemaRegistry, document: PermitDocument) -> None:
    # one CountryID carries both the issuing country and the authority's country
    authority = document.issuing_authority
    if authority is not None:
        document = dataclasses.replace(
            document,
            issuing_authority=dataclasses.replace(authority, country=document.issuing_country),
        )
    data = to_bytes(document, registry)
    assert data == to_bytes(document, registry)
    assert _empty_elements(etree.fromstring(data)) == []


# ---------------------------------------------------------------- determinism


def test_same_document_same_bytes(registry: SchemaRegistry) -> None:
    document = SAMPLES["ours-export-3-lines.xml"]
    first = to_bytes(document, registry)
    assert to_bytes(document, registry) == first
    # an equal document built separately, and a freshly compiled schema
    copy = dataclasses.replace(
        document, lines=tuple(dataclasses.replace(x) for x in document.lines)
    )
    assert to_bytes(copy, SchemaRegistry.load()) == first


def test_same_bytes_in_a_fresh_process(registry: SchemaRegistry) -> None:
    script = (
        "import sys, importlib.util\n"
        "from app.xml.schema import SchemaRegistry\n"
        "from app.xml.writer import to_bytes\n"
        f"path = {str(SAMPLES_DIR / 'make_ours.py')!r}\n"
        "spec = importlib.util.spec_from_file_location('m', path)\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "sys.stdout.buffer.write(to_bytes(m.SAMPLES['ours-reexport.xml'], SchemaRegistry.load()))\n"
    )
    outputs = [
        subprocess.run(
            [sys.executable, "-c", script],
            check=True,
            capture_output=True,
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "4242")
    ]
    assert outputs[0] == outputs[1] == to_bytes(SAMPLES["ours-reexport.xml"], registry)


# ---------------------------------------------------------------- every box


def test_every_box_of_the_export_permit() -> None:
    root = to_xml(SAMPLES["ours-export-3-lines.xml"])
    context = "/cites:CITESEPermit/cites:SpecifiedExchangedDocumentContext"
    parameter = f"{context}/ram:BusinessProcessSpecifiedDocumentContextParameter"
    assert _one(root, f"{parameter}/ram:Value/text()") == "CITES PERMITTING"
    assert _one(root, f"{parameter}/ram:SpecifiedDocumentVersion/ram:ID/text()") == "1"
    assert _one(root, f"{H}/ram:ID/text()") == "26CH000123"  # Box 1
    assert _one(root, f"{H}/ram:TypeCode/text()") == "E"
    assert _one(root, f"{H}/ram:TypeCode/@listID") == "1001"
    assert _one(root, f"{H}/ram:IssueDateTime/text()") == "2026-11-24T09:00:00+00:00"  # Box 13
    assert _one(root, f"{H}/ram:CopyIndicator/text()") == "false"
    assert _one(root, f"{H}/ram:PurposeCode/text()") == "T"  # Box 5a
    assert _text(root, f"{H}/ram:Information/text()") == [  # Box 5
        "Live animals must be shipped in accordance with the IATA Live Animals Regulations.",
        "Valid only with the original invoice no. 2026/1187 & packing list <3 pages>.",
    ]
    period = f"{H}/ram:EffectiveSpecifiedPeriod"  # Box 2
    assert _one(root, f"{period}/ram:StartDateTime/text()") == "2026-11-24T00:00:00+00:00"
    assert _one(root, f"{period}/ram:EndDateTime/text()") == "2027-05-24T00:00:00+00:00"
    assert _one(root, f"{H}/ram:IssueLogisticsLocation/ram:Name/text()") == "Bern"  # Box 13
    first = f"{H}/ram:FirstSignatoryDocumentAuthentication"  # Box 6 and 5b
    assert _one(root, f"{first}/ram:TypeCode/text()") == "A"
    assert _one(root, f"{first}/ram:ID/text()") == "CH0012345"
    assert _one(root, f"{first}/ram:ProviderTradeParty/ram:Name/text()").startswith("Federal")
    address = f"{first}/ram:ProviderTradeParty/ram:PostalTradeAddress"
    assert _one(root, f"{address}/ram:StreetName/text()") == "Schwarzenburgstrasse 155, 3003 Bern"
    assert _one(root, f"{address}/ram:CountryID/text()") == "CH"
    third = f"{H}/ram:ThirdSignatoryDocumentAuthentication"  # Box 13 official
    assert _one(root, f"{third}/ram:TypeCode/text()") == "C"
    person = f"{third}/ram:ProviderTradeParty/ram:SpecifiedAuthoritativeSignatoryPerson"
    assert _one(root, f"{person}/ram:Name/text()") == "Anna Müller"
    for role, name, country in (
        ("ConsignorTradeParty", "Reptilia Zürich AG", "CH"),  # Box 4
        ("ConsigneeTradeParty", "Herpetologie Berlin GmbH", "DE"),  # Box 3, 3a
    ):
        assert _one(root, f"{C}/ram:{role}/ram:Name/text()") == name
        assert _one(root, f"{C}/ram:{role}/ram:PostalTradeAddress/ram:StreetName/text()")
        assert _one(root, f"{C}/ram:{role}/ram:PostalTradeAddress/ram:CountryID/text()") == country
    assert _text(root, f"{L}/ram:ID/text()") == ["A", "B", "C"]
    line_a, line_b = f"{L}[1]", f"{L}[2]"
    product = "ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedTradeProduct"
    assert _one(root, f"{line_a}/{product}/ram:ScientificName/text()") == "Python regius"  # 7
    assert _one(root, f"{line_a}/{product}/ram:CommonName/text()") == "Ball python"  # 8
    assert _one(root, f"{line_a}/{product}/ram:Description/text()").startswith("Live")  # 9
    assert _one(root, f"{line_a}/{product}/ram:TypeCode/text()") == "LIV"
    assert _one(root, f"{line_a}/ram:PhysicalLogisticsShippingMarks/ram:Marking/text()")
    trade = "ram:IncludedSupplyChainTradeLineItem"
    assert _one(root, f"{line_a}/{trade}/ram:TypeCode/text()") == "II"  # Box 10
    assert _one(root, f"{line_b}/{trade}/ram:TypeExtensionCode/text()") == "R"
    quantity = "ram:TransportLogisticsPackage/ram:ItemQuantity"  # Box 11
    assert _one(root, f"{line_b}/{quantity}/text()") == "25"
    assert _one(root, f"{line_b}/{quantity}/@unitCode") == "NAR"
    assert _one(root, f"{L}[3]/{quantity}/text()") == "2.5"
    assert _one(root, f"{L}[3]/{quantity}/@unitCode") == "KGM"
    assert _one(root, f"{line_b}/ram:OriginTradeCountry/ram:ID/text()") == "ZW"  # Box 12
    origin = f"{line_b}/ram:AssociatedReferencedDocument"
    assert _one(root, f"{origin}/ram:TypeCode/text()") == "861"
    assert _one(root, f"{origin}/ram:ID/text()") == "ZW-2026-004711"
    assert _one(root, f"{origin}/ram:IssueDateTime/text()") == "2026-03-02T00:00:00+00:00"


def test_reexport_references_in_order() -> None:
    root = to_xml(SAMPLES["ours-reexport.xml"])
    references = f"{L}[1]/ram:AssociatedReferencedDocument"
    assert _text(root, f"{references}/ram:TypeCode/text()") == ["861", "811"]
    assert _text(root, f"{references}/ram:ID/text()") == ["FR2601234-E", "26DE004567"]
    assert _one(root, f"{L}[1]/ram:ExportTradeCountry/ram:ID/text()") == "DE"  # Box 12a
    assert _one(root, f"{L}[1]/ram:OriginTradeCountry/ram:ID/text()") == "FR"
    assert _one(root, f"{L}[2]/ram:TransportLogisticsPackage/ram:ItemQuantity/text()") == "0.012"
    assert _one(root, f"{L}[1]/ram:TransportLogisticsPackage/ram:ItemQuantity/text()") == "12500"


def test_other_certificate_has_its_name_and_import_its_offset_and_copy() -> None:
    other = to_xml(SAMPLES["ours-other-certificate.xml"])
    assert _one(other, f"{H}/ram:TypeCode/text()") == "O"
    assert _one(other, f"{H}/ram:Name/text()") == "Pre-Convention certificate"
    imported = to_xml(SAMPLES["ours-import.xml"])
    assert _one(imported, f"{H}/ram:IssueDateTime/text()") == "2026-11-25T14:30:15+01:00"
    assert _one(imported, f"{H}/ram:CopyIndicator/text()") == "true"


def test_replacement_states_the_document_replaced_and_the_reason() -> None:
    root = to_xml(SAMPLES["ours-replacement.xml"])
    reference = f"{H}/ram:ReferenceReferencedDocument"
    assert _one(root, f"{reference}/ram:ID/text()") == "26CH000123"
    assert _one(root, f"{reference}/ram:TypeCode/text()") == "E"
    assert _one(root, f"{reference}/ram:IssueDateTime/text()") == "2026-11-24T00:00:00+00:00"
    assert _text(root, f"{H}/ram:Information/text()") == [
        "Replaces 26CH000123: Lost in transit",
        "Valid until the expiry date of the document replaced.",
    ]


# ---------------------------------------------------------------- None -> nothing


def _empty_elements(root: etree._Element) -> list[str]:
    return [
        root.getroottree().getpath(el)
        for el in root.iter()
        if len(el) == 0 and not (el.text or "").strip()
    ]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_no_empty_elements_in_samples(name: str) -> None:
    assert _empty_elements(to_xml(SAMPLES[name])) == []


def test_none_fields_write_no_elements() -> None:
    root = to_xml(minimal())
    assert _empty_elements(root) == []
    for absent in (
        f"{H}/ram:Name",
        f"{H}/ram:PurposeCode",
        f"{H}/ram:Information",
        f"{H}/ram:ReferenceReferencedDocument",
        f"{H}/ram:EffectiveSpecifiedPeriod/ram:StartDateTime",
        f"{H}/ram:IssueLogisticsLocation",
        f"{H}/ram:FirstSignatoryDocumentAuthentication/ram:ID",
        f"{H}/ram:FirstSignatoryDocumentAuthentication/ram:ProviderTradeParty/ram:Name",
        f"{H}/ram:ThirdSignatoryDocumentAuthentication",
        f"{C}/ram:ConsignorTradeParty/ram:PostalTradeAddress",
        f"{L}/ram:PhysicalLogisticsShippingMarks",
        f"{L}/ram:OriginTradeCountry",
        f"{L}/ram:ExportTradeCountry",
        f"{L}/ram:AssociatedReferencedDocument",
        f"{L}//ram:Description",
        f"{L}//ram:CommonName",
    ):
        assert root.xpath(absent, namespaces=NS) == [], absent
    # issuing_country alone still says who issued the document
    party = f"{H}/ram:FirstSignatoryDocumentAuthentication/ram:ProviderTradeParty"
    assert _one(root, f"{party}/ram:PostalTradeAddress/ram:CountryID/text()") == "CH"


def test_empty_strings_are_left_out_like_none() -> None:
    document = dataclasses.replace(
        minimal(), name="", place_of_issue="", exporter=TradeParty("Exporter", "", "")
    )
    root = to_xml(document)
    assert _empty_elements(root) == []
    assert root.xpath(f"{H}/ram:Name | {H}/ram:IssueLogisticsLocation", namespaces=NS) == []


# ---------------------------------------------------------------- refused


def _line(**changes: Any) -> PermitDocument:
    document = minimal()
    return dataclasses.replace(document, lines=(dataclasses.replace(document.lines[0], **changes),))


INVALID = {
    "type Z": (dataclasses.replace(minimal(), type="Z"), "/HeaderExchangedDocument/TypeCode"),
    "40-char number": (
        dataclasses.replace(minimal(), number="X" * 40),
        "/HeaderExchangedDocument/ID",
    ),
    "quantity 0": (_line(quantity=Decimal("0")), "/ItemQuantity"),
    "quantity < 0": (_line(quantity=Decimal("-5")), "/ItemQuantity"),
    "quantity NaN": (_line(quantity=Decimal("NaN")), "/ItemQuantity"),
    "legacy unit": (_line(unit="PCS"), "/ItemQuantity"),
    "no unit": (_line(unit=None), "/ItemQuantity"),
    "unknown term": (_line(term_code="XYZ"), "/SpecifiedTradeProduct/TypeCode"),
    "appendix 2": (_line(appendix="2"), "/IncludedSupplyChainTradeLineItem/TypeCode"),
    "unknown source": (_line(source_code="Q"), "/TypeExtensionCode"),
    "unknown country": (_line(origin_country="ZZ"), "/OriginTradeCountry/ID"),
    "unknown purpose": (dataclasses.replace(minimal(), purpose_code="K"), "/PurposeCode"),
    "no scientific name": (_line(scientific_name=None), "/SpecifiedTradeProduct"),
    "no lines": (dataclasses.replace(minimal(), lines=()), "/SpecifiedSupplyChainConsignment"),
    "no exporter": (
        dataclasses.replace(minimal(), exporter=None),
        "/SpecifiedSupplyChainConsignment",
    ),
    "no validity": (
        dataclasses.replace(minimal(), valid_until=None),
        "/HeaderExchangedDocument",
    ),
    "duplicate line letters": (
        dataclasses.replace(minimal(), lines=minimal().lines * 2),
        "/IncludedSupplyChainConsignmentItem",
    ),
    "blank condition": (
        dataclasses.replace(minimal(), special_conditions=("   ",)),
        "/HeaderExchangedDocument/Information",
    ),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_document_raises(registry: SchemaRegistry, case: str) -> None:
    document, path_part = INVALID[case]
    with pytest.raises(XmlOutputInvalid) as raised:
        to_bytes(document, registry)
    errors = raised.value.errors
    assert errors
    assert any(path_part in error.path for error in errors), errors
    assert all(error.path.startswith("/CITESEPermit") for error in errors)
    assert "not a valid CITESEPermit" in str(raised.value)


def test_error_paths_name_the_line() -> None:
    document = SAMPLES["ours-export-3-lines.xml"]
    lines = list(document.lines)
    lines[1] = dataclasses.replace(lines[1], quantity=Decimal("0"))
    with pytest.raises(XmlOutputInvalid) as raised:
        to_bytes(dataclasses.replace(document, lines=tuple(lines)), SchemaRegistry.load())
    [error] = raised.value.errors
    assert error.path == (
        "/CITESEPermit/SpecifiedSupplyChainConsignment/IncludedSupplyChainConsignmentItem[2]"
        "/TransportLogisticsPackage/ItemQuantity"
    )
    assert error.line is None
    assert "ram:ItemQuantity" in error.message


def test_long_code_lists_are_not_spelled_out_in_messages(registry: SchemaRegistry) -> None:
    [error] = registry.validate(to_xml(_line(origin_country="ZZ")))
    assert "'ZZ'" in error.message
    assert len(error.message) < 200


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (dataclasses.replace(minimal(), issued_at=datetime(2026, 1, 1)), "no timezone offset"),
        (dataclasses.replace(minimal(), replacement_reason="lost"), "document replaced"),
        (
            dataclasses.replace(
                minimal(), issuing_country="DE", issuing_authority=TradeParty("MA", None, "CH")
            ),
            "differs",
        ),
        (
            _line(origin_permit=DocumentReference("X1", "811")),
            "TypeCode 861",
        ),
        (dataclasses.replace(minimal(), special_conditions=("bell \x07",)), "XML compatible"),
    ],
)
def test_unwritable_document_raises_before_validation(
    document: PermitDocument, message: str
) -> None:
    with pytest.raises(XmlOutputInvalid, match=message):
        to_xml(document)


# ---------------------------------------------------------------- XSD and code lists


def _enumerations() -> dict[str, set[str]]:
    tree = etree.parse(
        str(SCHEMA_DIR / "ReusableAggregateBusinessInformationEntity_1_codelists.xsd")
    )
    out: dict[str, set[str]] = {}
    for simple in tree.getroot().iter(f"{XS}simpleType"):
        codes = {str(e.get("value")) for e in simple.iter(f"{XS}enumeration")}
        for pattern in simple.iter(f"{XS}pattern"):  # exact patterns: PREFIX[LAST...]|...
            for alternative in str(pattern.get("value")).split("|"):
                prefix, last = alternative.rstrip("]").split("[")
                codes |= {prefix + letter for letter in last}
        out[str(simple.get("name"))] = codes
    return out


def test_xsd_enumerations_equal_the_code_lists() -> None:
    lists = code_lists()
    assert _enumerations() == {
        "DocumentTypeCodeContentType": set(lists.document_type),
        "PurposeCodeContentType": set(lists.purpose),
        "SourceCodeContentType": set(lists.source),
        "AppendixCodeContentType": set(lists.appendix),
        "UnitCodeContentType": set(lists.unit),
        "TermCodeContentType": set(lists.term),
        "CountryIDContentType": set(lists.country),
    }
    assert set(lists.unit) == {"GRM", "KGM", "LTR", "MLT", "MTR", "CMT", "CMQ", "MTK", "MTQ", "NAR"}
    assert {"CH", "FR", "XX", "XV", "HS", "EU"} <= set(lists.country)


def test_codelist_xsd_is_what_the_generator_makes_now() -> None:
    on_disk = SCHEMA_DIR / "ReusableAggregateBusinessInformationEntity_1_codelists.xsd"
    assert on_disk.read_text("utf-8") == generate_enums.render(), (
        "the code lists changed: run .venv/bin/python schemas/generate_enums.py"
    )


def test_readme_carries_the_writer_mapping_table() -> None:
    doc = writer_module.__doc__ or ""
    table = doc[doc.index("Mapping (H") :].strip()
    assert table in (SCHEMA_DIR / "README.md").read_text("utf-8")


def test_coded_elements_use_the_enumerated_types() -> None:
    ram = etree.parse(str(SCHEMA_DIR / "ReusableAggregateBusinessInformationEntity_1.xsd"))
    types = {
        (str(ct.get("name")), str(el.get("name"))): str(el.get("type"))
        for ct in ram.getroot().iter(f"{XS}complexType")
        for el in ct.iter(f"{XS}element")
    }
    assert types[("ExchangedDocumentType", "TypeCode")] == "ram:DocumentTypeCodeType"
    assert types[("ExchangedDocumentType", "PurposeCode")] == "ram:PurposeCodeType"
    assert types[("SupplyChainTradeLineItemType", "TypeCode")] == "ram:AppendixCodeType"
    assert types[("SupplyChainTradeLineItemType", "TypeExtensionCode")] == "ram:SourceCodeType"
    assert types[("TradeProductType", "TypeCode")] == "ram:TermCodeType"
    assert types[("TradeAddressType", "CountryID")] == "ram:CountryIDType"
    assert types[("TradeCountryType", "ID")] == "ram:CountryIDType"
    assert types[("LogisticsPackageType", "ItemQuantity")] == "ram:ItemQuantityType"


# ---------------------------------------------------------------- loading the XSD


def test_default_schema_dir_is_the_repository_schemas() -> None:
    assert default_schema_dir() == SCHEMA_DIR
    assert load_schema(default_schema_dir()) is not None


def _copy_schemas(tmp_path: Path) -> Path:
    target = tmp_path / "schemas"
    target.mkdir()
    for xsd in SCHEMA_DIR.glob("*.xsd"):
        (target / xsd.name).write_bytes(xsd.read_bytes())
    return target


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_a_network_import_is_refused(tmp_path: Path) -> None:
    directory = _copy_schemas(tmp_path)
    _replace(
        directory / "CITESEPermit_2.xsd",
        'schemaLocation="ReusableAggregateBusinessInformationEntity_1.xsd"',
        'schemaLocation="http://127.0.0.1:9/ReusableAggregateBusinessInformationEntity_1.xsd"',
    )
    with pytest.raises(SchemaLoadError, match=r"refused .*: only local schema files"):
        load_schema(directory)


def test_a_file_outside_the_directory_is_refused(tmp_path: Path) -> None:
    directory = _copy_schemas(tmp_path)
    (tmp_path / "elsewhere.xsd").write_bytes(
        (directory / "ReusableAggregateBusinessInformationEntity_1.xsd").read_bytes()
    )
    _replace(
        directory / "CITESEPermit_2.xsd",
        'schemaLocation="ReusableAggregateBusinessInformationEntity_1.xsd"',
        'schemaLocation="../elsewhere.xsd"',
    )
    with pytest.raises(SchemaLoadError, match=r"refused to load '.*elsewhere\.xsd': outside"):
        load_schema(directory)


def test_a_doctype_in_an_imported_schema_is_refused(tmp_path: Path) -> None:
    directory = _copy_schemas(tmp_path)
    _replace(
        directory / "ReusableAggregateBusinessInformationEntity_1_codelists.xsd",
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE x [<!ENTITY e "boom">]>',
    )
    with pytest.raises(SchemaLoadError, match=r"refused .*: a DOCTYPE is not allowed"):
        load_schema(directory)


def test_a_missing_directory_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(SchemaLoadError, match="cannot load"):
        load_schema(tmp_path / "nowhere")


def test_validation_reports_source_lines_for_parsed_documents(registry: SchemaRegistry) -> None:
    good = b'    <ram:PurposeCode listID="CITES-PURPOSE">Z</ram:PurposeCode>'
    bad = good.replace(b">Z<", b">K<")
    indented = etree.tostring(  # a document laid out on many lines, as people write them
        etree.fromstring((SAMPLES_DIR / "ours-import.xml").read_bytes()),
        pretty_print=True,
        xml_declaration=True,
        encoding="UTF-8",
    )
    assert good in indented
    data = indented.replace(good, bad)
    parsed = parse_xml(data)
    assert parsed.root is not None
    [error] = registry.validate(parsed.root)
    assert error.path == "/CITESEPermit/HeaderExchangedDocument/PurposeCode"
    assert error.line == data.split(b"\n").index(bad) + 1
    assert not registry.is_valid(parsed.root)


@pytest.mark.parametrize(
    "line", [{"term_code": "XYZ"}, {"term_code": "LI"}, {"origin_country": "QQ"}]
)
def test_exact_patterns_refuse_codes_outside_the_lists(
    registry: SchemaRegistry, line: dict[str, str]
) -> None:
    errors = registry.validate(to_xml(_line(**line)))
    assert errors
    assert "pattern of the code list" in errors[0].message
