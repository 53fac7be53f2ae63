"""The permit's XML over HTTP, and the validation endpoint; `ecites xml` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from app.cli import cli
from app.xml.reader import read_permit_bytes
from app.xml.schema import SchemaRegistry
from tests.factories import Api, application_body

SAMPLES = Path(__file__).parent.parent / "samples"


def test_issued_permit_as_xml(api: Api) -> None:
    c = api.client
    trader = api.trader()
    officer = api.user("officer", username="officer-xml")
    body = application_body(
        special_conditions="Keep in ventilated crates",
        lines=[
            {
                "scientific_name": "Python regius",
                "common_name": "Ball python",
                "term_code": "LIV",
                "quantity": "2",
                "unit_code": "",
                "appendix": "II",
                "source_code": "C",
                "origin_country": "TG",
                "origin_permit_number": "TG-2025-17",
                "origin_permit_date": "2025-03-01",
                "marks": "microchips 9810001, 9810002",
            },
            {
                "scientific_name": "Aloe spp.",
                "term_code": "EXT",
                "quantity": "1.5",
                "unit_code": "KIL",
                "appendix": "2",
                "source_code": "A",
            },
        ],
    )
    app_id = c.post("/api/v1/applications", headers=trader, json=body).json()["id"]
    c.post(f"/api/v1/applications/{app_id}/submit", headers=trader)
    c.post(f"/api/v1/applications/{app_id}/approve", headers=officer)
    permit = c.post(f"/api/v1/applications/{app_id}/issue", headers=officer).json()

    response = c.get(f"/api/v1/permits/{permit['id']}.xml", headers=trader)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert permit["number"] in response.headers["content-disposition"]

    from lxml import etree

    root = etree.fromstring(response.content)
    assert SchemaRegistry.load().validate(root) == []
    result = read_permit_bytes(response.content)
    document = result.document
    assert document is not None
    assert (document.number, document.type, document.purpose_code) == (permit["number"], "E", "Z")
    assert document.valid_until is not None
    assert document.valid_until.isoformat() == permit["valid_until"]
    assert document.issuing_country == "CH"
    assert document.issuing_authority is not None
    assert document.issuing_authority.name == "CITES Management Authority of Switzerland"
    assert document.issuing_official == "Officer-Xml"
    assert document.special_conditions == ("Keep in ventilated crates",)
    assert document.exporter is not None
    assert document.exporter.country == "CH"
    assert document.importer is not None
    assert document.importer.name == "Jardin des Plantes"
    first, second = document.lines
    assert (first.id, first.scientific_name, first.unit, first.origin_country) == (
        "A",
        "Python regius",
        "NAR",
        "TG",
    )
    assert first.origin_permit is not None
    assert first.origin_permit.id == "TG-2025-17"
    assert first.marks == "microchips 9810001, 9810002"
    assert (second.id, second.unit, str(second.quantity), second.appendix) == (
        "B",
        "KGM",
        "1.5",
        "II",
    )

    # the same permit gives the same bytes
    again = c.get(f"/api/v1/permits/{permit['id']}.xml", headers=officer)
    assert again.content == response.content

    # a replacement states the document it replaces
    new = c.post(
        f"/api/v1/permits/{permit['id']}/replace",
        headers=officer,
        json={"reason": "original damaged"},
    ).json()
    replaced = read_permit_bytes(
        c.get(f"/api/v1/permits/{new['id']}.xml", headers=officer).content
    ).document
    assert replaced is not None
    assert replaced.replaces is not None
    assert replaced.replaces.id == permit["number"]
    assert replaced.replacement_reason == "original damaged"


def test_import_permit_names_the_applicant_as_importer(api: Api) -> None:
    c = api.client
    trader = api.trader()
    officer = api.user("officer")
    body = application_body(
        document_type="I",
        purpose_code="S",
        counterparty={"name": "Reptile Farm Lome", "address": "Lome", "country": "TG"},
    )
    app_id = c.post("/api/v1/applications", headers=trader, json=body).json()["id"]
    c.post(f"/api/v1/applications/{app_id}/submit", headers=trader)
    c.post(f"/api/v1/applications/{app_id}/approve", headers=officer)
    permit = c.post(f"/api/v1/applications/{app_id}/issue", headers=officer).json()
    document = read_permit_bytes(
        c.get(f"/api/v1/permits/{permit['id']}.xml", headers=officer).content
    ).document
    assert document is not None
    assert document.type == "I"
    assert document.exporter is not None
    assert document.importer is not None
    assert (document.exporter.name, document.importer.country) == ("Reptile Farm Lome", "CH")


def test_validate_endpoint_reports_per_layer(api: Api) -> None:
    officer = api.user("officer")
    headers = {**officer, "Content-Type": "application/xml"}
    valid = api.client.post(
        "/api/v1/xml/validate",
        headers=headers,
        content=(SAMPLES / "ours-reexport.xml").read_bytes(),
    )
    assert valid.status_code == 200
    assert valid.json()["valid"] is True

    xxe = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    report = api.client.post("/api/v1/xml/validate", headers=headers, content=xxe).json()
    assert report["valid"] is False
    layers = {layer["layer"]: layer for layer in report["layers"]}
    assert layers["wellformed"]["status"] == "failed"
    assert layers["schema"]["status"] == "skipped"
    assert "root:" not in json.dumps(report)  # nothing of /etc/passwd came back

    foreign = api.client.post(
        "/api/v1/xml/validate",
        headers=headers,
        content=(SAMPLES / "foreign-fr-reexport.xml").read_bytes(),
    )
    assert [layer["status"] for layer in foreign.json()["layers"]] == [
        "passed",
        "failed",
        "skipped",
    ]


def test_validate_endpoint_refuses_oversized_bodies(api: Api) -> None:
    officer = api.user("officer")
    response = api.client.post(
        "/api/v1/xml/validate",
        headers={**officer, "Content-Type": "application/xml"},
        content=b"<a>" + b" " * (128 * 1024) + b"</a>",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"


def test_cli_xml_validate_and_parse(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"ECITES_DATA_DIR": str(tmp_path)}
    ok = runner.invoke(cli, ["xml", "validate", str(SAMPLES / "ours-import.xml")], env=env)
    assert ok.exit_code == 0, ok.output
    assert ok.output.strip().endswith("valid")
    bad = runner.invoke(
        cli, ["xml", "validate", "--json", str(SAMPLES / "foreign-export-words.xml")], env=env
    )
    assert bad.exit_code == 1
    assert json.loads(bad.output)["layers"][1]["status"] == "failed"

    parsed = runner.invoke(
        cli, ["xml", "parse", str(SAMPLES / "foreign-export-words.xml")], env=env
    )
    assert parsed.exit_code == 0, parsed.output
    summary = json.loads(parsed.output)
    assert set(summary) == {
        "number",
        "type",
        "issue_date",
        "valid_from",
        "valid_until",
        "purpose_code",
        "issuing_country",
        "exporter",
        "importer",
        "lines",
        "problems",
    }
    assert set(summary["lines"][0]) == {
        "id",
        "scientific_name",
        "common_name",
        "description",
        "term_code",
        "quantity",
        "unit",
        "appendix",
        "source_code",
        "origin_country",
        "origin_permit",
        "reexport_country",
        "reexport_certificate",
    }
    assert isinstance(summary["lines"][0]["quantity"], int | float)

    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<CITESEPermit><HeaderExchangedDocument>")
    failed = runner.invoke(cli, ["xml", "parse", str(broken)], env=env)
    assert failed.exit_code == 1
    assert json.loads(failed.output)["problems"][0]["code"] == "malformed"
    missing = runner.invoke(cli, ["xml", "parse", str(tmp_path / "nope.xml")], env=env)
    assert missing.exit_code == 2
